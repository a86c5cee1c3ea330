/* Unit tests of the simulator pieces (src/sim): number formatting, Poisson
 * noise, time scales, folders, IAU_MOON orientation, the charging truth
 * (docs/physics.md §6, through physics/charging.h), spectra. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/constants.h"
#include "physics/charging.h"
#include "physics/kappa_model.h"
#include "physics/losscone_model.h"
#include "sim/sim_field.h"
#include "sim/sim_mission.h"
#include "sim/sim_plasma.h"
#include "sim/sim_run.h"
#include "sim/sim_spectra.h"
#include "sim/sim_writers.h"

static void test_sci4_matches_printf(void **state)
{
    (void)state;
    const double v[] = {0.0,     1.0,        9.99995,   9.99994e-7, 1.23456e5, 123456789.0,
                        4.2e-12, 0.00406711, 1.46618e6, 99999.5,    1e-100,    3.14159e100};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char a[64], b[64];
        int n = sim_format_sci4(a, v[i]);
        a[n] = '\0';
        snprintf(b, sizeof b, "%.4E", v[i]);
        assert_string_equal(a, b);
    }
}

static void test_poisson_moments(void **state)
{
    (void)state;
    rng_key k = rng_make_key(7, 3);
    const double lambdas[] = {0.3, 5.0, 11.9, 12.0, 40.0, 3000.0, 2e7};
    for (size_t li = 0; li < sizeof lambdas / sizeof lambdas[0]; li++) {
        double lam = lambdas[li], s = 0.0, s2 = 0.0;
        const int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = sim_poisson(lam, k, RNG_PHASE_TEST, li, (uint64_t)i);
            assert_true(x >= 0.0 && x == floor(x));
            s += x;
            s2 += x * x;
        }
        double mean = s / n, var = s2 / n - mean * mean;
        /* 5 standard errors */
        assert_close(mean, lam, 0, 5.0 * sqrt(lam / n));
        assert_close(var, lam, 0.1, 0.0);
    }
    /* counter-based: the same address gives the same deviate */
    assert_true(sim_poisson(40.0, k, 5, 6, 7) == sim_poisson(40.0, k, 5, 6, 7));
}

static void test_time_and_folders(void **state)
{
    (void)state;
    assert_int_equal(sim_delta_at(891388800.0), 31); /* 1998-04-01 */
    assert_int_equal(sim_delta_at(915148800.0), 32); /* 1999-01-01 */
    assert_int_equal(sim_delta_at(915148799.0), 31);
    /* ET of 1998-04-01T00:00:00 UTC: -55339200 + 31 + 32.184 + periodic term */
    double et = sim_et_from_unix(891388800.0);
    assert_close(et, -55339136.816, 0, 2e-3);
    char buf[64];
    sim_format_utc(891388817.25, buf, sizeof buf);
    assert_string_equal(buf, "1998-04-01T00:00:17.250");
    sim_er_folder(1998, 4, buf, sizeof buf);
    assert_string_equal(buf, "1998/091_120APR");
    sim_er_folder(1999, 2, buf, sizeof buf);
    assert_string_equal(buf, "1999/032_059FEB");
    sim_er_folder(1998, 12, buf, sizeof buf);
    assert_string_equal(buf, "1998/335_365DEC");
    sim_er_name(1999, 7, 9, buf, sizeof buf);
    assert_string_equal(buf, "3D990709.TAB");
    sim_er_folder(2000, 2, buf, sizeof buf);
    assert_string_equal(buf, "2000/032_060FEB");
}

static void test_iau_moon_orthonormal_and_pole(void **state)
{
    (void)state;
    double m[3][3];
    sim_iau_moon_matrix(-55339136.816, m);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double dot = m[i][0] * m[j][0] + m[i][1] * m[j][1] + m[i][2] * m[j][2];
            assert_close(dot, i == j ? 1.0 : 0.0, 0, 1e-14);
        }
    /* third row = body pole in J2000: RA ~ 266-270, Dec ~ 65-68 */
    double ra = atan2(m[2][1], m[2][0]) * 180.0 / LP_PI + 360.0, dec = asin(m[2][2]) * 180 / LP_PI;
    assert_true(ra > 263.0 && ra < 273.0);
    assert_true(dec > 64.0 && dec < 69.0);
}

static void test_orbit_is_lp_like(void **state)
{
    (void)state;
    double s[6], s2[6];
    sim_lp_state_moon(-55339136.816, s);
    double r = sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
    assert_close(r, LP_MOON_RADIUS_KM + 100.0, 0, 1e-6);
    /* velocity is the derivative of position */
    sim_lp_state_moon(-55339136.816 + 0.5, s2);
    double s1[6];
    sim_lp_state_moon(-55339136.816 - 0.5, s1);
    for (int i = 0; i < 3; i++)
        assert_close(s[3 + i], s2[i] - s1[i], 0, 1e-6);
    /* period about 118 minutes */
    double v = sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5]);
    assert_close(2.0 * LP_PI * r / v / 60.0, 118.0, 0, 1.0);
    /* Moon about 384,400 km from the EMB-ish, Sun about 1 AU away */
    double sun[3];
    sim_sun_from_moon(0.0, sun);
    assert_close(sqrt(sun[0] * sun[0] + sun[1] * sun[1] + sun[2] * sun[2]), 1.496e8, 0.02, 0);
}

static void test_usc_truth_is_the_charging_model(void **state)
{
    (void)state;
    sim_plasma sw = {ENV_SOLAR_WIND, 5e6, 4.0, 15.0, 0.0, 0.0, 0.0};
    sw.theta = kappa_theta_from_temperature(sw.kappa, sw.te_ev);
    double sun = sim_usc_truth(&sw, 1);
    assert_true(sun > 0.0 && sun < 20.0);
    /* sunlit: photoemission equals the electron current of the ambient spectrum */
    assert_close(charging_photo_current(sun),
                 charging_electron_current(sw.density, sw.kappa, sw.theta, SC_JE_POINTS_REFIT),
                 1e-6, 0);
    /* shadowed: a zero of the current balance in the ambient plasma, a few T_e
     * negative (a kappa tail charges deeper than a Maxwellian's ~2.5-4 T_e) */
    double shadow = sim_usc_truth(&sw, 0);
    assert_true(shadow < -2.0 * sw.te_ev && shadow > -8.0 * sw.te_ev);
    /* Brent stops at 1e-3 V: the balance changes sign across the root */
    assert_true((sim_shadow_balance(&sw, shadow - 2e-3) > 0) !=
                (sim_shadow_balance(&sw, shadow + 2e-3) > 0));
    /* that balance is the charging model's (ambient electrons above |U|,
     * secondaries at the arrival energy, ions at T_e) integrated from |U|
     * itself: a 20,001-point grid agrees to 1e-3 of the electron current (a
     * grid masked at |U| misses by ~1e-2) */
    for (double u = -120.0; u < 0.0; u += 17.0) {
        enum { NF = 20001 };
        static double e[NF], phi[NF], see[NF];
        const double q = LP_ELEMENTARY_CHARGE_C;
        logspace(fmax(fabs(u), SC_BALANCE_E_MIN_EV), SC_BALANCE_E_MAX_EV, NF, e);
        for (int i = 0; i < NF; i++) {
            phi[i] = 0.25 * kappa_flux(sw.density, sw.kappa, sw.theta, e[i]) * 1e4;
            see[i] = charging_sternglass(e[i] - fabs(u)) * phi[i];
        }
        double je = q * trapezoid_integrate(e, phi, NF), jsee = q * trapezoid_integrate(e, see, NF);
        double ti = sw.te_ev + LP_EPS;
        double ji = q * sw.density * sqrt(q * ti / (2.0 * LP_PI * LP_PROTON_MASS_KG)) *
                    sqrt(fmax(0.0, 1.0 - u / ti));
        assert_close(sim_shadow_balance(&sw, u), ji + jsee - je, 0, 1e-3 * je);
    }
    /* hot plasma sheet in shadow: secondary yield > 1 at U = 0, the
     * spacecraft charges positive until the returning secondaries (2 eV)
     * balance it: a root a few volts above 0 (docs/physics.md §6.3) */
    sim_plasma ps = {ENV_PLASMA_SHEET, 2e6, 3.5, 100.0, 0.0, 0.0, 0.0};
    ps.theta = kappa_theta_from_temperature(ps.kappa, ps.te_ev);
    assert_true(sim_shadow_balance(&ps, 0.0) > 0.0);
    double up = sim_usc_truth(&ps, 0);
    assert_true(up > 0.0 && up < 10.0);
    assert_true(sim_shadow_balance(&ps, up - 2e-3) > 0.0 &&
                sim_shadow_balance(&ps, up + 2e-3) < 0.0);
    /* above 0 V: every electron arrives, ions are repelled, exp(-U/T_s) of
     * the secondaries escape (the 20,001-point grid again) */
    for (double u = 0.5; u < 40.0; u += 7.3) {
        enum { NF = 20001 };
        static double e[NF], phi[NF], see[NF];
        const double q = LP_ELEMENTARY_CHARGE_C;
        logspace(SC_BALANCE_E_MIN_EV, SC_BALANCE_E_MAX_EV, NF, e);
        for (int i = 0; i < NF; i++) {
            phi[i] = 0.25 * kappa_flux(ps.density, ps.kappa, ps.theta, e[i]) * 1e4;
            see[i] = charging_sternglass(e[i] + u) * phi[i];
        }
        double je = q * trapezoid_integrate(e, phi, NF), jsee = q * trapezoid_integrate(e, see, NF);
        double ti = ps.te_ev + LP_EPS;
        double ji =
            q * ps.density * sqrt(q * ti / (2.0 * LP_PI * LP_PROTON_MASS_KG)) * exp(-u / ti);
        assert_close(sim_shadow_balance(&ps, u), ji + jsee * exp(-u / SEE_T_EV) - je, 0, 1e-3 * je);
    }
    /* the potential reached charging from 0 V: the balance keeps the sign
     * it has at 0 V all the way to the root (the first zero, a stable one),
     * below 0 V when it is negative there, above when positive */
    int found = 0, positive = 0;
    for (double te = 8.0; te < 700.0; te *= 1.4)
        for (double kappa = 2.6; kappa < 6.0; kappa += 0.9) {
            sim_plasma p = {ENV_PLASMA_SHEET, 1e6, kappa, te, 0.0, 0.0, 0.0};
            p.theta = kappa_theta_from_temperature(kappa, te);
            double u = sim_usc_truth(&p, 0);
            assert_true(isfinite(u));
            double f0 = sim_shadow_balance(&p, 0.0);
            assert_true(u > 0.0 ? f0 > 0.0 : f0 <= 0.0);
            found++;
            positive += u > 0.0;
            for (int i = 1; i < 400; i++) {
                double v = u * (double)i / 400.0;
                if (fabs(v - u) > 2e-3)
                    assert_true(u > 0.0 ? sim_shadow_balance(&p, v) > 0.0
                                        : sim_shadow_balance(&p, v) < 0.0);
            }
        }
    assert_true(positive > 3 && found - positive > 10);
}

/* A core-halo plasma: the moments of the simulated distribution, integrated
 * numerically from its flux, are the total n and effective T_e of the truth
 * file. n = int J/v dE, n T = 2/3 int E J/v dE (J in #/(m^2 s eV)). */
static void test_core_halo_moments(void **state)
{
    (void)state;
    for (uint64_t sweep = 0; sweep < 20; sweep++) {
        sim_plasma p;
        sim_plasma_draw(90.0, SIM_PLASMA_CORE_HALO, rng_make_key(3, sweep), &p);
        assert_int_equal(p.environment, ENV_SOLAR_WIND);
        assert_true(p.core_density > 0.9 * p.density && p.core_density < p.density);
        assert_true(p.core_te_ev >= 10.0 && p.core_te_ev <= 25.0);
        double th = kappa_temperature_ev(p.kappa, p.theta);
        assert_true(th > 2.9 * p.core_te_ev && p.kappa >= 3.0 && p.kappa <= 6.0);
        double n = 0.0, nt = 0.0;
        const int steps = 400000;
        double lo = log(1e-4), hi = log(1e8);
        for (int i = 0; i < steps; i++) { /* midpoint rule in ln E */
            double e = exp(lo + (hi - lo) * (i + 0.5) / steps), de = e * (hi - lo) / steps;
            double v = sqrt(2.0 * e / LP_ELECTRON_MASS_EV_S2_M2);
            double j = sim_plasma_flux(&p, e) * 1e4;
            n += j / v * de;
            nt += 2.0 / 3.0 * e * j / v * de;
        }
        assert_close(n, p.density, 1e-4, 0);
        assert_close(nt / n, p.te_ev, 1e-3, 0);
    }
    /* the kappa plasma is unchanged by the option, outside the solar wind too */
    sim_plasma a, b;
    sim_plasma_draw(90.0, SIM_PLASMA_KAPPA, rng_make_key(3, 1), &a);
    assert_true(a.core_density == 0.0);
    sim_plasma_draw(10.0, SIM_PLASMA_CORE_HALO, rng_make_key(3, 1), &b);
    sim_plasma_draw(10.0, SIM_PLASMA_KAPPA, rng_make_key(3, 1), &a);
    assert_true(a.environment == b.environment && a.density == b.density && a.kappa == b.kappa &&
                a.te_ev == b.te_ev && a.theta == b.theta && b.core_density == 0.0);
    /* truth U_sc exists for the core-halo solar wind, sunlit and shadowed */
    sim_plasma_draw(90.0, SIM_PLASMA_CORE_HALO, rng_make_key(3, 5), &b);
    assert_true(sim_usc_truth(&b, 1) > 0.0);
    double sh = sim_usc_truth(&b, 0);
    assert_true(sh < 0.0);
    assert_true((sim_shadow_balance(&b, sh - 2e-3) > 0) != (sim_shadow_balance(&b, sh + 2e-3) > 0));
}

/* The Liouville factor on a noise-free sweep: with no footpoint every
 * channel sees omni/(4 pi), and omni = W [E/(E - U) J_amb(E - U)] for both
 * signs of U_sc, computed here from the formula. */
static void test_liouville_factor(void **state)
{
    (void)state;
    er_instrument inst;
    sim_standard_instrument(&inst);
    double energy[LP_N_ENERGIES], phi[LP_N_ENERGIES][LP_N_CHANNELS],
        w[LP_N_ENERGIES * LP_N_ENERGIES];
    sim_sweep_energies(891388800.0, energy);
    sim_sweep_azimuths(inst.theta_deg, rng_make_key(1, 2), phi);
    kappa_response_matrix(LP_N_ENERGIES, energy, w);
    static double mean[LP_N_ENERGIES][LP_N_CHANNELS];
    const double usc[3] = {8.0, -35.0, 0.0};
    for (int plasma = 0; plasma < 2; plasma++)
        for (int k = 0; k < 3; k++) {
            sim_sweep_truth t;
            memset(&t, 0, sizeof t);
            sim_plasma_draw(90.0, plasma, rng_make_key(9, 4), &t.plasma);
            t.sunlit = usc[k] > 0.0;
            t.u_sc = usc[k];
            t.b_scd[2] = 5.0;
            sim_sweep_mean_flux(&inst, &t, energy, (const double(*)[LP_N_CHANNELS])phi, mean);
            double mapped[LP_N_ENERGIES];
            for (int i = 0; i < LP_N_ENERGIES; i++) {
                double ea = energy[i] - usc[k];
                mapped[i] = energy[i] / ea * sim_plasma_flux(&t.plasma, ea);
            }
            for (int i = 0; i < LP_N_ENERGIES; i++) {
                double want = 0.0;
                for (int j = 0; j < LP_N_ENERGIES; j++)
                    want += w[i * LP_N_ENERGIES + j] * mapped[j];
                for (int c = 0; c < LP_N_CHANNELS; c++)
                    assert_close(mean[i][c] * 4.0 * LP_PI, want, 1e-12, 0);
            }
            /* the lowest step (no neighbour below it in W) shows the factor */
            if (k == 0) {
                sim_sweep_truth s = t;
                s.mapping = SIM_MAP_SHIFT_SUNLIT;
                double shifted[LP_N_ENERGIES], liouville[LP_N_ENERGIES];
                sim_incident_flux(&s, energy, shifted);
                sim_incident_flux(&t, energy, liouville);
                double e = energy[LP_N_ENERGIES - 1];
                assert_true(liouville[LP_N_ENERGIES - 1] > shifted[LP_N_ENERGIES - 1]);
                assert_true(liouville[LP_N_ENERGIES - 1] <
                            e / (e - usc[k]) * shifted[LP_N_ENERGIES - 1]);
            }
        }
    /* the fitter's mapping (bench sets): no factor, no shift in shadow */
    sim_sweep_truth t;
    memset(&t, 0, sizeof t);
    sim_plasma_draw(90.0, SIM_PLASMA_KAPPA, rng_make_key(9, 4), &t.plasma);
    t.mapping = SIM_MAP_SHIFT_SUNLIT;
    t.u_sc = -35.0;
    double a[LP_N_ENERGIES], b[LP_N_ENERGIES];
    sim_incident_flux(&t, energy, a);
    t.u_sc = 0.0;
    sim_incident_flux(&t, energy, b);
    assert_memory_equal(a, b, sizeof a);
}

static void test_standard_theta_is_valid(void **state)
{
    (void)state;
    er_instrument inst;
    sim_standard_instrument(&inst);
    int counts[8] = {0};
    double omega = 0.0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        int b = instrument_band_of(inst.theta_deg[c]);
        assert_true(b >= 0);
        counts[b + (inst.theta_deg[c] < 0 ? 4 : 0)]++;
        omega += inst.solid_angle_sr[c];
    }
    const int want[4] = {4, 8, 16, 16};
    for (int b = 0; b < 4; b++) {
        assert_int_equal(counts[b], want[b]);
        assert_int_equal(counts[b + 4], want[b]);
    }
    assert_close(omega, 4.0 * LP_PI, 1e-3, 0);
    /* the channel order of the real theta.tab (golden theta_channel_order) */
    ts_json *g = ts_golden();
    assert_non_null(g); /* tests/data/golden is part of the repository */
    {
        double order[LP_N_CHANNELS];
        assert_int_equal(ts_json_flatten(ts_json_get(g, "theta_channel_order"), order, 88), 88);
        for (int c = 0; c < LP_N_CHANNELS; c++)
            assert_true(order[c] == inst.theta_deg[c]);
        ts_json_free(g);
    }
}

static void test_isotropic_sweep_recovers_incident_flux(void **state)
{
    (void)state;
    er_instrument inst;
    sim_standard_instrument(&inst);
    sim_sweep_truth t;
    memset(&t, 0, sizeof t);
    t.plasma = (sim_plasma){ENV_MAGNETOSHEATH, 1e7, 4.0, 50.0, 0.0, 0.0, 0.0};
    t.plasma.theta = kappa_theta_from_temperature(4.0, 50.0);
    t.sunlit = 1;
    t.u_sc = 5.0;
    t.polarity = 0; /* no footpoint: isotropic */
    t.b_scd[0] = 5.0;
    double energy[LP_N_ENERGIES], phi[LP_N_ENERGIES][LP_N_CHANNELS];
    double flux[LP_N_ENERGIES][LP_N_CHANNELS], omni[LP_N_ENERGIES];
    sim_sweep_energies(891388800.0, energy);
    assert_close(energy[0], 19670.0, 0, 0.01);
    assert_close(energy[14], 40.3, 0, 0.01);
    sim_sweep_azimuths(inst.theta_deg, rng_make_key(1, 2), phi);
    sim_sweep_flux(&inst, &t, energy, (const double(*)[LP_N_CHANNELS])phi, rng_make_key(1, 2),
                   flux);
    sim_incident_flux(&t, energy, omni);
    /* J_d = sum over all channels F Omega recovers the omni flux within counting noise */
    for (int r = 4; r < LP_N_ENERGIES; r++) {
        double j = 0.0;
        for (int c = 0; c < LP_N_CHANNELS; c++)
            j += flux[r][c] * inst.solid_angle_sr[c];
        assert_close(j, omni[r], 0.02, 0);
    }
}

static void test_loss_cone_shape(void **state)
{
    (void)state;
    er_instrument inst;
    sim_standard_instrument(&inst);
    sim_sweep_truth t;
    memset(&t, 0, sizeof t);
    t.plasma = (sim_plasma){ENV_MAGNETOSHEATH, 1e7, 4.0, 50.0, 0.0, 0.0, 0.0};
    t.plasma.theta = kappa_theta_from_temperature(4.0, 50.0);
    t.sunlit = 0;
    t.u_sc = -20.0;
    t.polarity = 1;
    t.u_surface = -100.0;
    t.bs_over_bm = 0.8;
    t.b_scd[2] = 7.0; /* along the spin axis */
    double energy[LP_N_ENERGIES], phi[LP_N_ENERGIES][LP_N_CHANNELS];
    double flux[LP_N_ENERGIES][LP_N_CHANNELS];
    sim_sweep_energies(891388800.0, energy);
    sim_sweep_azimuths(inst.theta_deg, rng_make_key(1, 2), phi);
    sim_sweep_flux(&inst, &t, energy, (const double(*)[LP_N_CHANNELS])phi, rng_make_key(1, 2),
                   flux);
    /* row 8 (~500 eV): edge = 180 - asin(sqrt(0.8 (1 - 100/520))) ~ 126 deg; the
     * -78.75 channels (pitch 168.75) are in the loss cone (background 0.05),
     * the +78.75 ones (pitch 11.25) incident */
    int r = 8;
    double up = 0, down = 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (inst.theta_deg[c] == 78.75)
            up += flux[r][c];
        if (inst.theta_deg[c] == -78.75)
            down += flux[r][c];
    }
    assert_close(down / up, LC_BACKGROUND, 0.3, 0);
}

static void test_field_anomaly(void **state)
{
    (void)state;
    const sim_anomaly *a = sim_anomalies();
    double lat = a[0].lat_deg * LP_PI / 180, lon = a[0].lon_deg * LP_PI / 180;
    double r = LP_MOON_RADIUS_KM;
    double p[3] = {r * cos(lat) * cos(lon), r * cos(lat) * sin(lon), r * sin(lat)};
    double zero[3] = {0, 0, 0}, b[3];
    sim_field_eval(zero, p, b);
    double mag = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    assert_true(mag > 0.5 * a[0].surface_nt && mag < 2.5 * a[0].surface_nt);
    int which = -1;
    assert_close(sim_anomaly_distance_deg(a[0].lat_deg, a[0].lon_deg, &which), 0.0, 0, 1e-6);
    assert_int_equal(which, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sci4_matches_printf),
        cmocka_unit_test(test_poisson_moments),
        cmocka_unit_test(test_time_and_folders),
        cmocka_unit_test(test_iau_moon_orthonormal_and_pole),
        cmocka_unit_test(test_orbit_is_lp_like),
        cmocka_unit_test(test_usc_truth_is_the_charging_model),
        cmocka_unit_test(test_core_halo_moments),
        cmocka_unit_test(test_liouville_factor),
        cmocka_unit_test(test_standard_theta_is_valid),
        cmocka_unit_test(test_isotropic_sweep_recovers_incident_flux),
        cmocka_unit_test(test_loss_cone_shape),
        cmocka_unit_test(test_field_anomaly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
