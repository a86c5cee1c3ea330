/* Loss-cone pieces on small hand-made inputs (docs/physics.md §2-§4): pitch
 * angles and polarity, both normalizations, the E >= U_sc mask, U-width QC,
 * the fixed beam, cancellation and bad optimizer settings. The golden and
 * brute-force comparisons live in test_losscone.c. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
#include "fit/de_core.h"
#include "fit/losscone_fit.h"
#include "fit/losscone_polish.h"
#include "physics/normalize.h"
#include "physics/pitch.h"
#include "sim/bench_sets.h"
#include "sim/sim_spectra.h"

/* ---- pitch angles ------------------------------------------------------ */

static void test_pitch_polarity(void **state)
{
    (void)state;
    er_instrument inst;
    sim_standard_instrument(&inst);
    double b[3] = {0.0, 0.0, 4.0}, phi[LP_N_CHANNELS], p_def[LP_N_CHANNELS], p_neg[LP_N_CHANNELS],
           p_pos[LP_N_CHANNELS], p_zero[LP_N_CHANNELS];
    for (int c = 0; c < LP_N_CHANNELS; c++)
        phi[c] = 7.0 * c;
    phi[5] = NAN;
    pitch_row(&inst, b, PITCH_POLARITY_DEFAULT, phi, p_def);
    pitch_row(&inst, b, -1, phi, p_neg);
    pitch_row(&inst, b, 1, phi, p_pos);
    pitch_row(&inst, b, 0, phi, p_zero);
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (c == 5) { /* no azimuth: no pitch angle */
            assert_true(isnan(p_def[c]) && isnan(p_pos[c]));
            continue;
        }
        /* b along +z: alpha = 90 - theta for p = +1; default is -B/|B|. */
        assert_close(p_pos[c], 90.0 - inst.theta_deg[c], 1e-12, 1e-12);
        assert_close(p_def[c], 90.0 + inst.theta_deg[c], 1e-12, 1e-12);
        assert_true(p_def[c] == p_neg[c]);
        assert_true(isnan(p_zero[c])); /* no unique footpoint */
    }
    double zero[3] = {0.0, 0.0, 0.0}, out[LP_N_CHANNELS];
    pitch_row(&inst, zero, PITCH_POLARITY_DEFAULT, phi, out);
    assert_true(isnan(out[0]) && isnan(out[87]));
    /* A look direction along x with b along -x: 180 degrees, clamped acos. */
    double d[3], bh[3];
    pitch_look_direction(0.0, 0.0, d);
    double bx[3] = {2.0, 0.0, 0.0};
    assert_int_equal(pitch_field_direction(bx, PITCH_POLARITY_DEFAULT, bh), 0);
    assert_close(pitch_angle_deg(bh, d), 180.0, 0, 1e-12);
}

/* ---- normalization ----------------------------------------------------- */

/* One row: channels 0..k-1 get (pitch, flux); the rest NaN flux, pitch 45. */
static void row_set(double *pitch, double *flux, const double *p, const double *f, int k)
{
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        pitch[c] = c < k ? p[c] : 45.0;
        flux[c] = c < k ? f[c] : NAN;
    }
}

static void test_normalize_ratio_hand(void **state)
{
    (void)state;
    static double pitch[2][LP_N_CHANNELS], flux[2][LP_N_CHANNELS], norm[2][LP_N_CHANNELS];
    /* incident: 2, 4, a zero and a negative (ignored); reflected 1.5 */
    const double p[5] = {30.0, 60.0, 80.0, 85.0, 150.0}, f[5] = {2.0, 4.0, 0.0, -1.0, 1.5};
    row_set(pitch[0], flux[0], p, f, 5);
    const double p1[2] = {120.0, 150.0}, f1[2] = {3.0, 1.0}; /* no incident channel */
    row_set(pitch[1], flux[1], p1, f1, 2);
    for (int c = 2; c < LP_N_CHANNELS; c++)
        pitch[1][c] = 100.0;
    normalize_sweep(NORM_RATIO, INCIDENT_MEAN, 2, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][0], 2.0 / 3.0, 1e-15, 0);
    assert_close(norm[0][1], 4.0 / 3.0, 1e-15, 0);
    assert_close(norm[0][2], 0.0, 0, 0);
    assert_close(norm[0][3], -1.0 / 3.0, 1e-15, 0); /* stays F/I; the fit mask drops it */
    assert_close(norm[0][4], 0.5, 1e-15, 0);
    assert_true(isnan(norm[0][5]));
    for (int c = 0; c < LP_N_CHANNELS; c++)
        assert_true(isnan(norm[1][c]));
    normalize_sweep(NORM_RATIO, INCIDENT_MAX, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][0], 0.5, 1e-15, 0);
    assert_close(norm[0][4], 0.375, 1e-15, 0);
    /* a tiny incident flux is floored at EPS */
    const double ft[2] = {1e-9, 5e-7};
    row_set(pitch[0], flux[0], p, ft, 2);
    normalize_sweep(NORM_RATIO, INCIDENT_MAX, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][1], 5e-7 / LP_EPS, 1e-15, 0);
}

static void test_normalize_ratio2_hand(void **state)
{
    (void)state;
    static double pitch[1][LP_N_CHANNELS], flux[1][LP_N_CHANNELS], norm[1][LP_N_CHANNELS];
    /* incident 20 (10), 70 (5); reflected 165 → mirror 15 → the 20° channel;
     * 120 → mirror 60 → the 70° channel; 130 with flux 0 stays NaN. */
    const double p[5] = {20.0, 70.0, 165.0, 120.0, 130.0}, f[5] = {10.0, 5.0, 1.0, 2.0, 0.0};
    row_set(pitch[0], flux[0], p, f, 5);
    normalize_sweep(NORM_RATIO2, INCIDENT_MEAN, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][0], 1.0, 0, 0);
    assert_close(norm[0][1], 1.0, 0, 0);
    assert_close(norm[0][2], 0.1, 1e-15, 0);
    assert_close(norm[0][3], 0.4, 1e-15, 0);
    assert_true(isnan(norm[0][4]) && isnan(norm[0][5]));

    /* An exact tie for "closest to 90°" (88° and 92°): the lower channel
     * index wins, whichever side of 90° it is on. */
    const double pt[2] = {92.0, 88.0}, ftie[2] = {2.0, 4.0};
    row_set(pitch[0], flux[0], pt, ftie, 2);
    normalize_sweep(NORM_RATIO2, INCIDENT_MEAN, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][0], 1.0, 0, 0); /* the reflected 92° channel, set to 1 */
    assert_close(norm[0][1], 1.0, 0, 0);
    const double pt2[2] = {88.0, 92.0}, ftie2[2] = {4.0, 2.0};
    row_set(pitch[0], flux[0], pt2, ftie2, 2);
    normalize_sweep(NORM_RATIO2, INCIDENT_MEAN, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    assert_close(norm[0][1], 0.5, 1e-15, 0); /* 92° keeps F/F_mirror: 88° won the tie */

    /* No reflected channel: the row stays NaN. */
    const double pi[2] = {20.0, 70.0}, fi[2] = {1.0, 2.0};
    row_set(pitch[0], flux[0], pi, fi, 2);
    normalize_sweep(NORM_RATIO2, INCIDENT_MEAN, 1, (const double(*)[LP_N_CHANNELS])flux,
                    (const double(*)[LP_N_CHANNELS])pitch, norm);
    for (int c = 0; c < LP_N_CHANNELS; c++)
        assert_true(isnan(norm[0][c]));
}

/* ---- fits on the standard benchmark sweeps ----------------------------- */

static void bench_sweeps(int n, losscone_sweep *sw, double (*truth)[3])
{
    er_instrument inst;
    sim_standard_instrument(&inst);
    for (int i = 0; i < n; i++)
        assert_int_equal(
            bench_set_losscone_sweep(42, (uint64_t)i, &inst, &sw[i], truth ? truth[i] : NULL),
            LP_OK);
}

static void test_energy_below_usc_ignored(void **state)
{
    (void)state;
    losscone_sweep *sw = malloc(2 * sizeof *sw);
    assert_non_null(sw);
    bench_sweeps(1, sw, NULL);
    sw[0].u_sc = 60.0; /* rows at 53, 33 and 20 eV are below U_sc */
    sw[1] = sw[0];
    for (int r = 0; r < LP_N_ENERGIES; r++)
        if (sw[1].energy[r] < sw[1].u_sc)
            for (int c = 0; c < LP_N_CHANNELS; c++) {
                sw[1].norm[r][c] = 1e3 * (c + 1);
                sw[1].flux[r][c] = 1e9;
            }
    for (int m = 0; m < 2; m++) {
        losscone_settings s;
        losscone_settings_init(&s);
        s.method = m;
        double c0 = losscone_chi2_brute(&s, &sw[0], -300.0, 0.6, 1.0);
        double c1 = losscone_chi2_brute(&s, &sw[1], -300.0, 0.6, 1.0);
        assert_true(isfinite(c0));
        assert_true(c0 == c1);
        assert_close(losscone_chi2_fast(&s, &sw[1], -300.0, 0.6, 1.0), c0, 1e-11, 1e-12);
    }
    /* U_sc above every energy: nothing is valid → not fitted. */
    sw[0].u_sc = 3e4;
    losscone_settings s;
    losscone_settings_init(&s);
    losscone_result r;
    lp_error err;
    assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, &r, &err), LP_OK);
    assert_int_equal(r.status, LC_NOT_FITTED);
    assert_true(isnan(r.u_surface) && isnan(r.chi2));
    free(sw);
}

static void test_u_width_qc(void **state)
{
    (void)state;
    losscone_sweep *sw = malloc(sizeof *sw);
    assert_non_null(sw);
    bench_sweeps(1, sw, NULL);
    losscone_settings s;
    losscone_settings_init(&s);
    s.method = FIT_METHOD_LILLIS;
    s.emit_u_width_qc = 1;
    s.u_width_dchi2 = 0.05; /* wide enough that several LHS samples qualify */
    /* The expected width straight from the LHS samples and brute force. */
    double *lhs = malloc(sizeof(double) * 3 * (size_t)s.lhs_samples);
    double *chi = malloc(sizeof(double) * (size_t)s.lhs_samples);
    assert_true(lhs && chi);
    losscone_lhs_samples(&s, lhs);
    int best = 0;
    for (int i = 0; i < s.lhs_samples; i++) {
        chi[i] = losscone_chi2_brute(&s, sw, lhs[3 * i], lhs[3 * i + 1], lhs[3 * i + 2]);
        if (chi[i] < chi[best])
            best = i;
    }
    double umin = INFINITY, umax = -INFINITY;
    int members = 0;
    for (int i = 0; i < s.lhs_samples; i++)
        if (chi[i] <= chi[best] + s.u_width_dchi2) {
            umin = fmin(umin, lhs[3 * i]);
            umax = fmax(umax, lhs[3 * i]);
            members++;
        }
    assert_true(members >= 2);
    losscone_result r;
    lp_error err;
    s.u_width_identifiable_max_v = (umax - umin) + 1.0;
    assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, &r, &err), LP_OK);
    assert_close(r.u_width, umax - umin, 1e-9, 1e-9);
    assert_true(r.u_width > 0.0);
    assert_int_equal(r.u_identifiable, 1);
    s.u_width_identifiable_max_v = (umax - umin) - 1.0;
    assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, &r, &err), LP_OK);
    assert_int_equal(r.u_identifiable, 0);
    /* halekas never emits it */
    s.method = FIT_METHOD_HALEKAS;
    assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, &r, &err), LP_OK);
    assert_true(isnan(r.u_width));
    free(lhs);
    free(chi);
    free(sw);
}

static void test_beam_fixed_and_quality(void **state)
{
    (void)state;
    enum { N = 8 };
    losscone_sweep *sw = malloc(N * sizeof *sw);
    double truth[N][3];
    assert_non_null(sw);
    bench_sweeps(N, sw, truth);
    losscone_settings s;
    losscone_settings_init(&s);
    losscone_result r[N];
    lp_error err;
    /* Free beam: chi2 never above the LHS best, parameters inside bounds. */
    assert_int_equal(losscone_fit_cpu(&s, sw, N, 2, r, &err), LP_OK);
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].status, LC_FITTED);
        assert_true(r[i].generations >= s.min_generations);
        assert_true(r[i].u_surface >= s.u_min && r[i].u_surface <= s.u_max);
        assert_true(r[i].bs_over_bm >= s.r_min && r[i].bs_over_bm <= s.r_max);
        assert_true(r[i].beam_amp >= s.a_min && r[i].beam_amp <= s.a_max);
        double at = losscone_chi2_brute(&s, &sw[i], r[i].u_surface, r[i].bs_over_bm, r[i].beam_amp);
        assert_close(r[i].chi2, at, 1e-11, 1e-12); /* reported chi2 is that of the answer */
    }
    /* Fixed beam at the even sweeps' truth (A = 0): A stays exactly 0 and
     * the fit is at least as good as the truth for most sweeps. */
    s.beam_amp_fixed = 1;
    s.beam_amp = 0.0;
    assert_int_equal(losscone_fit_cpu(&s, sw, N, 2, r, &err), LP_OK);
    int le = 0, even = 0;
    for (int i = 0; i < N; i += 2) {
        assert_true(r[i].beam_amp == 0.0);
        double at = losscone_chi2_brute(&s, &sw[i], truth[i][0], truth[i][1], 0.0);
        le += r[i].chi2 <= at + 1e-9;
        even++;
    }
    assert_true(le >= even - 1);
    free(sw);
}

static void test_cancel_and_bad_settings(void **state)
{
    (void)state;
    enum { N = 3 };
    losscone_sweep *sw = malloc(N * sizeof *sw);
    assert_non_null(sw);
    bench_sweeps(N, sw, NULL);
    losscone_settings s;
    losscone_settings_init(&s);
    losscone_result r[N];
    lp_error err;
    lp_error_clear(&err);
    cancel_request();
    lp_status st = losscone_fit_cpu(&s, sw, N, 2, r, &err);
    cancel_reset();
    assert_int_equal(st, LP_ERR_CANCELLED);
    assert_non_null(strstr(err.message, "interrupted"));
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].status, LC_NOT_FITTED);
        assert_true(isnan(r[i].u_surface));
    }
    const int pops[5] = {3, DE_MAX_POPULATION + 1, 50, 50, 50};
    const int samples[5] = {400, 400, 0, 400, 400};
    const int starts[5] = {3, 3, 3, -1, LC_POLISH_MAX_STARTS + 1};
    for (int k = 0; k < 5; k++) {
        losscone_settings_init(&s);
        s.population = pops[k];
        s.lhs_samples = samples[k];
        s.polish_starts = starts[k];
        assert_false(losscone_settings_valid(&s));
        r[0].status = LC_FITTED;
        lp_error_clear(&err);
        assert_int_equal(losscone_fit_cpu(&s, sw, 1, 1, r, &err), LP_ERR_USAGE);
        assert_non_null(strstr(err.message, "optimizer settings"));
        assert_int_equal(r[0].status, LC_FITTED); /* output untouched */
        if (samples[k] > 0) { /* the one-sweep entry refuses them too: all NaN */
            double *lhs = malloc(sizeof(double) * 3 * (size_t)samples[k]);
            assert_non_null(lhs);
            losscone_lhs_samples(&s, lhs);
            losscone_fit_one(&s, lhs, &sw[0], &r[1]);
            assert_int_equal(r[1].status, LC_NOT_FITTED);
            assert_true(isnan(r[1].u_surface) && isnan(r[1].chi2));
            free(lhs);
        }
    }
    losscone_settings_init(&s);
    assert_true(losscone_settings_valid(&s));
    free(sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pitch_polarity),
        cmocka_unit_test(test_normalize_ratio_hand),
        cmocka_unit_test(test_normalize_ratio2_hand),
        cmocka_unit_test(test_energy_below_usc_ignored),
        cmocka_unit_test(test_u_width_qc),
        cmocka_unit_test(test_beam_fixed_and_quality),
        cmocka_unit_test(test_cancel_and_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
