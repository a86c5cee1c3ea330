/* core/calendar.c: leap years, month lengths, day of year (the PDS folder
 * names, e.g. 091_120APR for April 1998), day numbers both ways, month names. */
#include "test_support.h"

#include "core/calendar.h"

static void test_leap_and_months(void **state)
{
    (void)state;
    assert_true(calendar_is_leap(2000));
    assert_false(calendar_is_leap(1900));
    assert_true(calendar_is_leap(1996));
    assert_false(calendar_is_leap(1998));
    assert_int_equal(calendar_days_in_month(1998, 2), 28);
    assert_int_equal(calendar_days_in_month(2000, 2), 29);
    assert_int_equal(calendar_days_in_month(1998, 4), 30);
    assert_int_equal(calendar_days_in_month(1998, 12), 31);
    assert_int_equal(calendar_days_in_month(1998, 13), 0);
    assert_int_equal(calendar_days_in_month(1998, 0), 0);
    assert_int_equal(calendar_day_of_year(1998, 4, 1), 91);
    assert_int_equal(calendar_day_of_year(1998, 4, 30), 120);
    assert_int_equal(calendar_day_of_year(1998, 12, 31), 365);
    assert_int_equal(calendar_day_of_year(2000, 12, 31), 366);
}

static void test_day_numbers(void **state)
{
    (void)state;
    assert_int_equal(calendar_days_from_2000(2000, 1, 1), 0);
    assert_int_equal(calendar_days_from_2000(1970, 1, 1), -10957);
    assert_int_equal(calendar_days_from_2000(1998, 1, 16), -715);
    assert_int_equal(calendar_days_from_1970(1970, 1, 1), 0);
    assert_int_equal(calendar_days_from_1970(2000, 1, 1), 10957);
    assert_int_equal(calendar_days_from_1970(1969, 12, 31), -1);
    /* Every day from 1600 to 2400 round-trips and follows the previous. */
    long prev = calendar_days_from_2000(1599, 12, 31);
    for (int y = 1600; y <= 2400; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= calendar_days_in_month(y, m); d++) {
                long z = calendar_days_from_2000(y, m, d);
                assert_int_equal(z, prev + 1);
                int yy, mm, dd;
                calendar_date_from_2000(z, &yy, &mm, &dd);
                assert_true(yy == y && mm == m && dd == d);
                prev = z;
            }
}

static void test_month_names(void **state)
{
    (void)state;
    assert_string_equal(calendar_month_abbrev(1), "JAN");
    assert_string_equal(calendar_month_abbrev(12), "DEC");
    assert_null(calendar_month_abbrev(0));
    assert_null(calendar_month_abbrev(13));
    assert_int_equal(calendar_month_from_name("Nov"), 11);
    assert_int_equal(calendar_month_from_name("APR"), 4);
    assert_int_equal(calendar_month_from_name("january"), 1);
    assert_int_equal(calendar_month_from_name("Foo"), 0);
    assert_int_equal(calendar_month_from_name("No"), 0);
    int y, m, d;
    calendar_date_from_1970(0, &y, &m, &d);
    assert_true(y == 1970 && m == 1 && d == 1);
    calendar_date_from_1970(10956, &y, &m, &d);
    assert_true(y == 1999 && m == 12 && d == 31);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_and_months),
        cmocka_unit_test(test_day_numbers),
        cmocka_unit_test(test_month_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
