/* Calendar arithmetic (see calendar.h). */
#include "core/calendar.h"

#include <stddef.h>
#include <strings.h>

int calendar_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int calendar_days_in_month(int year, int month)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return d[month - 1] + (month == 2 && calendar_is_leap(year));
}

int calendar_day_of_year(int y, int m, int d)
{
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    return cum[m - 1] + d + (m > 2 && calendar_is_leap(y));
}

/* days_from_civil (H. Hinnant's algorithm), shifted to 2000-01-01 = 0. */
long calendar_days_from_2000(int year, int month, int day)
{
    long y = year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468 - 10957;
}

long calendar_days_from_1970(int year, int month, int day)
{
    return calendar_days_from_2000(year, month, day) + 10957; /* 1970-01-01 to 2000-01-01 */
}

void calendar_date_from_2000(long z, int *year, int *month, int *day)
{
    z += 719468 + 10957;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

void calendar_date_from_1970(long days, int *year, int *month, int *day)
{
    calendar_date_from_2000(days - 10957, year, month, day);
}

static const char *const MONTH_ABBREV[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

const char *calendar_month_abbrev(int month)
{
    return month >= 1 && month <= 12 ? MONTH_ABBREV[month - 1] : NULL;
}

int calendar_month_from_name(const char *s)
{
    for (int i = 0; i < 12; i++)
        if (!strncasecmp(s, MONTH_ABBREV[i], 3))
            return i + 1;
    return 0;
}
