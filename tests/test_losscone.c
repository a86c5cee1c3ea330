/* Loss-cone pieces against the original implementation's golden values and
 * against brute force (docs/physics.md §2-§4). */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/de_core.h"
#include "fit/losscone_chi2.h"
#include "fit/losscone_fit.h"
#include "io/theta.h"
#include "physics/normalize.h"
#include "physics/pitch.h"

static ts_json *golden;
static er_instrument inst;
static double energy[LP_N_ENERGIES], bscd[LP_N_ENERGIES][3], flux[LP_N_ENERGIES][LP_N_CHANNELS],
    phi[LP_N_ENERGIES][LP_N_CHANNELS];

static int setup(void **state)
{
    (void)state;
    golden = ts_golden();
    if (!golden)
        return 0;
    double theta[LP_N_CHANNELS], tmp[LP_N_ENERGIES * LP_N_CHANNELS];
    ts_json_flatten(ts_json_get(golden, "theta_channel_order"), theta, LP_N_CHANNELS);
    lp_error err;
    assert_int_equal(instrument_from_theta(theta, &inst, &err), LP_OK);
    ts_json_flatten(ts_json_get(golden, "sweep/energies"), energy, LP_N_ENERGIES);
    double b[3], p88[LP_N_CHANNELS];
    ts_json_flatten(ts_json_get(golden, "sweep/B_scd"), b, 3);
    ts_json_flatten(ts_json_get(golden, "sweep/phi"), p88, LP_N_CHANNELS);
    ts_json_flatten(ts_json_get(golden, "sweep/flux"), tmp, LP_N_ENERGIES * LP_N_CHANNELS);
    for (int r = 0; r < LP_N_ENERGIES; r++) {
        memcpy(bscd[r], b, sizeof b);
        memcpy(phi[r], p88, sizeof p88);
        memcpy(flux[r], tmp + r * LP_N_CHANNELS, sizeof flux[r]);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_json_free(golden);
    return 0;
}

#define NEED_GOLDEN()                                                                              \
    do {                                                                                           \
        if (!golden) {                                                                             \
            fail_msg("missing test data: tests/data/golden");                                      \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static void compare_grid(const char *key, double (*got)[LP_N_CHANNELS], double rtol)
{
    static double want[LP_N_ENERGIES * LP_N_CHANNELS];
    assert_int_equal(ts_json_flatten(ts_json_get(golden, key), want, LP_N_ENERGIES * LP_N_CHANNELS),
                     LP_N_ENERGIES * LP_N_CHANNELS);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        for (int c = 0; c < LP_N_CHANNELS; c++)
            if (!ts_close(got[r][c], want[r * LP_N_CHANNELS + c], rtol, 1e-12))
                fail_msg("%s[%d][%d] = %.17g, golden %.17g", key, r, c, got[r][c],
                         want[r * LP_N_CHANNELS + c]);
}

static losscone_sweep *golden_sweep(norm_mode mode, incident_stat stat, double u_sc)
{
    losscone_sweep *sw = malloc(sizeof *sw);
    losscone_prepare_sweep(&inst, mode, stat, LP_N_ENERGIES, energy, bscd, NULL, flux, phi, u_sc, 7,
                           sw);
    return sw;
}

static void test_pitch_and_norm_golden(void **state)
{
    (void)state;
    NEED_GOLDEN();
    losscone_sweep *sw = golden_sweep(NORM_RATIO, INCIDENT_MEAN, 0);
    compare_grid("sweep/pitch_deg", sw->pitch_deg, 1e-9);
    compare_grid("norm_ratio_mean", sw->norm, 1e-9);
    free(sw);
    sw = golden_sweep(NORM_RATIO, INCIDENT_MAX, 0);
    compare_grid("norm_ratio_max", sw->norm, 1e-9);
    free(sw);
    sw = golden_sweep(NORM_RATIO2, INCIDENT_MEAN, 0);
    compare_grid("norm_ratio2", sw->norm, 1e-9);
    free(sw);
}

static void test_model_and_chi2_golden(void **state)
{
    (void)state;
    NEED_GOLDEN();
    const ts_json *cases = ts_json_get(golden, "losscone_cases");
    for (int k = 0; k < ts_json_len(cases); k++) {
        const ts_json *c = ts_json_at(cases, k);
        double u = ts_json_num(ts_json_get(c, "U")), r = ts_json_num(ts_json_get(c, "r"));
        double a = ts_json_num(ts_json_get(c, "A")), usc = ts_json_num(ts_json_get(c, "U_sc"));
        losscone_sweep *sw = golden_sweep(NORM_RATIO, INCIDENT_MEAN, usc);
        static double model[LP_N_ENERGIES][LP_N_CHANNELS];
        losscone_shape sh = losscone_shape_default();
        for (int row = 0; row < LP_N_ENERGIES; row++)
            for (int ch = 0; ch < LP_N_CHANNELS; ch++)
                model[row][ch] =
                    losscone_model(&sh, energy[row], sw->pitch_deg[row][ch], usc, u, r, a);
        char key[64];
        snprintf(key, sizeof key, "losscone_cases/%d/model", k);
        compare_grid(key, model, 1e-9);
        losscone_settings s;
        losscone_settings_init(&s);
        assert_close(losscone_chi2_brute(&s, sw, u, r, a),
                     ts_json_num(ts_json_get(c, "halekas_chi2_ratio_mean")), 1e-9, 0);
        s.method = FIT_METHOD_LILLIS;
        assert_close(losscone_chi2_brute(&s, sw, u, r, a),
                     ts_json_num(ts_json_get(c, "lillis_chi2_red_ratio_mean")), 1e-9, 0);
        free(sw);
    }
}

static void test_model_hand_values(void **state)
{
    (void)state;
    losscone_shape sh = losscone_shape_default();
    /* x = r(1+U/E') = 0.5 → αc = 45°, edge 135°. */
    assert_close(losscone_edge_deg(110.0, 10.0, 0.0, 0.5), 135.0, 1e-12, 0);
    assert_close(losscone_model(&sh, 110.0, 134.9, 10.0, 0.0, 0.5, 0.0), 1.0, 0, 0);
    assert_close(losscone_model(&sh, 110.0, 135.1, 10.0, 0.0, 0.5, 0.0), 0.05, 0, 0);
    /* x clamped at 1 (edge 90°) and at 0 (edge 180°: everything reflected) */
    assert_close(losscone_edge_deg(100.0, 0.0, 50.0, 1.0), 90.0, 1e-12, 0);
    assert_close(losscone_edge_deg(100.0, 0.0, -200.0, 0.5), 180.0, 1e-12, 0);
    /* E < U_sc: invalid; E' floored */
    assert_false(losscone_energy_valid(5.0, 10.0));
    assert_true(isfinite(losscone_edge_deg(5.0, 10.0, -100.0, 0.5)));
    /* beam: ΔU = 100 → centre 100 eV, peak at 180° */
    assert_close(losscone_beam(&sh, 100.0, 180.0, 0.0, -100.0, 2.0), 2.0, 1e-12, 0);
    assert_close(losscone_beam(&sh, 115.0, 172.5, 0.0, -100.0, 2.0), 2.0 * exp(-1.0), 1e-12, 0);
    assert_close(losscone_beam(&sh, 100.0, 180.0, 0.0, 5.0, 2.0), 0.0, 0, 0); /* U > U_sc: off */
}

/* A synthetic sweep: isotropic incident flux times the model at truth. */
static double noise = 0.01;

static losscone_sweep *synthetic(double u, double r, double a, double usc, uint64_t seed)
{
    losscone_sweep *sw = calloc(1, sizeof *sw);
    double e[LP_N_ENERGIES], b[LP_N_ENERGIES][3], f[LP_N_ENERGIES][LP_N_CHANNELS],
        ph[LP_N_ENERGIES][LP_N_CHANNELS];
    double th[LP_N_CHANNELS];
    memset(f, 0, sizeof f); /* the first prepare only needs pitch angles */
    const double bands[4] = {78.75, 56.25, 33.75, 11.25};
    const int per[4] = {4, 8, 16, 16};
    int k = 0;
    for (int bnd = 0; bnd < 4; bnd++)
        for (int sgn = -1; sgn <= 1; sgn += 2)
            for (int i = 0; i < per[bnd]; i++)
                th[k++] = sgn * bands[bnd];
    er_instrument in;
    lp_error err;
    assert_int_equal(instrument_from_theta(th, &in, &err), LP_OK);
    srand((unsigned)seed);
    double bdir[3] = {0.3, -0.5, 0.81};
    losscone_shape sh = losscone_shape_default();
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        e[row] = 20000.0 * pow(0.001, row / 14.0);
        memcpy(b[row], bdir, sizeof bdir);
        k = 0;
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            int bnd = instrument_band_of(th[c]);
            int j = c % per[bnd];
            ph[row][c] = 360.0 * j / per[bnd] + 3.0;
        }
    }
    losscone_prepare_sweep(&in, NORM_RATIO, INCIDENT_MEAN, LP_N_ENERGIES, e, b, NULL, f, ph, usc,
                           seed, sw); /* pitch only; flux below */
    for (int row = 0; row < LP_N_ENERGIES; row++)
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double m = losscone_model(&sh, e[row], sw->pitch_deg[row][c], usc, u, r, a);
            f[row][c] =
                1e6 * pow(e[row], -1.5) * m * (1.0 + noise * (rand() / (double)RAND_MAX - 0.5));
        }
    losscone_prepare_sweep(&in, NORM_RATIO, INCIDENT_MEAN, LP_N_ENERGIES, e, b, NULL, f, ph, usc,
                           seed, sw);
    return sw;
}

static void test_fast_equals_brute(void **state)
{
    (void)state;
    /* halekas, lillis, counts; counts again with 1 % of the flux (most
     * bins 0-3 counts: zero counts are data there) */
    for (int method = 0; method < 4; method++) {
        losscone_settings s;
        losscone_settings_init(&s);
        s.method = method < 3 ? (fit_method)method : FIT_METHOD_COUNTS;
        losscone_sweep *sw = synthetic(-120.0, 0.6, 1.5, 6.0, 3 + method);
        if (method == 3) {
            int zeros = 0;
            for (int row = 0; row < LP_N_ENERGIES; row++)
                for (int c = 0; c < LP_N_CHANNELS; c++) {
                    sw->flux[row][c] *= 0.01;
                    zeros +=
                        lc_counts(sw->flux[row][c], sw->energy[row], sw->integration_s[c]) == 0;
                }
            assert_true(zeros > 100);
        }
        srand(11);
        for (int t = 0; t < 300; t++) {
            double u = -2000 + 2020.0 * rand() / RAND_MAX;
            double r = 0.3 + 0.8 * rand() / RAND_MAX;
            double a = (t % 3 == 0) ? 0.0 : 5.0 * rand() / RAND_MAX;
            double brute = losscone_chi2_brute(&s, sw, u, r, a);
            double fast = losscone_chi2_fast(&s, sw, u, r, a);
            assert_close(fast, brute, 1e-11, 1e-12);
        }
        free(sw);
    }
}

/* Equal, bit for bit, over the layout's used part (what lc_chi2 and the
 * polish read). */
static void assert_prepared_equal(const lc_prepared *a, const lc_prepared *b)
{
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_bins, b->n_bins);
    assert_memory_equal(&a->u_sc, &b->u_sc, sizeof a->u_sc);
    const int nr = a->n_rows, nb = a->n_bins;
    assert_memory_equal(a->energy, b->energy, nr * sizeof a->energy[0]);
    assert_memory_equal(a->row_start, b->row_start, (nr + 1) * sizeof a->row_start[0]);
    assert_memory_equal(a->row_obl, b->row_obl, nr * sizeof a->row_obl[0]);
    assert_memory_equal(a->split_ge, b->split_ge, nr * sizeof a->split_ge[0]);
    const double *pa[] = {a->pitch, a->value, a->gauss, a->sin2, a->expn};
    const double *pb[] = {b->pitch, b->value, b->gauss, b->sin2, b->expn};
    for (int k = 0; k < 5; k++)
        assert_memory_equal(pa[k], pb[k], nb * sizeof(double));
    assert_memory_equal(a->sum0, b->sum0, (nb + nr) * sizeof(double));
    assert_memory_equal(a->sum1, b->sum1, (nb + nr) * sizeof(double));
    assert_memory_equal(a->sum2, b->sum2, (nb + nr) * sizeof(double));
}

/* The σ's U_sc part selects the layout at U_sc ± δ from one preparation
 * with every row (losscone_prepared_select): equal to preparing the sweep
 * at that U_sc, for each objective, at U_sc values that drop no row, some
 * rows (one exactly at a row's energy: valid is E >= U_sc), every row. */
static void test_select_equals_prepare(void **state)
{
    (void)state;
    static lc_prepared all, want, got;
    for (int method = 0; method < 3; method++) {
        losscone_settings s;
        losscone_settings_init(&s);
        s.method = (fit_method)method;
        losscone_sweep *sw = synthetic(-120.0, 0.6, 1.5, 6.0, 21 + method);
        sw->pitch_deg[3][5] = NAN; /* a bin without pitch, a row without energy */
        sw->energy[7] = NAN;
        sw->flux[2][9] = NAN;
        if (method == FIT_METHOD_LILLIS) /* reflected fluxes inside its ratio window */
            for (int row = 0; row < LP_N_ENERGIES; row++)
                for (int c = 0; c < LP_N_CHANNELS; c++)
                    if (sw->pitch_deg[row][c] > 90.0)
                        sw->flux[row][c] *= 0.3;
        losscone_prepare_chi2_rows(&s, sw, &all);
        const double e10 = sw->energy[10];
        const double usc[] = {6.0, -50.0,     e10, nextafter(e10, INFINITY), 500.0, sw->energy[14],
                              1e9, -INFINITY, NAN};
        int dropped = 0;
        for (size_t k = 0; k < sizeof usc / sizeof usc[0]; k++) {
            losscone_sweep *t = calloc(1, sizeof *t);
            memcpy(t, sw, sizeof *t);
            t->u_sc = usc[k];
            losscone_prepare_chi2(&s, t, &want);
            memset(&got, 0xA5, sizeof got); /* nothing left over from a previous call */
            losscone_prepared_select(&all, usc[k], &got);
            assert_prepared_equal(&want, &got);
            dropped += want.n_bins < all.n_bins;
            free(t);
        }
        assert_true(dropped >= 5);
        assert_true(all.n_bins > 400);
        free(sw);
    }
}

static void test_recovers_noise_free_u(void **state)
{
    (void)state;
    losscone_settings s;
    losscone_settings_init(&s);
    double truth[3][3] = {{-150, 0.7, 0.0}, {-420, 0.5, 1.2}, {-40, 0.9, 0.0}};
    double *lhs = malloc(sizeof(double) * 3 * s.lhs_samples);
    noise = 0.0;
    losscone_lhs_samples(&s, lhs);
    for (int k = 0; k < 3; k++) {
        losscone_sweep *sw = synthetic(truth[k][0], truth[k][1], truth[k][2], 5.0, 20 + k);
        losscone_result res;
        losscone_fit_one(&s, lhs, sw, &res);
        assert_int_equal(res.status, LC_FITTED);
        double chi_true = losscone_chi2_brute(&s, sw, truth[k][0], truth[k][1], truth[k][2]);
        if (!(res.chi2 <= chi_true + DE_ATOL)) /* converged to within atol */
            fail_msg("case %d: chi2 %.6g > chi2 at truth %.6g (U %.2f r %.3f A %.3f, %d gens)", k,
                     res.chi2, chi_true, res.u_surface, res.bs_over_bm, res.beam_amp,
                     res.generations);
        /* Noise-free, every point of the truth's cone cell fits exactly:
         * the discrete pitch sampling leaves a few volts of degeneracy in
         * U, and a beam seen by one energy row only (as here: w = 15 eV,
         * rows 1.6x apart) trades U against A without changing the model
         * on any bin, so the beam does not pin U either. */
        double tol = 15.0;
        print_message("case %d: chi2 %.9g truth %.9g U %.3f r %.4f A %.4f\n", k, res.chi2, chi_true,
                      res.u_surface, res.bs_over_bm, res.beam_amp);
        if (fabs(res.u_surface - truth[k][0]) > tol)
            fail_msg("case %d: U %.3f, truth %.1f", k, res.u_surface, truth[k][0]);
        free(sw);
    }
    noise = 0.01;
    free(lhs);
}

static void test_threads_and_rules(void **state)
{
    (void)state;
    enum { N = 12 };
    losscone_sweep *sw = malloc(N * sizeof *sw);
    for (int i = 0; i < N; i++) {
        losscone_sweep *one =
            synthetic(-50.0 - 40 * i, 0.4 + 0.05 * i, i % 2 ? 1.0 : 0.0, 3.0, 40 + i);
        sw[i] = *one;
        sw[i].sweep_id = (uint64_t)i;
        free(one);
    }
    losscone_settings s;
    losscone_settings_init(&s);
    losscone_result r1[N], r2[N];
    lp_error err;
    assert_int_equal(losscone_fit_cpu(&s, sw, N, 1, r1, &err), LP_OK);
    assert_int_equal(losscone_fit_cpu(&s, sw, N, 2, r2, &err), LP_OK);
    assert_memory_equal(r1, r2, sizeof r1);
    /* beam fixed */
    s.beam_amp_fixed = 1;
    s.beam_amp = 0.5;
    assert_int_equal(losscone_fit_cpu(&s, sw, 2, 2, r1, &err), LP_OK);
    assert_true(r1[0].beam_amp == 0.5 && r1[1].beam_amp == 0.5);
    /* U_sc NaN: not fitted */
    s.beam_amp_fixed = 0;
    sw[0].u_sc = NAN;
    assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, r1, &err), LP_OK);
    assert_int_equal(r1[0].status, LC_NOT_FITTED);
    assert_true(isnan(r1[0].u_surface));
    /* lillis: too few bins → not fitted; a misfit → invalid with chi2 kept */
    s.method = FIT_METHOD_LILLIS;
    losscone_sweep few = sw[1];
    for (int r = 0; r < LP_N_ENERGIES; r++)
        for (int c = 0; c < LP_N_CHANNELS; c++)
            if (!(r == 3 && c < 4))
                few.flux[r][c] = NAN;
    assert_int_equal(losscone_fit_cpu(&s, &few, 1, 1, r1, &err), LP_OK);
    assert_int_equal(r1[0].status, LC_NOT_FITTED);
    losscone_sweep bad = sw[2];
    for (int r = 0; r < LP_N_ENERGIES; r++)
        for (int c = 0; c < LP_N_CHANNELS; c++)
            if (bad.pitch_deg[r][c] >= 90.0) { /* in the lillis window, nothing like a loss cone */
                bad.flux[r][c] = 0.4 * bad.flux[r][0] * (1 + (c % 3)) / 2.0;
                bad.norm[r][c] = 40.0 + (c % 7);
            }
    s.emit_u_width_qc = 1;
    assert_int_equal(losscone_fit_cpu(&s, &bad, 1, 1, r1, &err), LP_OK);
    assert_int_equal(r1[0].status, LC_INVALID);
    assert_true(isnan(r1[0].u_surface) && r1[0].chi2 > 2.0);
    assert_true(r1[0].u_width >= 0.0);
    free(sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pitch_and_norm_golden), cmocka_unit_test(test_model_and_chi2_golden),
        cmocka_unit_test(test_model_hand_values),     cmocka_unit_test(test_fast_equals_brute),
        cmocka_unit_test(test_recovers_noise_free_u), cmocka_unit_test(test_threads_and_rules),
        cmocka_unit_test(test_select_equals_prepare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
