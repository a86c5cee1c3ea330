/* The surface potential's estimate and sigma of the consistent physics
 * (fit/losscone_sigma.h, docs/decisions.md "U_surface: the profile mean") on
 * deep-wake sweeps with Poisson counts: U ≈ −600 V seen through a spacecraft
 * at −70 V, few counts on the rows whose cone edge carries U. There the
 * counts deviance is a flat-topped, lopsided step function of U, and the
 * best cell's middle (the fit's U) misses the truth by ~1.5x what the mean
 * of the profile likelihood does; the profile's standard deviation is the
 * calibrated sigma of that mean. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "fit/losscone_fit.h"
#include "fit/losscone_sigma.h"
#include "physics/losscone_model.h"
#include "physics/normalize.h"
#include "sim/sim_spectra.h"

#define N_SWEEPS 160
#define USC (-70.0)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* One sweep: the standard instrument, a field direction that varies with
 * k, an incident flux falling as E^-3 (≈ 4 counts per bin at 1 keV), the
 * loss-cone model at (u, r, a), Poisson counts. */
static void wake_sweep(const er_instrument *in, int k, double u, double r, double a,
                       losscone_sweep *sw)
{
    double e[LP_N_ENERGIES], b[LP_N_ENERGIES][3], f[LP_N_ENERGIES][LP_N_CHANNELS],
        ph[LP_N_ENERGIES][LP_N_CHANNELS];
    rng_key key = rng_make_key(99, (uint64_t)k);
    double g[4];
    rng_uniform4(key, 7, 0, 0, 0, g);
    double bdir[3] = {0.3 + 0.4 * g[0], -0.5 + 0.3 * g[1], 0.81};
    memset(f, 0, sizeof f);
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        e[row] = 19670.0 * pow(40.3 / 19670.0, row / 14.0);
        memcpy(b[row], bdir, sizeof bdir);
        int seen[8] = {0};
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            int bnd = instrument_band_of(in->theta_deg[c]);
            static const int per[4] = {4, 8, 16, 16};
            int slot = bnd + (in->theta_deg[c] < 0 ? 4 : 0);
            ph[row][c] = fmod(360.0 * seen[slot]++ / per[bnd] + 360.0 * g[2] + 24.0 * row, 360.0);
        }
    }
    /* pitch angles first, then the flux they imply */
    losscone_prepare_sweep(in, NORM_RATIO, INCIDENT_MEAN, LP_N_ENERGIES, e, b, NULL, f, ph, USC,
                           (uint64_t)k, sw);
    losscone_shape sh = losscone_shape_default();
    for (int row = 0; row < LP_N_ENERGIES; row++)
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double m = losscone_model(&sh, e[row], sw->pitch_deg[row][c], USC, u, r, a);
            double mean = 4e10 * pow(e[row], -3.0) * m;
            double scale = LP_GEOM_FACTOR * e[row] * in->integration_s[c];
            f[row][c] = sim_poisson(mean * scale, key, 11, (uint64_t)row, (uint64_t)c) / scale;
        }
    losscone_prepare_sweep(in, NORM_RATIO, INCIDENT_MEAN, LP_N_ENERGIES, e, b, NULL, f, ph, USC,
                           (uint64_t)k, sw);
}

/* What each test fits with: the standard instrument, the counts
 * objective's settings, their Latin-hypercube samples and a sweep buffer. */
typedef struct {
    er_instrument in;
    losscone_settings s;
    double *lhs;
    losscone_sweep *sw;
} wake_bench;

static void wake_bench_open(wake_bench *w)
{
    sim_standard_instrument(&w->in);
    losscone_settings_init(&w->s);
    w->s.method = FIT_METHOD_COUNTS;
    w->lhs = malloc(sizeof(double) * 3 * (size_t)w->s.lhs_samples);
    w->sw = malloc(sizeof *w->sw);
    assert_non_null(w->lhs);
    assert_non_null(w->sw);
    losscone_lhs_samples(&w->s, w->lhs);
}

static void wake_bench_close(wake_bench *w)
{
    free(w->sw);
    free(w->lhs);
}

/* Simulate sweep k at (u, r, a) into w->sw and fit it: 1 when fitted. */
static int wake_bench_fit(wake_bench *w, int k, double u, double r, double a, losscone_result *res)
{
    wake_sweep(&w->in, k, u, r, a, w->sw);
    losscone_fit_one(&w->s, w->lhs, w->sw, res);
    return res->status == LC_FITTED;
}

static void test_wake_profile_mean(void **state)
{
    (void)state;
    wake_bench w;
    wake_bench_open(&w);
    double err_fit[N_SWEEPS], err_est[N_SWEEPS];
    int n = 0, within = 0, within3 = 0;
    for (int k = 0; k < N_SWEEPS; k++) {
        double g[4];
        rng_uniform4(rng_make_key(5, (uint64_t)k), 3, 0, 0, 0, g);
        double u = -750.0 + 300.0 * g[0], r = 0.95 + 0.1 * g[1], a = 0.2 + 1.3 * g[2];
        losscone_result res;
        if (!wake_bench_fit(&w, k, u, r, a, &res))
            continue;
        double est = NAN;
        double sigma = losscone_u_sigma(&w.s, w.sw, &res, NAN, &est);
        assert_true(isfinite(sigma) && sigma > 0.0);
        assert_true(isfinite(est));
        /* no U_sc sigma: the estimate and sigma are the profile's alone */
        err_fit[n] = fabs(res.u_surface - u);
        err_est[n] = fabs(est - u);
        within += err_est[n] <= sigma;
        within3 += err_est[n] <= 3.0 * sigma;
        n++;
    }
    assert_true(n >= N_SWEEPS * 9 / 10);
    double frac = (double)within / n, frac3 = (double)within3 / n;
    double m_fit = median(err_fit, n), m_est = median(err_est, n);
    print_message("%d sweeps: median |U - truth| %.2f V (best cell) -> %.2f V (profile mean); "
                  "%.1f %% within 1 sigma, %.1f %% within 3\n",
                  n, m_fit, m_est, 100.0 * frac, 100.0 * frac3);
    /* the fit's own U is the worse estimate here by a wide margin */
    assert_true(m_est < 0.8 * m_fit);
    /* calibrated: issue #15's 55-82 % within 1 sigma, and few beyond 3 */
    assert_true(frac >= 0.55 && frac <= 0.82);
    assert_true(frac3 >= 0.9);
    wake_bench_close(&w);
}

/* A fit whose U sits on a bound keeps it (pipeline/results.c flags it), and
 * a sweep without a fit has no estimate. */
static void test_bound_and_no_fit(void **state)
{
    (void)state;
    er_instrument in;
    sim_standard_instrument(&in);
    losscone_settings s;
    losscone_settings_init(&s);
    s.method = FIT_METHOD_COUNTS;
    losscone_sweep *sw = malloc(sizeof *sw);
    assert_non_null(sw);
    wake_sweep(&in, 3, -600.0, 1.0, 1.0, sw);
    losscone_result res = {0};
    res.status = LC_FITTED;
    res.u_surface = s.u_min;
    res.bs_over_bm = 1.0;
    res.beam_amp = 1.0;
    res.chi2 = 1.0;
    double est = 0.0;
    double sigma = losscone_u_sigma(&s, sw, &res, NAN, &est);
    assert_true(isfinite(sigma));
    assert_true(est == s.u_min);
    res.status = LC_NOT_FITTED;
    sigma = losscone_u_sigma(&s, sw, &res, NAN, &est);
    assert_true(isnan(sigma) && isnan(est));
    free(sw);
}

/* U_sc's part of the sigma never silently vanishes: with σ(U_sc) so large
 * that U_sc + 2σ leaves no energy row, the slope dU/dU_sc comes from a
 * smaller step (before, that side's missing fit dropped the part: σ was
 * the profile's alone, tens of volts for a 12 kV U_sc uncertainty). */
static void test_usc_part_without_a_side(void **state)
{
    (void)state;
    wake_bench w;
    wake_bench_open(&w);
    int checked = 0;
    for (int k = 0; k < 20; k++) {
        losscone_result res;
        if (!wake_bench_fit(&w, k, -600.0, 1.0, 1.0, &res))
            continue;
        double est = NAN;
        double alone = losscone_u_sigma(&w.s, w.sw, &res, NAN, &est);
        double with = losscone_u_sigma(&w.s, w.sw, &res, 12000.0, &est);
        print_message("sweep %d: sigma %.1f V alone, %.1f V with sigma(U_sc) = 12 kV\n", k, alone,
                      with);
        assert_true(isfinite(with) && with > alone + 100.0);
        checked++;
    }
    assert_true(checked >= 15);
    wake_bench_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wake_profile_mean),
        cmocka_unit_test(test_bound_and_no_fit),
        cmocka_unit_test(test_usc_part_without_a_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
