/* lpmap bench parse (docs/bench.md): write a day-sized ER TAB file of
 * forward-model sweeps (the standard bench set, docs/formats.md §1 text via
 * er_table_write; not timed), then time er_table_read alone: MB/s, rows/s,
 * and the peak resident memory next to the size of the table read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench.h"
#include "cli/cli_args.h"
#include "core/log.h"
#include "io/er_tab.h"
#include "io/theta.h"
#include "sim/bench_sets.h"

#define BENCH_PARSE_SWEEPS 1080 /* a day: one sweep every 80 s */

/* An 88-channel instrument in the channel order of the real theta.tab. */
static lp_status bench_instrument(er_instrument *inst, lp_error *err)
{
    static const double bands[4] = {11.25, 33.75, 56.25, 78.75};
    static const int per_sign[4] = {16, 16, 8, 4};
    double th[LP_N_CHANNELS];
    int k = 0;
    for (int b = 0; b < 4; b++)
        for (int s = 1; s >= -1; s -= 2)
            for (int i = 0; i < per_sign[b]; i++)
                th[k++] = s * bands[b];
    return instrument_from_theta(th, inst, err);
}

/* 15-row table, reused for every sweep. */
static lp_status table_alloc(er_table *t, lp_error *err)
{
    if (er_table_alloc(t, LP_N_ENERGIES))
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    t->n_rows = LP_N_ENERGIES;
    return LP_OK;
}

/* Write `sweeps` sweeps to path, streaming (one sweep in memory). */
static lp_status write_day(const char *path, long sweeps, uint64_t seed, lp_error *err)
{
    er_instrument inst;
    lp_status st = bench_instrument(&inst, err);
    if (st != LP_OK)
        return st;
    er_table t;
    if ((st = table_alloc(&t, err)) != LP_OK)
        return st;
    bench_sweep *sw = malloc(sizeof *sw);
    FILE *f = fopen(path, "w");
    if (!sw || !f) {
        st = lp_error_set(err, sw ? LP_ERR_IO : LP_ERR_NOMEM, "cannot write %s: %s", path,
                          strerror(errno));
        goto done;
    }
    const double t0 = 891388800.0; /* 1998-04-01T00:00:00 */
    const double row_dt = 80.0 / LP_N_ENERGIES;
    for (long s = 0; s < sweeps && st == LP_OK; s++) {
        bench_set_sweep(seed, (uint64_t)s, 1, &inst, sw);
        for (int r = 0; r < LP_N_ENERGIES; r++) {
            double sec = 80.0 * (double)s + row_dt * r;
            long whole = (long)sec;
            int ms = (int)((sec - (double)whole) * 1000.0 + 0.5) % 1000;
            long day = whole / 86400, rem = whole % 86400;
            snprintf(t.utc[r], ER_TEXT_WIDTH, "1998-04-%02ldT%02ld:%02ld:%02ld.%03d", 1 + day % 30,
                     rem / 3600, rem / 60 % 60, rem % 60, ms);
            snprintf(t.time_text[r], ER_TEXT_WIDTH, "%.3f", t0 + (double)whole + ms / 1000.0);
            t.time_unix[r] = t0 + sec;
            t.energy[r] = sw->energy[r];
            t.spec_no[r] = s + 1;
            memcpy(t.mag[r], sw->b_scd, sizeof t.mag[r]);
            memcpy(t.flux[r], sw->flux[r], sizeof t.flux[r]);
            memcpy(t.phi[r], sw->phi[r], sizeof t.phi[r]);
        }
        st = er_table_write(f, &t, 0, LP_N_ENERGIES, err);
    }
    if (fclose(f) != 0 && st == LP_OK)
        st = lp_error_set(err, LP_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    f = NULL;
done:
    if (f)
        fclose(f);
    free(sw);
    er_table_free(&t);
    return st;
}

int bench_suite_parse(const bench_options *opt, bench_result *res, lp_error *err)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/lpmap-bench-parse-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        lp_error_set(err, LP_ERR_IO, "cannot create a temporary folder in %s: %s",
                     tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
        return EXIT_FAILED;
    }
    snprintf(path, sizeof path, "%s/3D980401.TAB", dir);
    long sweeps = opt->n ? opt->n : BENCH_PARSE_SWEEPS;
    int rc = 0;
    log_info("bench parse: writing %ld sweeps to %s", sweeps, path);
    struct stat st;
    if (write_day(path, sweeps, opt->seed, err) != LP_OK || stat(path, &st) != 0) {
        rc = EXIT_FAILED;
        goto done;
    }
    /* Best of three reads (the first also warms the page cache). */
    double best = 1e30;
    size_t rows = 0;
    for (int k = 0; k < 3; k++) {
        er_table t;
        er_table_init(&t);
        er_read_stats rs;
        double t0 = bench_now();
        lp_status s = er_table_read(path, NULL, &t, &rs, err);
        double dt = bench_now() - t0;
        rows = t.n_rows;
        er_table_free(&t);
        if (s != LP_OK) {
            rc = EXIT_FAILED;
            goto done;
        }
        if (rs.sweeps_kept != (size_t)sweeps) /* the bench set must read back whole */
            log_warn("bench parse: %zu of %ld sweeps kept (%zu bad field)", rs.sweeps_kept, sweeps,
                     rs.sweeps_bad_field);
        if (dt < best)
            best = dt;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double row_bytes = 2 * ER_TEXT_WIDTH + (3 + 3 + 2 * LP_N_CHANNELS) * 8.0;
    res->n = (long)rows;
    res->seconds = best;
    res->items_per_s = (double)rows / best;
    res->threads = 1; /* the reader is single-threaded */
    bench_add_number(res, "mb_per_s", (double)st.st_size / 1e6 / best);
    bench_add_number(res, "file_mb", (double)st.st_size / 1e6);
    bench_add_number(res, "sweeps", (double)sweeps);
    bench_add_number(res, "table_mb", (double)rows * row_bytes / 1e6);
    bench_add_number(res, "peak_rss_mb", (double)ru.ru_maxrss / 1024.0);
done:
    if (unlink(path) != 0 && errno != ENOENT)
        log_warn("could not remove %s: %s", path, strerror(errno));
    if (rmdir(dir) != 0)
        log_warn("could not remove %s: %s", dir, strerror(errno));
    return rc;
}
