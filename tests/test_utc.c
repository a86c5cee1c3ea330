/* core/utc.c: the one UTC reader (ER rows, NPZ rows_utc, command-line times
 * and dates, SPICE @dates): both forms, leap days, the day-of-year form,
 * fractional seconds, a leap second, and bad strings with their messages. */
#include "test_support.h"

#include <string.h>

#include "core/utc.h"

static lp_status parse(const char *s, unsigned flags, utc_stamp *t, lp_error *e)
{
    lp_error_clear(e);
    return utc_parse(s, strlen(s), flags, t, e);
}

static void expect_bad(const char *s, unsigned flags, const char *why)
{
    utc_stamp t = {.year = -7};
    lp_error e;
    assert_int_equal(parse(s, flags, &t, &e), LP_ERR_FORMAT);
    if (!strstr(e.message, why))
        fail_msg("'%s': message '%s' lacks '%s'", s, e.message, why);
    assert_int_equal(t.year, -7); /* left alone */
}

static void test_forms(void **state)
{
    (void)state;
    utc_stamp t;
    lp_error e;
    assert_int_equal(parse("1998-04-01T00:00:26.443", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_true(t.year == 1998 && t.month == 4 && t.day == 1 && t.hour == 0 && t.minute == 0 &&
                t.second == 26 && t.frac_num == 443 && t.frac_digits == 3);
    assert_int_equal(parse("1998-04-01T00:00:26Z", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_true(t.second == 26 && t.frac_digits == 0);
    assert_int_equal(parse("1998-04-01T00:00:26.5z", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_int_equal(parse(" 1998-04-01 12:30:05.5 ", 0, &t, &e), LP_OK);
    assert_true(t.day == 1 && t.hour == 12 && t.minute == 30 && t.second == 5 && t.frac_num == 5);
    /* day of year: 1998-091 is April 1st; 2000-060 is Feb 29 (leap year), 1998-060 March 1st */
    assert_int_equal(parse("1998-091T00:00:00", 0, &t, &e), LP_OK);
    assert_true(t.month == 4 && t.day == 1);
    assert_int_equal(parse("2000-060T00:00:00", 0, &t, &e), LP_OK);
    assert_true(t.month == 2 && t.day == 29);
    assert_int_equal(parse("1998-060 00:00:00", 0, &t, &e), LP_OK);
    assert_true(t.month == 3 && t.day == 1);
    assert_int_equal(parse("2000-366T23:59:59", 0, &t, &e), LP_OK);
    assert_true(t.month == 12 && t.day == 31);
    /* leap days and a leap second (the calendar allows 60; spice/timeconv.c
     * checks it really was one) */
    assert_int_equal(parse("2000-02-29T00:00:00", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_int_equal(parse("1600-02-29T00:00:00", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_int_equal(parse("1998-12-31T23:59:60.999", UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_int_equal(t.second, 60);
    /* length-delimited: the ER reader passes a field inside its line */
    const char *line = "1998-04-01T00:00:26.443 891388826.443";
    assert_int_equal(utc_parse(line, 23, UTC_ISO_ONLY, &t, &e), LP_OK);
    assert_int_equal(utc_parse(line, 24, UTC_ISO_ONLY, &t, &e), LP_ERR_FORMAT);
}

static void test_fractions_and_unix(void **state)
{
    (void)state;
    utc_stamp t;
    lp_error e;
    assert_int_equal(parse("1970-01-01T00:00:00.000", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == 0 && utc_to_unix_s(&t) == 0.0);
    assert_int_equal(parse("1998-04-01T00:00:17.125", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == 891388817125LL);
    assert_true(utc_to_unix_s(&t) == 891388817.125);
    /* milliseconds truncate; seconds keep every digit (up to 15) */
    assert_int_equal(parse("1998-04-01T00:00:17.1259", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == 891388817125LL);
    assert_true(utc_fraction(&t) == 0.1259);
    assert_int_equal(parse("1998-04-01T00:00:17.5", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == 891388817500LL);
    assert_int_equal(parse("2000-01-01T00:00:00.12345678901234567890", 0, &t, &e), LP_OK);
    assert_int_equal(t.frac_digits, 15);
    assert_true(utc_fraction(&t) == 0.123456789012345);
    assert_int_equal(parse("1969-12-31T23:59:59.999", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == -1);
    /* second 60 counts on into the next day (unix time has no leap seconds) */
    assert_int_equal(parse("1998-12-31T23:59:60.000", 0, &t, &e), LP_OK);
    assert_true(utc_to_unix_ms(&t) == 915148800000LL);
    char buf[32];
    utc_format_unix_ms(891388817250LL, buf, sizeof buf);
    assert_string_equal(buf, "1998-04-01T00:00:17.250");
    utc_format_unix_ms(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999");
    utc_format_unix_ms(951782400000LL, buf, sizeof buf);
    assert_string_equal(buf, "2000-02-29T00:00:00.000");
}

static void test_bad_stamps(void **state)
{
    (void)state;
    expect_bad("1998-13-01T00:00:00", 0, "month 13 out of range");
    expect_bad("1998-00-01T00:00:00", 0, "month 0 out of range");
    expect_bad("1998-01-32T00:00:00", 0, "day 32 out of range");
    expect_bad("1998-02-29T00:00:00", UTC_ISO_ONLY, "day 29 out of range");
    expect_bad("1900-02-29T00:00:00", 0, "day 29 out of range");
    expect_bad("1998-04-31T00:00:00", 0, "day 31 out of range");
    expect_bad("1998-366T00:00:00", 0, "day of year 366 out of range");
    expect_bad("1998-000T00:00:00", 0, "day of year 0 out of range");
    expect_bad("1998-01-01T24:00:00", 0, "hour 24 out of range");
    expect_bad("1998-01-01T00:60:00", 0, "minute 60 out of range");
    expect_bad("1998-01-01T00:00:61", 0, "second 61 out of range");
    expect_bad("1998-01-01", 0, "expected YYYY-MM-DDThh:mm:ss[.fff][Z], YYYY-MM-DD hh:mm:ss");
    expect_bad("1998-01-01T00:00:00.", 0, "bad UTC time '1998-01-01T00:00:00.' (expected");
    expect_bad("1998-01-01T00:00:00x", 0, "expected");
    expect_bad("1998-01-01T00:00:00ZZ", 0, "expected");
    expect_bad("98-01-01T00:00:00", 0, "expected");
    expect_bad("1998-1-01T00:00:00", 0, "expected");
    expect_bad("1998-01-01T0:00:00", 0, "expected");
    expect_bad("garbage", 0, "bad UTC time 'garbage'");
    expect_bad("", 0, "expected");
    /* what the ER files' form leaves out */
    expect_bad("1998-01-01 00:00:00", UTC_ISO_ONLY, "(expected YYYY-MM-DDThh:mm:ss[.fff][Z])");
    expect_bad("1998-091T00:00:00", UTC_ISO_ONLY, "expected");
    expect_bad(" 1998-01-01T00:00:00", UTC_ISO_ONLY, "expected");
    expect_bad("1998-01-01T00:00:00 ", UTC_ISO_ONLY, "expected");
}

static void test_dates(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    lp_error e;
    assert_int_equal(utc_parse_date("2000-02-29", &y, &m, &d, &e), LP_OK);
    assert_true(y == 2000 && m == 2 && d == 29);
    assert_int_equal(utc_parse_date("1998-02-29", &y, &m, &d, &e), LP_ERR_FORMAT);
    assert_string_equal(e.message, "no such date: 1998-02-29");
    assert_int_equal(utc_parse_date("1998-13-01", &y, &m, &d, &e), LP_ERR_FORMAT);
    assert_int_equal(utc_parse_date("1998-4-1", &y, &m, &d, &e), LP_ERR_FORMAT);
    assert_string_equal(e.message, "expected YYYY-MM-DD");
    assert_int_equal(utc_parse_date("1998-04-01T", &y, &m, &d, &e), LP_ERR_FORMAT);
    assert_int_equal(utc_parse_date("yesterday", &y, &m, &d, &e), LP_ERR_FORMAT);
    assert_true(y == 2000 && m == 2 && d == 29); /* left alone */
}

static void test_kernel_dates(void **state)
{
    (void)state;
    utc_stamp t;
    lp_error e;
    assert_int_equal(utc_parse_kernel_date("1972-JAN-1", &t, &e), LP_OK);
    assert_true(t.year == 1972 && t.month == 1 && t.day == 1 && t.hour == 0);
    assert_int_equal(utc_parse_kernel_date("2017-january-1/12:30", &t, &e), LP_OK);
    assert_true(t.year == 2017 && t.month == 1 && t.hour == 12 && t.minute == 30 && t.second == 0);
    assert_int_equal(utc_parse_kernel_date("1972-07-01T00:00:05", &t, &e), LP_OK);
    assert_true(t.month == 7 && t.second == 5);
    assert_int_equal(utc_parse_kernel_date("1972-FOO-1", &t, &e), LP_ERR_FORMAT);
    assert_string_equal(e.message, "cannot parse date '1972-FOO-1'");
    assert_int_equal(utc_parse_kernel_date("1973-FEB-29", &t, &e), LP_ERR_FORMAT);
    assert_int_equal(utc_parse_kernel_date("1972-JAN-1/12", &t, &e), LP_ERR_FORMAT);
    assert_int_equal(utc_parse_kernel_date("1972-JAN-1 ", &t, &e), LP_ERR_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),        cmocka_unit_test(test_fractions_and_unix),
        cmocka_unit_test(test_bad_stamps),   cmocka_unit_test(test_dates),
        cmocka_unit_test(test_kernel_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
