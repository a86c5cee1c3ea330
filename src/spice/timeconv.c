/* UTC → ET (docs/spice.md §2; the strings are read by core/utc.c): formal calendar seconds past
 * J2000, ΔAT from the LSK leap-second table, TT = TAI + 32.184 s,
 * TDB − TT = K sin(E), E = M0 + M1 t + EB sin(M0 + M1 t). */
#include "spice/timeconv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/utc.h"

double tc_formal_seconds(const tc_calendar *c)
{
    long days = calendar_days_from_2000(c->year, c->month, c->day);
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

lp_status tc_parse_utc(const char *s, tc_calendar *out, lp_error *err)
{
    utc_stamp t;
    lp_status st = utc_parse(s, strlen(s), 0, &t, err);
    if (st != LP_OK)
        return st;
    *out = (tc_calendar){t.year, t.month, t.day, t.hour, t.minute, t.second + utc_fraction(&t)};
    return LP_OK;
}

lp_status tc_parse_kernel_date(const char *s, double *secs, lp_error *err)
{
    utc_stamp t;
    lp_status st = utc_parse_kernel_date(s, &t, err);
    if (st != LP_OK)
        return st;
    tc_calendar c = {t.year, t.month, t.day, t.hour, t.minute, t.second};
    *secs = tc_formal_seconds(&c);
    return LP_OK;
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
