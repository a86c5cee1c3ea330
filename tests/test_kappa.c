/* Kappa model, data preparation, fit and spacecraft charging against the
 * original implementation's golden values (docs/physics.md §5, §6, §8). */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "fit/backend.h"
#include "fit/kappa_fit.h"
#include "fit/scpot.h"
#include "io/theta.h"
#include "physics/charging.h"
#include "physics/kappa_model.h"
#include "physics/pitch.h"

static ts_json *golden;

static int setup(void **state)
{
    (void)state;
    golden = ts_golden();
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

static double num(const char *path)
{
    return ts_json_num(ts_json_get(golden, path));
}

static void test_kappa_cases(void **state)
{
    (void)state;
    NEED_GOLDEN();
    double e[LP_N_ENERGIES], want[LP_N_ENERGIES];
    ts_json_flatten(ts_json_get(golden, "sweep/energies"), e, LP_N_ENERGIES);
    const ts_json *cases = ts_json_get(golden, "kappa_cases");
    for (int k = 0; k < ts_json_len(cases); k++) {
        const ts_json *c = ts_json_at(cases, k);
        double n = ts_json_num(ts_json_get(c, "density")),
               ka = ts_json_num(ts_json_get(c, "kappa"));
        double th = ts_json_num(ts_json_get(c, "theta"));
        ts_json_flatten(ts_json_get(c, "omni_flux"), want, LP_N_ENERGIES);
        for (int i = 0; i < LP_N_ENERGIES; i++)
            assert_close(kappa_flux(n, ka, th, e[i]), want[i], 1e-9, 0);
        double te = kappa_temperature_ev(ka, th);
        assert_close(te, ts_json_num(ts_json_get(c, "te_ev")), 1e-9, 0);
        assert_close(kappa_theta_from_temperature(ka, te),
                     ts_json_num(ts_json_get(c, "theta_back")), 1e-12, 0);
        assert_close(charging_electron_current(n, ka, th, 10),
                     ts_json_num(ts_json_get(c, "j_e_10pts")), 1e-9, 0);
        assert_close(charging_electron_current(n, ka, th, 100),
                     ts_json_num(ts_json_get(c, "j_e_100pts")), 1e-9, 0);
    }
    /* κ near 1.5+: the Γ ratio through lgamma stays finite and positive */
    assert_true(kappa_flux(1e6, 1.5001, 4e6, 100.0) > 0.0);
    assert_true(isfinite(kappa_flux(1e6, 1.5001, 4e6, 100.0)));
}

static void test_response_matrix(void **state)
{
    (void)state;
    NEED_GOLDEN();
    double e[LP_N_ENERGIES], w[LP_N_ENERGIES * LP_N_ENERGIES], want[LP_N_ENERGIES * LP_N_ENERGIES];
    ts_json_flatten(ts_json_get(golden, "sweep/energies"), e, LP_N_ENERGIES);
    kappa_response_matrix(LP_N_ENERGIES, e, w);
    ts_json_flatten(ts_json_get(golden, "response_matrix_15"), want, LP_N_ENERGIES * LP_N_ENERGIES);
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        double sum = 0;
        for (int j = 0; j < LP_N_ENERGIES; j++) {
            assert_close(w[i * LP_N_ENERGIES + j], want[i * LP_N_ENERGIES + j], 1e-9, 1e-300);
            sum += w[i * LP_N_ENERGIES + j];
        }
        assert_close(sum, 1.0, 1e-14, 0);
    }
}

static void test_kappa_prep_golden(void **state)
{
    (void)state;
    NEED_GOLDEN();
    double theta[LP_N_CHANNELS], e[LP_N_ENERGIES], b[3], phi[LP_N_CHANNELS];
    static double flux[LP_N_ENERGIES][LP_N_CHANNELS], pitch[LP_N_ENERGIES][LP_N_CHANNELS];
    ts_json_flatten(ts_json_get(golden, "theta_channel_order"), theta, LP_N_CHANNELS);
    er_instrument inst;
    lp_error err;
    assert_int_equal(instrument_from_theta(theta, &inst, &err), LP_OK);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/energies"), e, LP_N_ENERGIES);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/B_scd"), b, 3);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/phi"), phi, LP_N_CHANNELS);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/flux"), &flux[0][0],
                    LP_N_ENERGIES * LP_N_CHANNELS);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        pitch_row(&inst, b, PITCH_POLARITY_DEFAULT, phi, pitch[r]);
    kappa_data d;
    kappa_prepare(&inst, LP_N_ENERGIES, e, (const double(*)[LP_N_CHANNELS])flux,
                  (const double(*)[LP_N_CHANNELS])pitch, 1, &d);
    double want[LP_N_ENERGIES], counts[LP_N_ENERGIES];
    ts_json_flatten(ts_json_get(golden, "kappa_prep/omni_flux_data"), want, LP_N_ENERGIES);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        assert_close(d.omni_flux[r], want[r], 1e-9, 0);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/counts_row"), counts, LP_N_ENERGIES);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        assert_close(instrument_row_counts(flux[r], inst.integration_s, e[r]), counts[r], 1e-12, 0);
    ts_json_flatten(ts_json_get(golden, "kappa_prep/weights"), want, LP_N_ENERGIES);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        assert_close(d.weight[r], want[r], 1e-9, 0);
    assert_close(d.density, num("kappa_prep/density_estimate"), 1e-9, 0);
    /* chi2 at three points, density fixed at the estimate */
    double w[LP_N_ENERGIES * LP_N_ENERGIES], logd[LP_N_ENERGIES], model[LP_N_ENERGIES];
    kappa_response_matrix(LP_N_ENERGIES, e, w);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        logd[r] = log(d.omni_flux[r] + LP_EPS);
    const ts_json *pts = ts_json_get(golden, "kappa_prep/chi2_at");
    for (int k = 0; k < ts_json_len(pts); k++) {
        const ts_json *p = ts_json_at(pts, k);
        double c = kappa_chi2(LP_N_ENERGIES, e, w, logd, d.weight, d.density,
                              ts_json_num(ts_json_get(p, "kappa")),
                              pow(10.0, ts_json_num(ts_json_get(p, "log10_theta"))), model);
        assert_close(c, ts_json_num(ts_json_get(p, "chi2")), 1e-9, 0);
    }
    /* and the sweep counts of the loss-cone golden sweep */
    double se[LP_N_ENERGIES], sflux[LP_N_ENERGIES * LP_N_CHANNELS];
    ts_json_flatten(ts_json_get(golden, "sweep/energies"), se, LP_N_ENERGIES);
    ts_json_flatten(ts_json_get(golden, "sweep/flux"), sflux, LP_N_ENERGIES * LP_N_CHANNELS);
    ts_json_flatten(ts_json_get(golden, "sweep/counts_row"), counts, LP_N_ENERGIES);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        assert_close(instrument_row_counts(sflux + r * LP_N_CHANNELS, inst.integration_s, se[r]),
                     counts[r], 1e-12, 0);
}

static void test_charging_golden(void **state)
{
    (void)state;
    NEED_GOLDEN();
    const ts_json *ju = ts_json_get(golden, "ju_curve");
    for (int k = 0; k < ts_json_len(ju); k++)
        assert_close(charging_photo_current(ts_json_num(ts_json_get(ts_json_at(ju, k), "U"))),
                     ts_json_num(ts_json_get(ts_json_at(ju, k), "J")), 1e-12, 0);
    const ts_json *inv = ts_json_get(golden, "ju_inverse");
    for (int k = 0; k < ts_json_len(inv); k++) {
        double want = ts_json_num(ts_json_get(ts_json_at(inv, k), "U"));
        double got = charging_invert_photo(ts_json_num(ts_json_get(ts_json_at(inv, k), "J")));
        assert_close(got, want, 1e-6, 1e-9);
    }
    double sg[5], e_sg[5] = {-5.0, 0.0, 50.0, 500.0, 3000.0};
    ts_json_flatten(ts_json_get(golden, "sternglass"), sg, 5);
    for (int k = 0; k < 5; k++)
        assert_close(charging_sternglass(e_sg[k]), sg[k], 1e-9, 1e-300);
    double n = num("current_balance/density"), ka = num("current_balance/kappa");
    double te = kappa_temperature_ev(ka, num("current_balance/theta"));
    const ts_json *f = ts_json_get(golden, "current_balance/F");
    for (int k = 0; k < ts_json_len(f); k++) {
        double u = ts_json_num(ts_json_get(ts_json_at(f, k), "U"));
        double want = ts_json_num(ts_json_get(ts_json_at(f, k), "F"));
        double got = charging_current_balance(n, ka, te, u);
        if (!ts_close(got, want, 1e-8, 1e-22))
            fail_msg("F(%g) = %.10g, golden %.10g", u, got, want);
    }
}

static double cubic(double x, void *ctx)
{
    (void)ctx;
    return (x - 1.234) * (x * x + 1.0);
}

static void test_brent_and_shadow(void **state)
{
    (void)state;
    int it;
    assert_close(brent_root(cubic, NULL, -10, 10, 1e-12, 200, &it), 1.234, 0, 1e-10);
    assert_true(it > 0 && it < 60);
    assert_true(isnan(brent_root(cubic, NULL, 2, 10, 1e-12, 200, NULL))); /* no sign change */
    assert_true(isnan(charging_invert_photo(1e-3))); /* above J_ph(0): no root */
    assert_close(charging_invert_photo(charging_photo_current(17.0)), 17.0, 0, 1e-8);
    /* T' <= 0 branch */
    assert_close(charging_current_balance(1e6, 3.0, 10.0, -100.0), 1e12, 0, 0);
    /* a shadow root where F changes sign */
    double u = charging_shadow_potential(2e6, 3.5, 50.0);
    assert_true(isfinite(u) && u < 0.0);
    assert_close(charging_current_balance(2e6, 3.5, 50.0, u), 0.0, 0, 1e-9);
    /* hot plasma: the bracket must grow past -1500 V */
    double hot = charging_shadow_potential(5e5, 4.0, 2000.0);
    assert_true(hot < -1500.0 && hot > -1500.0 * 1.5 * 1.5);
    assert_true((charging_current_balance(5e5, 4.0, 2000.0, hot - 2e-3) > 0) !=
                (charging_current_balance(5e5, 4.0, 2000.0, hot + 2e-3) > 0));
}

static void test_fit_recovers_synthetic(void **state)
{
    (void)state;
    /* A noise-free isotropic spectrum: J_d equals the response-folded model. */
    double e[LP_N_ENERGIES], w[LP_N_ENERGIES * LP_N_ENERGIES], j[LP_N_ENERGIES];
    for (int i = 0; i < LP_N_ENERGIES; i++)
        e[i] = 20.0 * pow(1000.0, i / 14.0);
    kappa_response_matrix(LP_N_ENERGIES, e, w);
    double n = 3e6, ka = 4.2, te = 45.0, th = kappa_theta_from_temperature(ka, te);
    for (int i = 0; i < LP_N_ENERGIES; i++)
        j[i] = kappa_flux(n, ka, th, e[i]);
    kappa_data d;
    memset(&d, 0, sizeof d);
    d.n_rows = LP_N_ENERGIES;
    d.rng_phase_init = RNG_PHASE_KAPPA_DE_INIT;
    d.rng_phase_gen = RNG_PHASE_KAPPA_DE;
    d.density = n;
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        d.energy[i] = e[i];
        double m = 0;
        for (int k = 0; k < LP_N_ENERGIES; k++)
            m += w[i * LP_N_ENERGIES + k] * j[k];
        d.omni_flux[i] = m;
        d.weight[i] = 8.0;
    }
    kappa_settings s;
    kappa_settings_init(&s);
    kappa_result r;
    lp_error err;
    assert_int_equal(kappa_fit_cpu(&s, &d, 1, 1, &r, &err), LP_OK);
    assert_true(r.good);
    assert_close(r.kappa, ka, 0.02, 0);
    assert_close(r.te_ev, te, 0.03, 0);
}

static void test_environment_class(void **state)
{
    (void)state;
    assert_int_equal(environment_class(0, 10.0), ENV_WAKE);
    assert_int_equal(environment_class(1, NAN), ENV_UNKNOWN);
    assert_int_equal(environment_class(1, 0.0), ENV_UNKNOWN);
    assert_int_equal(environment_class(1, 29.9), ENV_SOLAR_WIND);
    assert_int_equal(environment_class(1, 30.0), ENV_MAGNETOSHEATH);
    assert_int_equal(environment_class(1, 79.9), ENV_MAGNETOSHEATH);
    assert_int_equal(environment_class(1, 80.0), ENV_TAIL_LOBES);
    assert_int_equal(environment_class(1, 150.0), ENV_PLASMA_SHEET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kappa_cases),       cmocka_unit_test(test_response_matrix),
        cmocka_unit_test(test_kappa_prep_golden), cmocka_unit_test(test_charging_golden),
        cmocka_unit_test(test_brent_and_shadow),  cmocka_unit_test(test_fit_recovers_synthetic),
        cmocka_unit_test(test_environment_class),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
