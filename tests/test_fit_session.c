/* Fit sessions (src/fit/session.h, docs/decisions.md "Backend sessions")
 * on the CPU backend: any n (0, 1, odd, more than a forced tiny chunk)
 * gives results equal to the bit to one-shot fit_backend_* calls for the
 * loss-cone fits, the kappa fits and the consistent U_sc estimator; one
 * session serves many calls; settings no fitter accepts are a usage error
 * at creation (never a job to retry elsewhere), and so are bad kappa
 * settings at the call. */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/backend.h"
#include "fit/scpot.h"
#include "fit/session.h"
#include "gpu_test_data.h"
#include "physics/charging.h"
#include "sim/sim_plasma.h"

enum { NMAX = 37 };

static void scb_make(uint64_t i, scb_sweep *sw)
{
    er_instrument inst;
    sim_standard_instrument(&inst);
    double energy[LP_N_ENERGIES];
    sim_sweep_energies(9e8, energy);
    memset(sw, 0, sizeof *sw);
    sw->n_rows = LP_N_ENERGIES;
    sw->sunlit = (int)(i % 2);
    for (int r = 0; r < LP_N_ENERGIES; r++) {
        sw->energy[r] = energy[r];
        for (int c = 0; c < LP_N_CHANNELS / 2; c++)
            sw->exposure[r] += LP_GEOM_FACTOR * energy[r] * inst.integration_s[c] / (4.0 * LP_PI);
    }
    kappa_response_matrix(LP_N_ENERGIES, sw->energy, sw->response);
    double a[LP_N_ENERGIES], kappa = 4.0, te = 15.0 + 10.0 * (double)(i % 5);
    scb_shape(sw, kappa, kappa_theta_from_temperature(kappa, te), sw->sunlit ? 8.0 : -40.0, a);
    rng_key key = rng_make_key(77, i);
    double n = 2e6 + 3e5 * (double)(i % 7);
    for (int r = 0; r < LP_N_ENERGIES; r++)
        sw->counts[r] = sim_poisson(n * a[r], key, 5, (uint64_t)r, 0);
}

/* One session per chunk setting, several calls each: every n and chunk
 * gives the one-shot result, byte for byte. */
static void test_any_n_equals_one_shot(void **state)
{
    (void)state;
    losscone_sweep *lcs = calloc(NMAX, sizeof *lcs);
    kappa_data *kd = calloc(NMAX, sizeof *kd);
    scb_sweep *sb = calloc(NMAX, sizeof *sb);
    losscone_result *lr0 = calloc(NMAX, sizeof *lr0), *lr = calloc(NMAX, sizeof *lr);
    kappa_result *kr0 = calloc(NMAX, sizeof *kr0), *kr = calloc(NMAX, sizeof *kr);
    scb_result *sr0 = calloc(NMAX, sizeof *sr0), *sr = calloc(NMAX, sizeof *sr);
    assert_true(lcs && kd && sb && lr0 && lr && kr0 && kr && sr0 && sr);
    for (uint64_t i = 0; i < NMAX; i++) {
        gtd_losscone_sweep(11, i, &lcs[i], NULL);
        gtd_kappa_data(12, i, &kd[i], NULL, NULL);
        scb_make(i, &sb[i]);
    }
    fit_backend *be = fit_backend_cpu_create(2);
    assert_non_null(be);
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.lc.seed = fs.ks.seed = 5;
    lp_error err;
    /* the one-shot references */
    assert_int_equal(fit_backend_losscone(be, &fs.lc, lcs, NMAX, lr0, &err), LP_OK);
    assert_int_equal(fit_backend_kappa(be, &fs.ks, kd, NMAX, kr0, &err), LP_OK);
    assert_int_equal(fit_backend_scpot(be, &fs.scb, sb, NMAX, sr0, &err), LP_OK);
    const size_t chunks[] = {0, 1, 4, 36, 100};
    const size_t sizes[] = {0, 1, 7, NMAX};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        fs.chunk_max = chunks[c];
        fit_session *sess = fit_session_create(be, &fs, &err);
        assert_non_null(sess);
        assert_ptr_equal(fit_session_backend(sess), be);
        assert_int_equal(fit_session_settings_get(sess)->chunk_max, chunks[c]);
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            size_t n = sizes[k], off = NMAX - n; /* the last n: not starting at 0 */
            memset(lr, 0xAB, sizeof *lr * NMAX);
            memset(kr, 0xAB, sizeof *kr * NMAX);
            memset(sr, 0xAB, sizeof *sr * NMAX);
            assert_int_equal(fit_session_losscone(sess, lcs + off, n, lr, &err), LP_OK);
            assert_int_equal(fit_session_kappa(sess, kd + off, n, kr, &err), LP_OK);
            assert_int_equal(fit_session_scpot(sess, sb + off, n, sr, &err), LP_OK);
            for (size_t i = 0; i < n; i++) {
                assert_memory_equal(&lr[i], &lr0[off + i], sizeof lr[i]);
                assert_memory_equal(&kr[i], &kr0[off + i], sizeof kr[i]);
                assert_memory_equal(&sr[i], &sr0[off + i], sizeof sr[i]);
            }
            if (n < NMAX) /* nothing written past n */
                assert_int_equal(((unsigned char *)&lr[n])[0], 0xAB);
        }
        fit_session_free(sess);
    }
    /* the fits did something: not all NaN */
    int fitted = 0;
    for (int i = 0; i < NMAX; i++)
        fitted += isfinite(lr0[i].u_surface) && kr0[i].good;
    assert_true(fitted > NMAX / 3);
    fit_backend_free(be);
    free(lcs);
    free(kd);
    free(sb);
    free(lr0);
    free(lr);
    free(kr0);
    free(kr);
    free(sr0);
    free(sr);
}

/* The reference U_sc through a session equals scpot_estimate (one-shot). */
static void test_scpot_session_equals_one_shot(void **state)
{
    (void)state;
    enum { N = 9 };
    scpot_sweep *sw = calloc(N, sizeof *sw);
    scpot_result *a = calloc(N, sizeof *a), *b = calloc(N, sizeof *b);
    assert_true(sw && a && b);
    er_instrument inst;
    sim_standard_instrument(&inst);
    for (int i = 0; i < N; i++) {
        kappa_data kd;
        gtd_kappa_data(3, (uint64_t)i, &kd, NULL, NULL);
        sw[i].sweep_id = (uint64_t)(100 + i);
        sw[i].n_rows = kd.n_rows;
        sw[i].sunlit = i % 3 == 2 ? -1 : i % 2;
        for (int r = 0; r < LP_N_ENERGIES; r++) {
            sw[i].energy[r] = kd.energy[r];
            for (int c = 0; c < LP_N_CHANNELS; c++) {
                sw[i].flux[r][c] = kd.omni_flux[r] * (1.0 + 0.01 * c);
                sw[i].pitch_deg[r][c] = 10.0 * c;
                sw[i].ambient[r][c] = 1;
            }
        }
    }
    fit_backend *be = fit_backend_cpu_create(1);
    kappa_settings ks;
    kappa_settings_init(&ks);
    ks.seed = 9;
    lp_error err;
    assert_int_equal(scpot_estimate(be, &ks, &inst, sw, N, a, &err), LP_OK);
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.ks = ks;
    fs.chunk_max = 2;
    fit_session *sess = fit_session_create(be, &fs, &err);
    assert_non_null(sess);
    assert_int_equal(scpot_session_estimate(sess, &inst, sw, N, b, &err), LP_OK);
    assert_memory_equal(a, b, sizeof *a * N);
    assert_int_equal(scpot_estimate_consistent(be, &inst, 50.0, 1, sw, N, a, &err), LP_OK);
    fit_session_free(sess);
    fs.scb.reject_phi = 50.0;
    assert_non_null(sess = fit_session_create(be, &fs, &err));
    assert_int_equal(scpot_session_estimate_consistent(sess, &inst, sw, N, b, &err), LP_OK);
    assert_memory_equal(a, b, sizeof *a * N);
    fit_session_free(sess);
    fit_backend_free(be);
    free(sw);
    free(a);
    free(b);
}

/* Usage errors: refused at creation (loss-cone settings), returned as
 * they are by a call (kappa settings); nothing is fitted. */
static void test_usage_errors(void **state)
{
    (void)state;
    fit_backend *be = fit_backend_cpu_create(1);
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.lc.population = 1;
    lp_error err;
    lp_error_clear(&err);
    assert_null(fit_session_create(be, &fs, &err));
    assert_int_equal(err.status, LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "population 1"));
    lp_error_clear(&err);
    assert_null(fit_session_create(NULL, &fs, &err));
    assert_int_equal(err.status, LP_ERR_USAGE);

    fit_session_settings_init(&fs);
    fs.ks.population = 2;
    fit_session *sess = fit_session_create(be, &fs, &err);
    assert_non_null(sess);
    kappa_data kd;
    kappa_result kr;
    gtd_kappa_data(1, 0, &kd, NULL, NULL);
    assert_int_equal(fit_session_kappa(sess, &kd, 1, &kr, &err), LP_ERR_USAGE);
    assert_int_equal(fit_session_kappa(sess, &kd, 0, &kr, &err), LP_OK); /* n = 0: nothing */
    fit_session_free(sess);
    fit_session_free(NULL);
    fit_backend_free(be);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_any_n_equals_one_shot),
        cmocka_unit_test(test_scpot_session_equals_one_shot),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
