/* Fit a few sweeps with liblpmap: read ER files, estimate U_sc (every
 * sweep taken as sunlit), fit the loss cone, write the results to an NPZ
 * and read one array back.
 *   consumer OUT.npz THETA.tab ER_FILE... [--max N] [--seed S]
 * Exit 0 ok, 1 the library reported an error, 2 usage. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lpmap.h>

static int fail(const char *what, lpmap_status st)
{
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, lpmap_last_error(), lpmap_status_string(st));
    return 1;
}

int main(int argc, char **argv)
{
    const char *files[64];
    size_t n_files = 0, max = 20;
    unsigned long long seed = 42;
    const char *out = NULL, *theta = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max") && i + 1 < argc)
            max = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!out)
            out = argv[i];
        else if (!theta)
            theta = argv[i];
        else if (n_files < 64)
            files[n_files++] = argv[i];
    }
    if (!out || !theta || n_files == 0) {
        fprintf(stderr, "usage: consumer OUT.npz THETA.tab ER_FILE... [--max N] [--seed S]\n");
        return 2;
    }
    printf("liblpmap %s\n", lpmap_version_string());

    lpmap_sweeps *sweeps = NULL;
    lpmap_status st = lpmap_sweeps_read(files, n_files, theta, 0, &sweeps);
    if (st != LPMAP_OK)
        return fail("reading sweeps", st);
    size_t n = lpmap_sweeps_count(sweeps);
    if (n > max)
        n = max;

    lpmap_settings settings;
    lpmap_settings_init(&settings);
    settings.seed = seed;
    lpmap_session *session = NULL;
    if ((st = lpmap_session_create(&settings, &session)) != LPMAP_OK) {
        lpmap_sweeps_free(sweeps);
        return fail("creating the session", st);
    }

    int8_t *sunlit = malloc(n + 1);
    lpmap_usc_result *usc = malloc((n + 1) * sizeof *usc);
    lpmap_losscone_result *lc = malloc((n + 1) * sizeof *lc);
    double *u_sc = malloc((n + 1) * sizeof *u_sc), *u_surface = malloc((n + 1) * sizeof *u_surface);
    double *u_sc_sigma = malloc((n + 1) * sizeof *u_sc_sigma);
    double *u_surface_sigma = malloc((n + 1) * sizeof *u_surface_sigma);
    double *spec_no = malloc((n + 1) * sizeof *spec_no);
    int64_t *status = malloc((n + 1) * sizeof *status);
    int rc = 1;
    if (!sunlit || !usc || !lc || !u_sc || !u_surface || !u_sc_sigma || !u_surface_sigma ||
        !spec_no || !status) {
        fprintf(stderr, "consumer: out of memory\n");
        goto done;
    }
    memset(sunlit, 1, n);
    if ((st = lpmap_session_estimate_usc(session, sweeps, 0, n, sunlit, usc)) != LPMAP_OK) {
        rc = fail("estimating U_sc", st);
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        u_sc[k] = usc[k].u_sc;
        u_sc_sigma[k] = usc[k].u_sc_sigma;
    }
    /* U_sc's sigma goes into U_surface's (the default physics) */
    if ((st = lpmap_session_fit_losscone(session, sweeps, 0, n, u_sc, u_sc_sigma, lc)) !=
        LPMAP_OK) {
        rc = fail("fitting the loss cone", st);
        goto done;
    }
    size_t fitted = 0;
    for (size_t k = 0; k < n; k++) {
        u_surface[k] = lc[k].u_surface;
        u_surface_sigma[k] = lc[k].u_surface_sigma;
        status[k] = lc[k].status;
        fitted += lc[k].status == 1;
    }
    if ((st = lpmap_sweeps_copy(sweeps, LPMAP_FIELD_SPEC_NO, 0, n, spec_no)) != LPMAP_OK) {
        rc = fail("copying spec_no", st);
        goto done;
    }
    printf("%zu sweeps on %s, %zu fitted\n", n, lpmap_session_device_name(session), fitted);
    for (size_t k = 0; k < n && k < 5; k++)
        printf("sweep %.0f: U_sc %.3f ± %.3f V, U_surface %.3f ± %.3f V\n", spec_no[k], u_sc[k],
               u_sc_sigma[k], u_surface[k], u_surface_sigma[k]);

    lpmap_npz_writer *w = NULL;
    if ((st = lpmap_npz_writer_open(out, 1, &w)) != LPMAP_OK ||
        (st = lpmap_npz_writer_add_f64(w, "spec_no", spec_no, n)) != LPMAP_OK ||
        (st = lpmap_npz_writer_add_f64(w, "u_sc", u_sc, n)) != LPMAP_OK ||
        (st = lpmap_npz_writer_add_f64(w, "u_surface", u_surface, n)) != LPMAP_OK ||
        (st = lpmap_npz_writer_add_f64(w, "u_surface_sigma", u_surface_sigma, n)) != LPMAP_OK ||
        (st = lpmap_npz_writer_add_i64(w, "fit_status", status, n)) != LPMAP_OK) {
        lpmap_npz_writer_abort(w);
        rc = fail("writing the NPZ", st);
        goto done;
    }
    if ((st = lpmap_npz_writer_commit(w)) != LPMAP_OK) {
        rc = fail("writing the NPZ", st);
        goto done;
    }

    /* Read it back: the library's reader sees what was written. */
    lpmap_npz *f = NULL;
    double *back = NULL;
    size_t n_back = 0;
    if ((st = lpmap_npz_open(out, &f)) != LPMAP_OK ||
        (st = lpmap_npz_read_f64(f, "u_surface", &back, &n_back)) != LPMAP_OK) {
        lpmap_npz_close(f);
        rc = fail("reading the NPZ back", st);
        goto done;
    }
    int same = n_back == n;
    for (size_t k = 0; same && k < n; k++)
        same = (isnan(back[k]) && isnan(u_surface[k])) || back[k] == u_surface[k];
    printf("wrote %s (%zu arrays), read back %s\n", out, lpmap_npz_count(f),
           same ? "identical" : "DIFFERENT");
    lpmap_free(back);
    lpmap_npz_close(f);
    rc = same && fitted > 0 ? 0 : 1;
done:
    free(sunlit);
    free(usc);
    free(lc);
    free(u_sc);
    free(u_surface);
    free(u_sc_sigma);
    free(u_surface_sigma);
    free(spec_no);
    free(status);
    lpmap_session_free(session);
    lpmap_sweeps_free(sweeps);
    return rc;
}
