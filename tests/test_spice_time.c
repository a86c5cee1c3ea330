/* Tests of the text-kernel parser and UTC → ET (docs/spice.md §1, §2): the
 * standard LSK fixture, leap seconds, formats, bad input. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/lsk_standard.h"
#include "spice/spice.h"
#include "spice/textkernel.h"
#include "spice/timeconv.h"

static spice_kernels *load_fixture(void)
{
    const char *path = LPMAP_SOURCE_DIR "/tests/data/naif0012.tls";
    spice_kernels *k = NULL;
    lp_error e;
    if (spice_load_files(&path, 1, &k, &e) != LP_OK)
        fail_msg("%s", e.message);
    return k;
}

static double et_of(const spice_kernels *k, const char *utc)
{
    double et = NAN;
    lp_error e;
    if (spice_utc_to_et(k, utc, &et, &e) != LP_OK)
        fail_msg("%s: %s", utc, e.message);
    return et;
}

static void expect_time_error(const spice_kernels *k, const char *utc, const char *needle)
{
    double et = 12345.0;
    lp_error e = {0};
    lp_status st = spice_utc_to_et(k, utc, &et, &e);
    if (st == LP_OK)
        fail_msg("'%s' accepted (ET %.6f)", utc, et);
    if (!strstr(e.message, needle))
        fail_msg("'%s': message '%s' lacks '%s'", utc, e.message, needle);
    assert_true(et == 12345.0); /* output untouched */
}

static void test_j2000_epoch(void **state)
{
    (void)state;
    spice_kernels *k = load_fixture();
    /* 11:58:55.816 UTC = 12:00:00 TT on 2000-01-01; TDB - TT there ≈ -7e-5 s */
    assert_close(et_of(k, "2000-01-01T11:58:55.816"), 0.0, 0, 1e-3);
    /* CSPICE str2et("2000-01-01T12:00:00") = 64.183927284731 */
    assert_close(et_of(k, "2000-01-01T12:00:00"), 64.183927284731, 0, 1e-6);
    assert_close(et_of(k, "2000-01-01T12:00:00Z"), 64.183927284731, 0, 1e-6);
    assert_close(et_of(k, "2000-01-01 12:00:00"), 64.183927284731, 0, 1e-6);
    spice_free(k);
}

/* The formula of docs/spice.md §2 evaluated by hand for a 1998 date. */
static void test_1998_dates(void **state)
{
    (void)state;
    spice_kernels *k = load_fixture();
    /* 1998-05-01T00:00:00: 610 days before 2000-01-01 → formal seconds */
    double formal = -610.0 * 86400.0 - 43200.0;
    double tt = formal + 31.0 + 32.184;
    double m = 6.239996 + 1.99096871e-7 * tt;
    double expect = tt + 1.657e-3 * sin(m + 1.671e-2 * sin(m));
    assert_close(et_of(k, "1998-05-01T00:00:00"), expect, 0, 1e-6);
    /* day-of-year form and fractions */
    assert_close(et_of(k, "1998-121T00:00:00"), expect, 0, 1e-6);
    assert_close(et_of(k, "1998-05-01T00:00:00.25") - expect, 0.25, 0, 1e-6);
    assert_close(et_of(k, "1998-05-01T00:00:00.000001") - expect, 1e-6, 0, 1e-7);
    assert_close(et_of(k, "1999-07-29T13:14:15.5") - et_of(k, "1999-07-29T13:14:15"), 0.5, 0, 1e-6);
    spice_free(k);
}

static void test_leap_second(void **state)
{
    (void)state;
    spice_kernels *k = load_fixture();
    double midnight = et_of(k, "1999-01-01T00:00:00");
    assert_close(et_of(k, "1998-12-31T23:59:60") - midnight, -1.0, 0, 1e-6);
    assert_close(et_of(k, "1998-12-31T23:59:60.5") - midnight, -0.5, 0, 1e-6);
    assert_close(et_of(k, "1998-12-31T23:59:59") - midnight, -2.0, 0, 1e-6);
    assert_close(et_of(k, "1998-365T23:59:60") - midnight, -1.0, 0, 1e-6);
    /* a day without a leap second: 86400 s apart (TDB - TT drifts < 1e-4 s a day) */
    assert_close(et_of(k, "1998-06-02T00:00:00") - et_of(k, "1998-06-01T00:00:00"), 86400.0, 0,
                 1e-4);
    /* across the leap: 86401 s */
    assert_close(midnight - et_of(k, "1998-12-31T00:00:00"), 86401.0, 0, 1e-4);
    expect_time_error(k, "1998-12-30T23:59:60", "leap second");
    expect_time_error(k, "1999-06-30T23:59:60", "leap second");
    expect_time_error(k, "1998-12-31T23:58:60", "leap second");
    spice_free(k);
}

static void test_bad_fields(void **state)
{
    (void)state;
    spice_kernels *k = load_fixture();
    expect_time_error(k, "1998-13-01T00:00:00", "month 13");
    expect_time_error(k, "1998-01-32T00:00:00", "day 32");
    expect_time_error(k, "1998-02-29T00:00:00", "day 29");
    expect_time_error(k, "1998-01-01T25:00:00", "hour 25");
    expect_time_error(k, "1998-01-01T00:60:00", "minute 60");
    expect_time_error(k, "1998-01-01T00:00:61", "second 61");
    expect_time_error(k, "1998-366T00:00:00", "day of year 366");
    expect_time_error(k, "1998-01-01", "expected");
    expect_time_error(k, "1998-01-01T00:00:00x", "expected");
    expect_time_error(k, "1960-01-01T00:00:00", "before the first entry");
    spice_free(k);
}

static void test_standard_lsk_writer(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/naif.tls", dir);
    lp_error e;
    assert_int_equal(spice_write_standard_lsk(path, &e), LP_OK);
    const char *p = path;
    spice_kernels *a = NULL;
    assert_int_equal(spice_load_files(&p, 1, &a, &e), LP_OK);
    spice_kernels *b = load_fixture();
    const char *t[] = {"1972-01-01T00:00:00", "1998-12-31T23:59:60", "2016-12-31T23:59:60",
                       "2017-01-01T00:00:00", "2024-06-01T12:00:00"};
    for (size_t i = 0; i < 5; i++)
        assert_true(et_of(a, t[i]) == et_of(b, t[i]));
    /* 2017 entry is 37 s */
    assert_close(et_of(a, "2017-01-01T00:00:00") - et_of(a, "2016-12-31T23:59:60"), 1.0, 0, 1e-6);
    spice_free(a);
    spice_free(b);
    /* unwritable path */
    snprintf(path, sizeof path, "%s/missing/naif.tls", dir);
    assert_int_equal(spice_write_standard_lsk(path, &e), LP_ERR_IO);
    assert_non_null(strstr(e.message, "missing/naif.tls"));
    ts_rmtree(dir);
}

static void test_text_kernel_syntax(void **state)
{
    (void)state;
    tk_pool pool = {0};
    lp_error e;
    const char *text = "ignored = 5\n"
                       "\\begindata\n"
                       "A = 1.5D3\n"
                       "B = ( 1, 2\n"
                       "      3 4.0d-1 )\n"
                       "B += 5\n"
                       "S = ( 'it''s' 'x' )\n"
                       "D = @1972-JAN-1\n"
                       "\\begintext\n"
                       "A = 99\n"
                       "\\begindata\n"
                       "C = -2\n"
                       "\\begintext\n";
    assert_int_equal(tk_pool_load_text(&pool, text, "mem", &e), LP_OK);
    assert_null(tk_pool_get(&pool, "ignored"));
    const tk_var *a = tk_pool_get_nums(&pool, "A", 1);
    assert_non_null(a);
    assert_true(a->nums[0] == 1500.0);
    const tk_var *b = tk_pool_get_nums(&pool, "B", 5);
    assert_non_null(b);
    assert_int_equal(b->n, 5);
    assert_true(b->nums[3] == 0.4 && b->nums[4] == 5.0);
    const tk_var *s = tk_pool_get(&pool, "S");
    assert_true(s && s->is_string && s->n == 2);
    assert_string_equal(s->strs[0], "it's");
    const tk_var *d = tk_pool_get_nums(&pool, "D", 1);
    assert_true(d->nums[0] == -883656000.0);
    assert_true(tk_pool_get_nums(&pool, "C", 1)->nums[0] == -2.0);
    /* a later assignment replaces */
    assert_int_equal(tk_pool_load_text(&pool, "\\begindata\nB = 7\n", "mem2", &e), LP_OK);
    assert_int_equal(tk_pool_get_nums(&pool, "B", 1)->n, 1);
    tk_pool_free(&pool);
}

static void expect_tk_error(const char *text, const char *needle)
{
    tk_pool pool = {0};
    lp_error e = {0};
    assert_int_not_equal(tk_pool_load_text(&pool, text, "bad.tpc", &e), LP_OK);
    if (!strstr(e.message, needle))
        fail_msg("message '%s' lacks '%s'", e.message, needle);
    tk_pool_free(&pool);
}

static void test_text_kernel_errors(void **state)
{
    (void)state;
    expect_tk_error("\\begindata\nX = ( 1 2\nY = 3\n", "bad.tpc:2: unterminated list for X");
    expect_tk_error("\\begindata\nX = ( 1 2\n\\begintext\n", "bad.tpc:2: unterminated list");
    expect_tk_error("\\begindata\nX = 1.2.3\n", "bad.tpc:2: bad number '1.2.3'");
    expect_tk_error("\\begindata\nX = 'abc\n", "bad.tpc:2: unterminated quoted string");
    expect_tk_error("\\begindata\n\nX 3\n", "bad.tpc:3: expected '=' or '+='");
    expect_tk_error("\\begindata\nX = @1972-FOO-1\n", "bad.tpc:2: bad date");
    /* through the kernel-set loader: the message names the file */
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/broken.tpc", dir);
    ts_write_file(path, "KPL/PCK\n\\begindata\nBODY301_PM = ( 1 2\n");
    spice_kernels *k = NULL;
    lp_error e;
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_ERR_FORMAT);
    assert_null(k);
    assert_non_null(strstr(e.message, "broken.tpc:3: unterminated list"));
    ts_rmtree(dir);
}

static void test_no_lsk(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/a.tpc", dir);
    ts_write_file(path, "\\begindata\nX = 1\n");
    spice_kernels *k = NULL;
    lp_error e;
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_OK);
    double et = 5.0;
    assert_int_not_equal(spice_utc_to_et(k, "2000-01-01T00:00:00", &et, &e), LP_OK);
    assert_non_null(strstr(e.message, "no leap-second kernel"));
    assert_true(et == 5.0);
    spice_free(k);
    ts_rmtree(dir);
    /* empty / missing folders */
    ts_mkdtemp(dir);
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_ERR_IO);
    assert_non_null(strstr(e.message, "no kernels"));
    ts_rmtree(dir);
    assert_int_equal(spice_load_dir("/nonexistent/kernels", &k, &e), LP_ERR_IO);
    assert_non_null(strstr(e.message, "/nonexistent/kernels"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_j2000_epoch),         cmocka_unit_test(test_1998_dates),
        cmocka_unit_test(test_leap_second),         cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_standard_lsk_writer), cmocka_unit_test(test_text_kernel_syntax),
        cmocka_unit_test(test_text_kernel_errors),  cmocka_unit_test(test_no_lsk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
