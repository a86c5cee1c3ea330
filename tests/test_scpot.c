/* scpot_estimate end to end on simulated sweeps (docs/physics.md §6): the sunlit
 * path reproduced step by step (fit, J_e 10 pts, inversion, energy shift,
 * refit on the refit streams, J_e 100 pts, inversion), the shadowed path,
 * and the NaN cases (unknown illumination, bad kappa fit). */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "fit/backend.h"
#include "fit/kappa_fit.h"
#include "fit/scpot.h"
#include "physics/charging.h"
#include "physics/pitch.h"
#include "sim/bench_sets.h"
#include "sim/sim_spectra.h"

static er_instrument inst;

static void make_sweep(uint64_t i, int sunlit, scpot_sweep *s)
{
    bench_sweep *b = malloc(sizeof *b);
    assert_non_null(b);
    bench_set_sweep(42, i, 0, &inst, b);
    memset(s, 0, sizeof *s);
    s->sweep_id = i;
    s->n_rows = LP_N_ENERGIES;
    s->sunlit = sunlit;
    for (int r = 0; r < LP_N_ENERGIES; r++) {
        s->energy[r] = b->energy[r];
        memcpy(s->flux[r], b->flux[r], sizeof s->flux[r]);
        pitch_row(&inst, b->b_scd, PITCH_POLARITY_DEFAULT, b->phi[r], s->pitch_deg[r]);
    }
    free(b);
}

static void test_scpot_paths(void **state)
{
    (void)state;
    sim_standard_instrument(&inst);
    enum { N = 4 };
    scpot_sweep *sw = calloc(N, sizeof *sw);
    assert_non_null(sw);
    make_sweep(0, 1, &sw[0]);  /* sunlit */
    make_sweep(1, 0, &sw[1]);  /* shadowed */
    make_sweep(2, -1, &sw[2]); /* illumination unknown */
    make_sweep(3, 1, &sw[3]);  /* sunlit, but no electrons: fit fails */
    for (int r = 0; r < LP_N_ENERGIES; r++)
        for (int c = 0; c < LP_N_CHANNELS; c++)
            sw[3].flux[r][c] = (r % 2) ? 1e9 : 1e-3; /* not a kappa spectrum */
    kappa_settings ks;
    kappa_settings_init(&ks);
    fit_backend *be = fit_backend_cpu_create(1);
    assert_non_null(be);
    scpot_result out[N];
    lp_error err;
    assert_int_equal(scpot_estimate(be, &ks, &inst, sw, N, out, &err), LP_OK);

    /* sunlit, reproduced by hand */
    kappa_data d;
    kappa_result f;
    kappa_prepare(&inst, sw[0].n_rows, sw[0].energy, sw[0].flux, sw[0].pitch_deg, 0, &d);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &f, &err), LP_OK);
    assert_true(f.good);
    double u1 =
        charging_invert_photo(charging_electron_current(f.density, f.kappa, f.theta, SC_JE_POINTS));
    assert_true(u1 >= 0.0 && u1 <= 150.0);
    double shifted[LP_N_ENERGIES];
    for (int r = 0; r < LP_N_ENERGIES; r++)
        shifted[r] = fmax(sw[0].energy[r] - u1, LP_EPS);
    kappa_prepare(&inst, sw[0].n_rows, shifted, sw[0].flux, sw[0].pitch_deg, 0, &d);
    d.rng_phase_init = RNG_PHASE_KAPPA_REFIT_DE_INIT;
    d.rng_phase_gen = RNG_PHASE_KAPPA_REFIT_DE;
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &f, &err), LP_OK);
    double u2 = charging_invert_photo(
        charging_electron_current(f.density, f.kappa, f.theta, SC_JE_POINTS_REFIT));
    assert_int_equal(out[0].status, SCPOT_OK);
    assert_close(out[0].u_sc, u2, 0, 0);
    assert_close(out[0].kappa, f.kappa, 0, 0);
    assert_close(out[0].te_ev, f.te_ev, 0, 0);
    assert_true(out[0].u_sc != u1); /* the refit changed something */

    /* shadowed: current balance with the uncorrected fit */
    kappa_prepare(&inst, sw[1].n_rows, sw[1].energy, sw[1].flux, sw[1].pitch_deg, 1, &d);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &f, &err), LP_OK);
    double us = charging_shadow_potential(f.density, f.kappa, f.te_ev);
    print_message("sunlit U_sc %.4f V (first pass %.4f), shadowed %.4f V (T_e %.1f eV)\n",
                  out[0].u_sc, u1, us, f.te_ev);
    assert_close(out[1].u_sc, us, 0, 0);
    /* T_e ~ 200 eV: F(0) > 0 and F(-1500) = 1e12 (T' <= 0), so the bracket of
     * §6 never forms and U_sc is NaN (hot plasmas: tests/test_charging.c) */
    assert_true(isnan(us));
    assert_int_equal(out[1].status, SCPOT_NO_ROOT);
    assert_close(out[1].te_ev, f.te_ev, 0, 0);

    /* unknown illumination: NaN, but the fit values are still reported */
    assert_true(isnan(out[2].u_sc));
    assert_int_equal(out[2].status, SCPOT_NO_GEOMETRY);
    assert_true(isfinite(out[2].te_ev));

    /* bad fit: NaN and its status */
    assert_true(isnan(out[3].u_sc));
    assert_int_equal(out[3].status, SCPOT_BAD_KAPPA_FIT);

    /* the answer for sweep 0 does not depend on the batch it came in */
    scpot_result one;
    assert_int_equal(scpot_estimate(be, &ks, &inst, &sw[0], 1, &one, &err), LP_OK);
    assert_close(one.u_sc, out[0].u_sc, 0, 0);
    /* an empty batch is fine */
    assert_int_equal(scpot_estimate(be, &ks, &inst, sw, 0, out, &err), LP_OK);
    fit_backend_free(be);
    free(sw);
}

/* Bad kappa settings: a clear message, and no result is written. */
static void test_kappa_bad_settings(void **state)
{
    (void)state;
    kappa_data d;
    memset(&d, 0, sizeof d);
    d.n_rows = 3;
    d.density = 1e6;
    kappa_result r;
    lp_error err;
    kappa_settings ks;
    kappa_settings_init(&ks);
    ks.population = 2;
    memset(&r, 0x5a, sizeof r);
    lp_error_clear(&err);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &r, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "population 2"));
    unsigned char *p = (unsigned char *)&r;
    for (size_t k = 0; k < sizeof r; k++)
        assert_int_equal(p[k], 0x5a);

    kappa_settings_init(&ks);
    ks.kappa_min = 1.5;
    lp_error_clear(&err);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &r, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "kappa [1.5, 6]"));

    kappa_settings_init(&ks);
    ks.log10_theta_min = 9.0;
    lp_error_clear(&err);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &r, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "log10 theta [9, 8]"));

    kappa_settings_init(&ks);
    ks.max_generations = 0;
    lp_error_clear(&err);
    assert_int_equal(kappa_fit_cpu(&ks, &d, 1, 1, &r, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "generations"));
    for (size_t k = 0; k < sizeof r; k++)
        assert_int_equal(p[k], 0x5a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scpot_paths),
        cmocka_unit_test(test_kappa_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
