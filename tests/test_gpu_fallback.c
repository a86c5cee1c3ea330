/* The --fast fallback (docs/decisions.md "GPU", fit/backend.h): without a usable GPU,
 * fit_backend_select(fast=1) returns the CPU backend, logs why once, and
 * fits exactly as the CPU path does. Runs on every machine; where a device
 * is present it checks the GPU backend is chosen instead and that its fits
 * (every job on the GPU) match the CPU backend's. */
#include "test_support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "fit/backend.h"
#include "gpu/backend_select.h"
#include "gpu/gpu_backend.h"
#include "gpu/gpu_runtime.h"
#include "gpu_test_data.h"

/* Run fit_backend_select with stderr captured into buf. */
static lp_status select_captured(const fit_backend_options *opt, fit_backend **be, char *buf,
                                 size_t size)
{
    char path[] = "/tmp/lpmap_fallback_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    lp_error err;
    lp_status st = fit_backend_select(opt, be, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return st;
}

static void test_fast_without_device_uses_cpu(void **state)
{
    (void)state;
    lp_error why;
    lp_error_clear(&why);
    int count = gpu_device_count(&why);
    log_set_level(LOG_INFO);
    fit_backend_options opt = {0};
    opt.fast = 1;
    opt.dtype = DTYPE_AUTO;
    opt.min_gpu_sweeps = -1;
    fit_backend *be = NULL;
    char log[4096];
    assert_int_equal(select_captured(&opt, &be, log, sizeof log), LP_OK);
    assert_non_null(be);
    if (count > 0) {
        print_message("a CUDA device is present: checking the GPU backend is chosen\n");
        assert_string_not_equal(fit_backend_name(be), "cpu");
        assert_non_null(strstr(log, "--fast: fitting on"));
        gpu_backend_stats st;
        assert_int_equal(gpu_backend_stats_get(be, &st), 0);
        fit_backend_free(be);
        return;
    }
    /* no device: the CPU backend, and the log says why, once */
    assert_true(strlen(why.message) > 0);
    assert_string_equal(fit_backend_name(be), "cpu");
    assert_string_equal(fit_backend_dtype(be), "fp64");
    assert_non_null(strstr(log, "--fast: "));
    assert_non_null(strstr(log, why.message));
    assert_non_null(strstr(log, "fitting on the CPU instead"));
    const char *first = strstr(log, "--fast: ");
    assert_null(strstr(first + 1, "--fast: "));
    gpu_backend_stats st;
    assert_int_equal(gpu_backend_stats_get(be, &st), -1); /* not a GPU backend */
    fit_backend_free(be);
}

static void test_create_reports_reason(void **state)
{
    (void)state;
    lp_error why;
    lp_error_clear(&why);
    if (gpu_device_count(&why) > 0) {
        /* an absent device index is refused with a message */
        fit_backend_options opt = {0};
        opt.fast = 1;
        opt.device = 1023;
        lp_error_clear(&why);
        assert_null(gpu_backend_create(&opt, &why));
        assert_non_null(strstr(why.message, "--device 1023"));
        return;
    }
    fit_backend_options opt = {0};
    opt.fast = 1;
    lp_error_clear(&why);
    assert_null(gpu_backend_create(&opt, &why));
    assert_int_equal(why.status, LP_ERR_DEVICE);
    assert_true(strlen(why.message) > 0);
    print_message("no GPU here: %s\n", why.message);
}

/* The --fast backend against the CPU backend on the same sweeps. With a
 * device, min_gpu_sweeps = 0 sends even these few sweeps to the GPU (the
 * default threshold would keep them on the CPU and compare CPU with CPU);
 * without one it is the fallback. Both runs must succeed and fit. */
static void test_fallback_results_equal_cpu_path(void **state)
{
    (void)state;
    enum { N = 6 };
    static losscone_sweep sw[N];
    losscone_result a[N], b[N];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    for (int i = 0; i < N; i++)
        gtd_losscone_sweep(42, (uint64_t)i, &sw[i], NULL);
    losscone_settings s;
    gtd_losscone_settings(&s, FIT_METHOD_HALEKAS);
    lp_error why;
    lp_error_clear(&why);
    int devices = gpu_device_count(&why);
    fit_backend_options opt = {0};
    opt.fast = 1;
    opt.dtype = DTYPE_FP64;
    opt.min_gpu_sweeps = 0; /* every job on the GPU when there is one */
    opt.threads = 1;
    fit_backend *fast = NULL;
    char log[4096];
    assert_int_equal(select_captured(&opt, &fast, log, sizeof log), LP_OK);
    fit_backend *cpu = fit_backend_cpu_create(1);
    assert_non_null(cpu);
    lp_error e1, e2;
    lp_error_clear(&e1);
    lp_error_clear(&e2);
    lp_status s1 = fit_backend_losscone(fast, &s, sw, N, a, &e1);
    lp_status s2 = fit_backend_losscone(cpu, &s, sw, N, b, &e2);
    if (s1 != LP_OK || s2 != LP_OK) /* failing alike is a failure, not parity */
        fail_msg("--fast backend: %s; CPU backend: %s", s1 == LP_OK ? "ok" : e1.message,
                 s2 == LP_OK ? "ok" : e2.message);
    gpu_backend_stats st;
    if (devices > 0) {
        assert_string_not_equal(fit_backend_name(fast), "cpu");
        assert_int_equal(gpu_backend_stats_get(fast, &st), 0);
        assert_true(st.last_batch > 0); /* the sweeps really ran on the GPU */
        print_message("compared the GPU (%s) with the CPU backend\n", fit_backend_name(fast));
    } else {
        assert_string_equal(fit_backend_name(fast), "cpu");
        assert_int_equal(gpu_backend_stats_get(fast, &st), -1);
        print_message("no GPU (%s): compared the --fast fallback with the CPU backend\n",
                      why.message);
    }
    int fitted = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(a[i].status, b[i].status);
        assert_close(a[i].u_surface, b[i].u_surface, 1e-9, 0);
        assert_close(a[i].bs_over_bm, b[i].bs_over_bm, 1e-9, 0);
        assert_close(a[i].chi2, b[i].chi2, 1e-9, 0);
        fitted += b[i].status == LC_FITTED;
    }
    assert_true(fitted > 0); /* results that say nothing would compare equal too */
    fit_backend_free(fast);
    fit_backend_free(cpu);
}

int main(void)
{
    unsetenv("LPMAP_MIN_GPU_SWEEPS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_without_device_uses_cpu),
        cmocka_unit_test(test_create_reports_reason),
        cmocka_unit_test(test_fallback_results_equal_cpu_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
