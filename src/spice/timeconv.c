/* UTC parsing and UTC → ET (docs/spice.md §2): formal calendar seconds past
 * J2000, ΔAT from the LSK leap-second table, TT = TAI + 32.184 s,
 * TDB − TT = K sin(E), E = M0 + M1 t + EB sin(M0 + M1 t). */
#include "spice/timeconv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

int tc_days_in_month(int year, int month)
{
    return calendar_days_in_month(year, month);
}

long tc_days_from_j2000_date(int year, int month, int day)
{
    return calendar_days_from_2000(year, month, day);
}

double tc_formal_seconds(const tc_calendar *c)
{
    long days = tc_days_from_j2000_date(c->year, c->month, c->day);
    return ((double)days * 86400.0 - 43200.0) + (c->hour * 3600.0 + c->minute * 60.0) + c->second;
}

void tc_calendar_from_formal(double secs, tc_calendar *c)
{
    double s = secs + 43200.0;
    double days = floor(s / 86400.0);
    double rem = s - days * 86400.0;
    if (rem >= 86400.0) {
        rem -= 86400.0;
        days += 1;
    }
    calendar_date_from_2000((long)days, &c->year, &c->month, &c->day);
    c->hour = (int)(rem / 3600.0);
    if (c->hour > 23)
        c->hour = 23;
    rem -= c->hour * 3600.0;
    c->minute = (int)(rem / 60.0);
    if (c->minute > 59)
        c->minute = 59;
    c->second = rem - c->minute * 60.0;
}

/* Read exactly `width` digits (width 0: 1..9 digits). Returns count or -1. */
static int read_int(const char **p, int width, int *out)
{
    const char *s = *p;
    int n = 0, v = 0;
    while (isdigit((unsigned char)s[n]) && (width == 0 ? n < 9 : n < width)) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n == 0 || (width && n != width))
        return -1;
    *p = s + n;
    *out = v;
    return n;
}

lp_status tc_parse_utc(const char *s, tc_calendar *out, lp_error *err)
{
    const char *p = s;
    tc_calendar c = {0};
    while (*p == ' ')
        p++;
    if (read_int(&p, 4, &c.year) < 0 || *p != '-')
        goto bad;
    p++;
    const char *q = p;
    int field;
    int nd = read_int(&q, 0, &field);
    if (nd == 3 && (*q == 'T' || *q == ' ')) {
        /* day of year */
        int doy = field;
        int ndays = calendar_is_leap(c.year) ? 366 : 365;
        if (doy < 1 || doy > ndays)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "bad UTC time '%s': day of year %d out of range", s, doy);
        int m = 1;
        while (doy > tc_days_in_month(c.year, m)) {
            doy -= tc_days_in_month(c.year, m);
            m++;
        }
        c.month = m;
        c.day = doy;
        p = q;
    } else {
        if (read_int(&p, 2, &c.month) < 0 || *p != '-')
            goto bad;
        p++;
        if (read_int(&p, 2, &c.day) < 0)
            goto bad;
        if (c.month < 1 || c.month > 12)
            return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%s': month %d out of range", s,
                                c.month);
        if (c.day < 1 || c.day > tc_days_in_month(c.year, c.month))
            return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%s': day %d out of range", s,
                                c.day);
    }
    if (*p != 'T' && *p != ' ')
        goto bad;
    p++;
    if (read_int(&p, 2, &c.hour) < 0 || *p != ':')
        goto bad;
    p++;
    if (read_int(&p, 2, &c.minute) < 0 || *p != ':')
        goto bad;
    p++;
    int isec;
    if (read_int(&p, 2, &isec) < 0)
        goto bad;
    double frac = 0.0;
    if (*p == '.') {
        p++;
        double scale = 0.1;
        if (!isdigit((unsigned char)*p))
            goto bad;
        /* exact decimal accumulation: digits as an integer / 10^n */
        double num = 0.0, den = 1.0;
        int nd2 = 0;
        while (isdigit((unsigned char)*p)) {
            if (nd2 < 15) {
                num = num * 10.0 + (*p - '0');
                den *= 10.0;
            }
            nd2++;
            p++;
        }
        (void)scale;
        frac = num / den;
    }
    if (*p == 'Z')
        p++;
    while (*p == ' ')
        p++;
    if (*p != '\0')
        goto bad;
    if (c.hour > 23)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%s': hour %d out of range", s,
                            c.hour);
    if (c.minute > 59)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%s': minute %d out of range", s,
                            c.minute);
    if (isec > 60)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%s': second %d out of range", s,
                            isec);
    c.second = isec + frac;
    *out = c;
    return LP_OK;
bad:
    return lp_error_set(err, LP_ERR_FORMAT,
                        "bad UTC time '%s' (expected YYYY-MM-DDThh:mm:ss[.fff][Z], "
                        "YYYY-MM-DD hh:mm:ss or YYYY-DOYThh:mm:ss)",
                        s);
}

lp_status tc_parse_kernel_date(const char *s, double *secs, lp_error *err)
{
    static const char *mon[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    const char *p = s;
    tc_calendar c = {0};
    if (read_int(&p, 0, &c.year) < 0 || *p != '-')
        goto bad;
    p++;
    if (isalpha((unsigned char)*p)) {
        char m[4] = {0};
        for (int i = 0; i < 3; i++) {
            if (!isalpha((unsigned char)p[i]))
                goto bad;
            m[i] = (char)toupper((unsigned char)p[i]);
        }
        p += 3;
        while (isalpha((unsigned char)*p))
            p++;
        for (int i = 0; i < 12; i++)
            if (strcmp(m, mon[i]) == 0)
                c.month = i + 1;
        if (!c.month)
            goto bad;
    } else if (read_int(&p, 0, &c.month) < 0)
        goto bad;
    if (*p != '-')
        goto bad;
    p++;
    if (read_int(&p, 0, &c.day) < 0)
        goto bad;
    if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > tc_days_in_month(c.year, c.month))
        goto bad;
    if (*p == '/' || *p == 'T' || *p == '-') {
        p++;
        int sec = 0;
        if (read_int(&p, 0, &c.hour) < 0 || *p != ':')
            goto bad;
        p++;
        if (read_int(&p, 0, &c.minute) < 0)
            goto bad;
        if (*p == ':') {
            p++;
            if (read_int(&p, 0, &sec) < 0)
                goto bad;
        }
        c.second = sec;
    }
    if (*p != '\0')
        goto bad;
    *secs = tc_formal_seconds(&c);
    return LP_OK;
bad:
    return lp_error_set(err, LP_ERR_FORMAT, "cannot parse date '%s'", s);
}

void tc_leapseconds_free(tc_leapseconds *ls)
{
    free(ls->dat);
    free(ls->dat_secs);
    ls->dat = ls->dat_secs = NULL;
    ls->n = 0;
}

/* Index of the last entry whose date <= t, or -1. */
static int dat_index(const tc_leapseconds *ls, double t)
{
    int lo = 0, hi = ls->n - 1, ans = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (ls->dat_secs[mid] <= t) {
            ans = mid;
            lo = mid + 1;
        } else
            hi = mid - 1;
    }
    return ans;
}

static double tdb_minus_tt(const tc_leapseconds *ls, double tt)
{
    double m = ls->m0 + ls->m1 * tt;
    double e = m + ls->eb * sin(m);
    return ls->k * sin(e);
}

lp_status tc_utc_to_et(const tc_leapseconds *ls, const tc_calendar *utc, double *et, lp_error *err)
{
    if (!ls || ls->n == 0)
        return lp_error_set(err, LP_ERR_USAGE, "no leap-second kernel loaded");
    tc_calendar minute = *utc;
    minute.second = 0.0;
    double t_min = tc_formal_seconds(&minute);
    int i = dat_index(ls, t_min);
    if (i < 0)
        return lp_error_set(err, LP_ERR_RANGE,
                            "UTC %04d-%02d-%02dT%02d:%02d:%06.3f is before the first entry of the "
                            "leap-second table",
                            utc->year, utc->month, utc->day, utc->hour, utc->minute, utc->second);
    if (utc->second >= 60.0) {
        /* a leap second must end a day that starts a new, larger ΔAT */
        double next_midnight = t_min + 60.0;
        int ok = utc->hour == 23 && utc->minute == 59 && i + 1 < ls->n &&
                 ls->dat_secs[i + 1] == next_midnight && ls->dat[i + 1] > ls->dat[i] &&
                 utc->second < 60.0 + (ls->dat[i + 1] - ls->dat[i]);
        if (!ok)
            return lp_error_set(err, LP_ERR_RANGE,
                                "UTC %04d-%02d-%02dT%02d:%02d:%06.3f: second 60 is only valid in "
                                "a leap second",
                                utc->year, utc->month, utc->day, utc->hour, utc->minute,
                                utc->second);
    }
    double tai = t_min + utc->second + ls->dat[i];
    double tt = tai + ls->delta_t_a;
    *et = tt + tdb_minus_tt(ls, tt);
    return LP_OK;
}

void tc_et_to_utc(const tc_leapseconds *ls, double et, tc_calendar *utc)
{
    /* ET → TT (two fixed-point steps), TT → TAI, TAI → UTC */
    double tt = et;
    for (int it = 0; it < 3; it++)
        tt = et - tdb_minus_tt(ls, tt);
    double tai = tt - ls->delta_t_a;
    double dat = ls->n ? ls->dat[0] : 0.0;
    for (int i = 0; i < ls->n; i++)
        if (ls->dat_secs[i] + ls->dat[i] <= tai)
            dat = ls->dat[i];
    tc_calendar_from_formal(tai - dat, utc);
}

void tc_format_et(const tc_leapseconds *ls, double et, char *buf, size_t size)
{
    if (!ls || ls->n == 0) {
        snprintf(buf, size, "ET %.3f", et);
        return;
    }
    tc_calendar c;
    tc_et_to_utc(ls, et, &c);
    double sec = floor(c.second * 1000.0) / 1000.0;
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%06.3f", c.year, c.month, c.day, c.hour, c.minute,
             sec);
}
