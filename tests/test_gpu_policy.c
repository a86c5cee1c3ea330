/* CPU tests of the GPU policy (src/gpu/gpu_policy.c, docs/decisions.md "GPU"): the
 * dtype rule, batch sizing from free memory, the small-job threshold and
 * its environment override, the allocation-failure hook and the back-off. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "gpu/gpu_policy.h"

static void test_dtype_rule(void **state)
{
    (void)state;
    if (GPU_AUTO_SEED_RULE) {
        assert_int_equal(gpu_policy_precision(DTYPE_AUTO, 9), GPU_PREC_MIXED);
        assert_int_equal(gpu_policy_precision(DTYPE_AUTO, 7), GPU_PREC_MIXED);
        assert_int_equal(gpu_policy_precision(DTYPE_AUTO, 6), GPU_PREC_FP32);
    } else { /* auto is the precision that meets the tolerance */
        assert_int_equal(gpu_policy_precision(DTYPE_AUTO, 9), GPU_PREC_FP64);
        assert_int_equal(gpu_policy_precision(DTYPE_AUTO, 6), GPU_PREC_FP64);
        assert_non_null(strstr(gpu_policy_auto_reason(), "fp64"));
    }
    assert_int_equal(gpu_policy_precision(DTYPE_FP64, 9), GPU_PREC_FP64);
    assert_int_equal(gpu_policy_precision(DTYPE_FP32, 9), GPU_PREC_FP32);
    assert_int_equal(gpu_policy_precision(DTYPE_FP16, 6), GPU_PREC_MIXED);
    assert_string_equal(gpu_precision_name(GPU_PREC_FP64), "fp64");
    assert_string_equal(gpu_precision_name(GPU_PREC_FP32), "fp32");
    assert_string_equal(gpu_precision_name(GPU_PREC_MIXED), "mixed");
}

static void test_batch_size(void **state)
{
    (void)state;
    const size_t mb = (size_t)1 << 20;
    assert_int_equal(gpu_policy_batch_size(80000 * mb, 40000, 17), 17); /* override wins */
    /* (1024 MB - 256 MB reserve) * 0.8 / 1 MB per sweep = 614 */
    assert_int_equal(gpu_policy_batch_size(1024 * mb, mb, 0), 614);
    assert_int_equal(gpu_policy_batch_size(80000 * mb, 40000, 0), GPU_BATCH_MAX);
    assert_int_equal(gpu_policy_batch_size(100 * mb, 40000, 0), 1); /* below the reserve */
    assert_int_equal(gpu_policy_batch_size(300 * mb, 0, 0), GPU_BATCH_MAX);
}

static void test_min_sweeps(void **state)
{
    (void)state;
    unsetenv(GPU_ENV_MIN_SWEEPS);
    assert_int_equal(gpu_policy_min_sweeps(-1), GPU_MIN_SWEEPS_DEFAULT);
    assert_int_equal(gpu_policy_min_sweeps(5), 5);
    setenv(GPU_ENV_MIN_SWEEPS, "1000", 1);
    assert_int_equal(gpu_policy_min_sweeps(-1), 1000);
    assert_int_equal(gpu_policy_min_sweeps(5), 1000); /* the environment wins */
    setenv(GPU_ENV_MIN_SWEEPS, "12x", 1);             /* invalid: ignored */
    assert_int_equal(gpu_policy_min_sweeps(-1), GPU_MIN_SWEEPS_DEFAULT);
    setenv(GPU_ENV_MIN_SWEEPS, "-3", 1);
    assert_int_equal(gpu_policy_min_sweeps(7), 7);
    unsetenv(GPU_ENV_MIN_SWEEPS);
}

static void test_simulated_oom_and_backoff(void **state)
{
    (void)state;
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
    assert_false(gpu_policy_simulated_oom(1000000));
    setenv(GPU_ENV_FAIL_ALLOC_ABOVE, "100", 1);
    assert_true(gpu_policy_simulated_oom(101));
    assert_false(gpu_policy_simulated_oom(100));
    long b = 1000, steps = 0;
    while (gpu_policy_simulated_oom(b)) {
        b = gpu_policy_backoff(b);
        steps++;
    }
    assert_int_equal(b, 62); /* 1000 -> 500 -> 250 -> 125 -> 62 */
    assert_int_equal(steps, 4);
    assert_int_equal(gpu_policy_backoff(1), 0); /* give up below one sweep */
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dtype_rule),
        cmocka_unit_test(test_batch_size),
        cmocka_unit_test(test_min_sweeps),
        cmocka_unit_test(test_simulated_oom_and_backoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
