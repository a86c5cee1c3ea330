/* UTC time stamps (see utc.h). One grammar for every reader, so a stamp the
 * ER reader accepts is one the time conversion accepts too. */
#include "core/utc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"

#define UTC_FRAC_DIGITS_MAX 15 /* 10^15 and every 15-digit integer are exact doubles */

typedef struct {
    const char *p, *end;
} cursor;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly `width` digits (width 0: 1..9 digits). Returns the count or -1. */
static int read_int(cursor *c, int width, int *out)
{
    int n = 0, v = 0;
    while (c->p + n < c->end && is_digit(c->p[n]) && (width == 0 ? n < 9 : n < width)) {
        v = v * 10 + (c->p[n] - '0');
        n++;
    }
    if (n == 0 || (width && n != width))
        return -1;
    c->p += n;
    *out = v;
    return n;
}

static int at(const cursor *c, char ch)
{
    return c->p < c->end && *c->p == ch;
}

/* Steps over ch when it is next. */
static int take(cursor *c, char ch)
{
    if (!at(c, ch))
        return 0;
    c->p++;
    return 1;
}

static int at_date_time_sep(const cursor *c, unsigned flags)
{
    return at(c, 'T') || (!(flags & UTC_ISO_ONLY) && at(c, ' '));
}

lp_status utc_parse(const char *s, size_t n, unsigned flags, utc_stamp *out, lp_error *err)
{
    int len = n > 200 ? 200 : (int)n; /* for messages */
    cursor c = {s, s + n};
    utc_stamp t = {0};
    if (!(flags & UTC_ISO_ONLY))
        while (take(&c, ' '))
            ;
    if (read_int(&c, 4, &t.year) < 0 || !take(&c, '-'))
        goto bad;
    cursor q = c;
    int field;
    if (!(flags & UTC_ISO_ONLY) && read_int(&q, 0, &field) == 3 && at_date_time_sep(&q, flags)) {
        /* day of year */
        if (field < 1 || field > (calendar_is_leap(t.year) ? 366 : 365))
            return lp_error_set(err, LP_ERR_FORMAT,
                                "bad UTC time '%.*s': day of year %d out of range", len, s, field);
        t.month = 1;
        while (field > calendar_days_in_month(t.year, t.month))
            field -= calendar_days_in_month(t.year, t.month++);
        t.day = field;
        c = q;
    } else {
        if (read_int(&c, 2, &t.month) < 0 || !take(&c, '-'))
            goto bad;
        if (read_int(&c, 2, &t.day) < 0)
            goto bad;
        if (t.month < 1 || t.month > 12)
            return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s': month %d out of range",
                                len, s, t.month);
        if (t.day < 1 || t.day > calendar_days_in_month(t.year, t.month))
            return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s': day %d out of range", len,
                                s, t.day);
    }
    if (!at_date_time_sep(&c, flags))
        goto bad;
    c.p++;
    if (read_int(&c, 2, &t.hour) < 0 || !take(&c, ':'))
        goto bad;
    if (read_int(&c, 2, &t.minute) < 0 || !take(&c, ':'))
        goto bad;
    if (read_int(&c, 2, &t.second) < 0)
        goto bad;
    if (take(&c, '.')) {
        if (c.p == c.end || !is_digit(*c.p))
            goto bad;
        for (; c.p < c.end && is_digit(*c.p); c.p++)
            if (t.frac_digits < UTC_FRAC_DIGITS_MAX) {
                t.frac_num = t.frac_num * 10 + (*c.p - '0');
                t.frac_digits++;
            }
    }
    if (!take(&c, 'Z'))
        take(&c, 'z');
    if (!(flags & UTC_ISO_ONLY))
        while (take(&c, ' '))
            ;
    if (c.p != c.end)
        goto bad;
    if (t.hour > 23)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s': hour %d out of range", len, s,
                            t.hour);
    if (t.minute > 59)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s': minute %d out of range", len,
                            s, t.minute);
    if (t.second > 60)
        return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s': second %d out of range", len,
                            s, t.second);
    *out = t;
    return LP_OK;
bad:
    return lp_error_set(err, LP_ERR_FORMAT, "bad UTC time '%.*s' (expected %s)", len, s,
                        (flags & UTC_ISO_ONLY) ? "YYYY-MM-DDThh:mm:ss[.fff][Z]"
                                               : "YYYY-MM-DDThh:mm:ss[.fff][Z], "
                                                 "YYYY-MM-DD hh:mm:ss or YYYY-DOYThh:mm:ss");
}

double utc_fraction(const utc_stamp *t)
{
    double den = 1.0;
    for (int i = 0; i < t->frac_digits; i++)
        den *= 10.0;
    return (double)t->frac_num / den;
}

static int64_t utc_unix_whole_s(const utc_stamp *t)
{
    int64_t days = calendar_days_from_1970(t->year, t->month, t->day);
    return ((days * 24 + t->hour) * 60 + t->minute) * 60 + t->second;
}

int64_t utc_to_unix_ms(const utc_stamp *t)
{
    int64_t ms = t->frac_num; /* to exactly three digits, truncating */
    for (int i = t->frac_digits; i < 3; i++)
        ms *= 10;
    for (int i = t->frac_digits; i > 3; i--)
        ms /= 10;
    return utc_unix_whole_s(t) * 1000 + ms;
}

double utc_to_unix_s(const utc_stamp *t)
{
    return (double)utc_unix_whole_s(t) + utc_fraction(t);
}

void utc_format_unix_ms(int64_t ms, char *buf, size_t size)
{
    int64_t day = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - day * 86400000;
    int y, mo, d;
    calendar_date_from_1970((long)day, &y, &mo, &d);
    int hh = (int)(rem / 3600000), mm = (int)(rem / 60000 % 60), ss = (int)(rem / 1000 % 60);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, mo, d, hh, mm, ss,
             (int)(rem % 1000));
}

lp_status utc_parse_date(const char *s, int *year, int *month, int *day, lp_error *err)
{
    cursor c = {s, s + strlen(s)};
    int y, m, d;
    if (c.end - c.p != 10 || read_int(&c, 4, &y) < 0 || !take(&c, '-') || read_int(&c, 2, &m) < 0 ||
        !take(&c, '-') || read_int(&c, 2, &d) < 0)
        return lp_error_set(err, LP_ERR_FORMAT, "expected YYYY-MM-DD");
    if (m < 1 || m > 12 || d < 1 || d > calendar_days_in_month(y, m))
        return lp_error_set(err, LP_ERR_FORMAT, "no such date: %.200s", s);
    *year = y;
    *month = m;
    *day = d;
    return LP_OK;
}

lp_status utc_parse_kernel_date(const char *s, utc_stamp *out, lp_error *err)
{
    cursor c = {s, s + strlen(s)};
    utc_stamp t = {0};
    if (read_int(&c, 0, &t.year) < 0 || !take(&c, '-'))
        goto bad;
    if (c.p < c.end && isalpha((unsigned char)*c.p)) {
        char m[4] = {0};
        for (int i = 0; i < 3; i++) {
            if (!isalpha((unsigned char)c.p[i]))
                goto bad;
            m[i] = c.p[i];
        }
        c.p += 3;
        while (c.p < c.end && isalpha((unsigned char)*c.p))
            c.p++;
        t.month = calendar_month_from_name(m);
        if (!t.month)
            goto bad;
    } else if (read_int(&c, 0, &t.month) < 0)
        goto bad;
    if (!take(&c, '-'))
        goto bad;
    if (read_int(&c, 0, &t.day) < 0)
        goto bad;
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > calendar_days_in_month(t.year, t.month))
        goto bad;
    if (at(&c, '/') || at(&c, 'T') || at(&c, '-')) {
        c.p++;
        if (read_int(&c, 0, &t.hour) < 0 || !take(&c, ':'))
            goto bad;
        if (read_int(&c, 0, &t.minute) < 0)
            goto bad;
        if (take(&c, ':')) {
            if (read_int(&c, 0, &t.second) < 0)
                goto bad;
        }
    }
    if (c.p != c.end)
        goto bad;
    *out = t;
    return LP_OK;
bad:
    return lp_error_set(err, LP_ERR_FORMAT, "cannot parse date '%s'", s);
}
