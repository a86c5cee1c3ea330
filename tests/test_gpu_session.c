/* Fit sessions on a GPU backend (src/fit/session.h, src/gpu/gpu_session.cu,
 * docs/decisions.md "Backend sessions"): any n (0, 1, odd, many batches
 * under a forced batch size or a forced allocation failure) gives the
 * one-shot GPU result to the bit (random streams keyed by sweep id, one
 * thread order per block), one session serves many calls on its kept
 * buffers, and a usage error is returned, not run on the CPU. Exits 77
 * (ctest: skipped) where no CUDA device is present. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/backend.h"
#include "fit/session.h"
#include "gpu/gpu_backend.h"
#include "gpu/gpu_policy.h"
#include "gpu/gpu_runtime.h"
#include "gpu_test_data.h"

enum { N = 61 };

#define REQUIRE_DEVICE()                                                                           \
    do {                                                                                           \
        lp_error why_;                                                                             \
        lp_error_clear(&why_);                                                                     \
        if (gpu_device_count(&why_) <= 0)                                                          \
            TS_SKIP("GPU test needs a CUDA device: %s", why_.message);                             \
    } while (0)

static fit_backend *gpu_make(long batch)
{
    fit_backend_options opt = {0};
    opt.fast = 1;
    opt.dtype = DTYPE_FP64;
    opt.batch_size = batch;
    opt.min_gpu_sweeps = 0;
    lp_error why;
    fit_backend *be = gpu_backend_create(&opt, &why);
    if (!be)
        fail_msg("a device is present but the GPU backend failed: %s", why.message);
    return be;
}

static void test_session_equals_one_shot(void **state)
{
    (void)state;
    REQUIRE_DEVICE();
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
    losscone_sweep *lcs = calloc(N, sizeof *lcs);
    kappa_data *kd = calloc(N, sizeof *kd);
    losscone_result *l0 = calloc(N, sizeof *l0), *l1 = calloc(N, sizeof *l1);
    kappa_result *k0 = calloc(N, sizeof *k0), *k1 = calloc(N, sizeof *k1);
    assert_true(lcs && kd && l0 && l1 && k0 && k1);
    for (uint64_t i = 0; i < N; i++) {
        gtd_losscone_sweep(21, i, &lcs[i], NULL);
        gtd_kappa_data(22, i, &kd[i], NULL, NULL);
    }
    fit_backend *one = gpu_make(0), *tiny = gpu_make(7);
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    lp_error err;
    assert_int_equal(fit_backend_losscone(one, &fs.lc, lcs, N, l0, &err), LP_OK);
    assert_int_equal(fit_backend_kappa(one, &fs.ks, kd, N, k0, &err), LP_OK);
    fit_session *sess = fit_session_create(tiny, &fs, &err);
    assert_non_null(sess);
    const size_t sizes[] = {0, 1, 8, N, N}; /* the last twice: buffers reused */
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k], off = N - n;
        assert_int_equal(fit_session_losscone(sess, lcs + off, n, l1, &err), LP_OK);
        assert_int_equal(fit_session_kappa(sess, kd + off, n, k1, &err), LP_OK);
        for (size_t i = 0; i < n; i++) {
            assert_memory_equal(&l1[i], &l0[off + i], sizeof l1[i]);
            assert_memory_equal(&k1[i], &k0[off + i], sizeof k1[i]);
        }
    }
    gpu_backend_stats st;
    assert_int_equal(gpu_backend_stats_get(tiny, &st), 0);
    assert_int_equal(st.broken, 0);
    assert_true(st.last_batch >= 1 && st.last_batch <= 7);
    /* a forced allocation failure: halved, same results */
    setenv(GPU_ENV_FAIL_ALLOC_ABOVE, "3", 1);
    fit_session_free(sess);
    fit_backend *big = gpu_make(0);
    assert_non_null(sess = fit_session_create(big, &fs, &err));
    assert_int_equal(fit_session_losscone(sess, lcs, N, l1, &err), LP_OK);
    assert_memory_equal(l1, l0, sizeof *l1 * N);
    assert_int_equal(gpu_backend_stats_get(big, &st), 0);
    assert_true(st.last_backoffs > 0 && st.last_batch <= 3);
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
    fit_session_free(sess);
    fit_backend_free(one);
    fit_backend_free(tiny);
    fit_backend_free(big);
    free(lcs);
    free(kd);
    free(l0);
    free(l1);
    free(k0);
    free(k1);
}

static void test_usage_error_is_returned(void **state)
{
    (void)state;
    REQUIRE_DEVICE();
    fit_backend *g = gpu_make(0);
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.ks.population = 1000; /* beyond DE_MAX_POPULATION: no fitter accepts it */
    lp_error err;
    fit_session *sess = fit_session_create(g, &fs, &err);
    assert_non_null(sess);
    kappa_data kd[4];
    kappa_result kr[4];
    for (int i = 0; i < 4; i++)
        gtd_kappa_data(1, (uint64_t)i, &kd[i], NULL, NULL);
    lp_error_clear(&err);
    assert_int_equal(fit_session_kappa(sess, kd, 4, kr, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "GPU kernel")); /* the device's refusal, not the CPU's */
    fit_session_free(sess);
    fit_backend_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_equals_one_shot),
        cmocka_unit_test(test_usage_error_is_returned),
    };
    lp_error why;
    lp_error_clear(&why);
    int skip_all = gpu_device_count(&why) <= 0;
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc == 0 && skip_all ? 77 : rc; /* ctest reports "skipped", not "passed" */
}
