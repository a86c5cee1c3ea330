/* The backends' device list (src/gpu/backend_devices.c): the CPU first
 * with OpenMP's thread count, then exactly the CUDA devices the runtime
 * reports, each with its properties; without a GPU the reason is given.
 * Runs on every machine (a CPU-only or driverless one lists the CPU). */
#include "test_support.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/backend_devices.h"
#include "gpu/gpu_runtime.h"

static void test_cpu_first_then_each_gpu(void **state)
{
    (void)state;
    fit_device *d = NULL;
    size_t n = 0;
    lp_error why, err;
    lp_error_clear(&why);
    lp_error_clear(&err);
    assert_int_equal(backend_devices_list(&d, &n, &why, &err), LP_OK);
    assert_non_null(d);
    assert_true(n >= 1);
    assert_int_equal(d[0].kind, FIT_DEVICE_CPU);
    assert_string_equal(d[0].name, "cpu");
    assert_int_equal(d[0].threads, omp_get_max_threads());
    assert_true(d[0].total_mem == 0 && d[0].free_mem == 0);

    lp_error cerr;
    lp_error_clear(&cerr);
    int n_gpu = gpu_device_count(&cerr);
    assert_int_equal((int)n - 1, n_gpu > 0 ? n_gpu : 0);
    if (n == 1) {
        assert_true(strlen(why.message) > 0); /* says why there is no GPU */
        if (!gpu_compiled_in())
            assert_non_null(strstr(why.message, "without CUDA"));
    }
    for (size_t k = 1; k < n; k++) {
        assert_int_equal(d[k].kind, FIT_DEVICE_GPU);
        assert_int_equal(d[k].index, (int)k - 1);
        assert_true(strlen(d[k].name) > 0);
        assert_true(d[k].total_mem > 0 && d[k].free_mem <= d[k].total_mem);
        assert_true(d[k].cc_major >= 3);
        assert_int_equal(d[k].threads, 0);
    }
    free(d);
    /* why may be NULL. */
    assert_int_equal(backend_devices_list(&d, &n, NULL, &err), LP_OK);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_first_then_each_gpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
