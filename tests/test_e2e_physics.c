/* End-to-end accuracy and calibration of the default ("consistent") physics
 * on a held-out seed and day (issue #15 targets, kappa plasma): simulate one
 * day (1998-04-13, seed 23, not a day or seed the estimator was developed
 * on), run `lpmap batch`, read the NPZ and truth.csv, and check
 *  - U_sc for >= 90 % of the sweeps with a finite true U_sc;
 *  - sunlit U_sc median |error| <= 1 V, shadowed median relative <= 15 %;
 *  - 55-82 % of the U_sc errors within 1 sigma, >= 90 % within 3 sigma;
 *  - U_surface for >= 85 % of the sweeps with a footpoint, median |error|
 *    <= 2 V with the spacecraft sunlit, and its sigma within 1 sigma for
 *    55-82 % of the sunlit-spacecraft sweeps (shadowed-spacecraft U_surface
 *    misses its targets: docs/performance.md);
 *  - the reference physics on the same data is far less accurate (the
 *    estimator is what makes the difference, not the data).
 * Sweeps are matched by spec_no (one file: the batch adds no offset). */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz_read.h"
#include "sim/sim_run.h"

#define MAX_SWEEPS 512

static char dir[4096], sim_dir[4200], out_c[4200], out_r[4200];
static char sim_error[1024], log_c[16384], log_r[16384];
static int rc_c = -1, rc_r = -1;

typedef struct {
    int n;
    long spec_no[MAX_SWEEPS];
    double usc[MAX_SWEEPS], usurf[MAX_SWEEPS];
    int sunlit[MAX_SWEEPS];
} truth_table;

static int setup(void **state)
{
    (void)state;
    if (!ts_mkdtemp(dir))
        return -1;
    snprintf(sim_dir, sizeof sim_dir, "%s/sim", dir);
    snprintf(out_c, sizeof out_c, "%s/oc", dir);
    snprintf(out_r, sizeof out_r, "%s/or", dir);
    sim_options o;
    sim_options_init(&o);
    o.out_dir = sim_dir;
    o.year = 1998;
    o.month = 4;
    o.day = 13;
    o.days = 1;
    o.sweeps_per_day = 240;
    o.seed = 23;
    sim_summary sum;
    lp_error err;
    if (sim_run(&o, &sum, &err) != LP_OK) {
        snprintf(sim_error, sizeof sim_error, "%s", err.message);
        return 0;
    }
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s' batch --data-dir '%s' --output-dir '%s' --threads 2",
             ts_lpmap_bin(), sim_dir, out_c);
    rc_c = ts_run(cmd, log_c, sizeof log_c);
    snprintf(cmd, sizeof cmd,
             "'%s' batch --data-dir '%s' --output-dir '%s' --threads 2 --physics reference",
             ts_lpmap_bin(), sim_dir, out_r);
    rc_r = ts_run(cmd, log_r, sizeof log_r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(dir);
    return 0;
}

/* Column index of `name` in the CSV header line, -1 if absent. */
static int csv_column(const char *header, const char *name)
{
    int col = 0;
    size_t len = strlen(name);
    for (const char *p = header; *p; col++) {
        const char *e = strpbrk(p, ",\n");
        size_t w = e ? (size_t)(e - p) : strlen(p);
        if (w == len && !strncmp(p, name, len))
            return col;
        if (!e || *e == '\n')
            break;
        p = e + 1;
    }
    return -1;
}

static const char *csv_field(const char *line, int col)
{
    for (int c = 0; c < col && line; c++) {
        line = strchr(line, ',');
        if (line)
            line++;
    }
    return line;
}

static void read_truth(truth_table *t)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/truth.csv", sim_dir);
    size_t len;
    char *text = ts_read_file(path, &len);
    assert_non_null(text);
    int c_spec = csv_column(text, "spec_no"), c_usc = csv_column(text, "u_spacecraft");
    int c_us = csv_column(text, "u_surface"), c_sun = csv_column(text, "spacecraft_in_sun");
    assert_true(c_spec >= 0 && c_usc >= 0 && c_us >= 0 && c_sun >= 0);
    t->n = 0;
    for (char *line = strchr(text, '\n'); line && line[1] && t->n < MAX_SWEEPS;
         line = strchr(line + 1, '\n')) {
        const char *l = line + 1;
        t->spec_no[t->n] = strtol(csv_field(l, c_spec), NULL, 10);
        t->usc[t->n] = strtod(csv_field(l, c_usc), NULL);
        t->usurf[t->n] = strtod(csv_field(l, c_us), NULL);
        t->sunlit[t->n] = atoi(csv_field(l, c_sun));
        t->n++;
    }
    free(text);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    if (n == 0)
        return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct {
    int usc_truth, usc_have, sun_n, shadow_n, sig_n, in1, in3;
    double sun_med, shadow_rel_med;
    int foot, foot_have, surf_sun_n, surf_sig_n, surf_in1;
    double surf_sun_med;
} scores;

static void score(const char *npz_path, const truth_table *t, scores *s)
{
    memset(s, 0, sizeof *s);
    npz_file *f = NULL;
    lp_error err;
    assert_int_equal(npz_read_open(npz_path, &f, &err), LP_OK);
    npz_array spec, usc, usig, us, ussig;
    assert_int_equal(npz_read_array(f, "spec_spec_no", &spec, &err), LP_OK);
    assert_int_equal(npz_read_array(f, "spec_spacecraft_potential", &usc, &err), LP_OK);
    assert_int_equal(npz_read_array(f, "spec_spacecraft_potential_sigma", &usig, &err), LP_OK);
    assert_int_equal(npz_read_array(f, "spec_u_surface", &us, &err), LP_OK);
    assert_int_equal(npz_read_array(f, "spec_u_surface_sigma", &ussig, &err), LP_OK);
    static double sun_err[MAX_SWEEPS], shadow_rel[MAX_SWEEPS], surf_err[MAX_SWEEPS];
    const int64_t *sn = spec.data;
    const double *u = usc.data, *su = usig.data, *v = us.data, *sv = ussig.data;
    for (size_t i = 0; i < spec.n; i++) {
        int k = -1;
        for (int j = 0; j < t->n; j++)
            if (t->spec_no[j] == sn[i])
                k = j;
        assert_true(k >= 0);
        if (isfinite(t->usc[k])) {
            s->usc_truth++;
            if (isfinite(u[i])) {
                s->usc_have++;
                double e = fabs(u[i] - t->usc[k]);
                if (t->sunlit[k])
                    sun_err[s->sun_n++] = e;
                else
                    shadow_rel[s->shadow_n++] = e / fabs(t->usc[k]);
                if (isfinite(su[i])) {
                    s->sig_n++;
                    s->in1 += e <= su[i];
                    s->in3 += e <= 3.0 * su[i];
                }
            }
        }
        if (isfinite(t->usurf[k])) {
            s->foot++;
            if (isfinite(v[i])) {
                s->foot_have++;
                double e = fabs(v[i] - t->usurf[k]);
                if (t->sunlit[k]) {
                    surf_err[s->surf_sun_n++] = e;
                    if (isfinite(sv[i])) {
                        s->surf_sig_n++;
                        s->surf_in1 += e <= sv[i];
                    }
                }
            }
        }
    }
    s->sun_med = median(sun_err, s->sun_n);
    s->shadow_rel_med = median(shadow_rel, s->shadow_n);
    s->surf_sun_med = median(surf_err, s->surf_sun_n);
    npz_array_free(&spec);
    npz_array_free(&usc);
    npz_array_free(&usig);
    npz_array_free(&us);
    npz_array_free(&ussig);
    npz_read_close(f);
    fprintf(stderr,
            "%s: U_sc %d/%d, sunlit median %.4g V (%d), shadowed median rel %.4g (%d), "
            "1 sigma %d/%d, 3 sigma %d/%d; U_surface %d/%d, sunlit median %.4g V (%d), "
            "1 sigma %d/%d\n",
            npz_path, s->usc_have, s->usc_truth, s->sun_med, s->sun_n, s->shadow_rel_med,
            s->shadow_n, s->in1, s->sig_n, s->in3, s->sig_n, s->foot_have, s->foot, s->surf_sun_med,
            s->surf_sun_n, s->surf_in1, s->surf_sig_n);
}

static void need_runs(void)
{
    if (sim_error[0])
        fail_msg("simulate failed: %s", sim_error);
    if (rc_c != 0)
        fail_msg("lpmap batch failed:\n%s", log_c);
    if (rc_r != 0)
        fail_msg("lpmap batch --physics reference failed:\n%s", log_r);
}

static void test_consistent_meets_targets(void **state)
{
    (void)state;
    need_runs();
    truth_table *t = malloc(sizeof *t);
    assert_non_null(t);
    read_truth(t);
    char npz[4400];
    snprintf(npz, sizeof npz, "%s/potential_batch_all.npz", out_c);
    scores s;
    score(npz, t, &s);
    /* enough of each kind for the figures to mean something */
    assert_true(s.usc_truth >= 150 && s.sun_n >= 40 && s.shadow_n >= 20 && s.foot >= 40);
    assert_true(s.usc_have >= 0.90 * s.usc_truth);
    assert_true(s.sun_med <= 1.0);
    assert_true(s.shadow_rel_med <= 0.15);
    assert_true(s.sig_n >= 0.95 * s.usc_have);
    assert_true(s.in1 >= 0.55 * s.sig_n && s.in1 <= 0.82 * s.sig_n);
    assert_true(s.in3 >= 0.90 * s.sig_n);
    assert_true(s.foot_have >= 0.85 * s.foot);
    assert_true(s.surf_sun_med <= 2.0);
    assert_true(s.surf_sig_n >= 20);
    assert_true(s.surf_in1 >= 0.55 * s.surf_sig_n && s.surf_in1 <= 0.82 * s.surf_sig_n);
    free(t);
}

static void test_reference_is_worse(void **state)
{
    (void)state;
    need_runs();
    truth_table *t = malloc(sizeof *t);
    assert_non_null(t);
    read_truth(t);
    char npz_c[4400], npz_r[4400];
    snprintf(npz_c, sizeof npz_c, "%s/potential_batch_all.npz", out_c);
    snprintf(npz_r, sizeof npz_r, "%s/potential_batch_all.npz", out_r);
    scores c, r;
    score(npz_c, t, &c);
    score(npz_r, t, &r);
    /* the reference has no sigmas, and more missing or worse U_sc */
    assert_int_equal(r.sig_n, 0);
    assert_true(r.usc_have < c.usc_have || r.sun_med > 10.0 * c.sun_med);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consistent_meets_targets),
        cmocka_unit_test(test_reference_is_worse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
