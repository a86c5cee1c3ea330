/* UTC time stamps, read once for every layer (docs/formats.md §2, docs/spice.md
 * §2): the ER files' "YYYY-MM-DDThh:mm:ss.fff", the NPZ rows_utc strings, the
 * command line's times and dates. Only the calendar is checked here (month
 * lengths, leap years, a leap second 60); which seconds really were leap
 * seconds is the time-scale business of spice/timeconv.h. */
#ifndef LPMAP_CORE_UTC_H
#define LPMAP_CORE_UTC_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct {
    int year, month, day, hour, minute;
    int second;       /* 0..60 (60: a leap second) */
    int64_t frac_num; /* the fraction of a second is frac_num / 10^frac_digits */
    int frac_digits;  /* 0..15: the digits kept (later ones are read and dropped) */
} utc_stamp;

enum {
    /* Only "YYYY-MM-DDThh:mm:ss[.f...][Z]" with nothing around it: the ER
     * files' form. Without it, also "YYYY-MM-DD hh:mm:ss", the day-of-year
     * form "YYYY-DOYThh:mm:ss" and spaces before and after. */
    UTC_ISO_ONLY = 1u,
};

/* Parses the n characters at s (n = strlen(s) for a C string). A trailing
 * 'Z' or 'z' is allowed. On failure err says why ("bad UTC time '...': month
 * 13 out of range", "... (expected ...)") and *out is unchanged. */
lp_status utc_parse(const char *s, size_t n, unsigned flags, utc_stamp *out, lp_error *err);
/* frac_num / 10^frac_digits, exact to the double nearest the decimal. */
double utc_fraction(const utc_stamp *t);
/* Milliseconds since 1970-01-01T00:00:00 (no leap seconds: second 60 counts
 * as the next day's first); the fraction is truncated to milliseconds. */
int64_t utc_to_unix_ms(const utc_stamp *t);
/* Seconds since 1970-01-01T00:00:00, the same count with the whole fraction. */
double utc_to_unix_s(const utc_stamp *t);
/* "YYYY-MM-DDThh:mm:ss.mmm" for milliseconds since 1970 (size >= 24). */
void utc_format_unix_ms(int64_t ms, char *buf, size_t size);

/* A calendar date "YYYY-MM-DD", exactly ten characters naming a real day. */
lp_status utc_parse_date(const char *s, int *year, int *month, int *day, lp_error *err);
/* A SPICE text-kernel @date: "1972-JAN-1", "1972-01-01", optionally with
 * "/hh:mm", "/hh:mm:ss", "Thh:mm:ss" or "-hh:mm:ss" (whole seconds; no
 * range check of the time of day, as SPICE). */
lp_status utc_parse_kernel_date(const char *s, utc_stamp *out, lp_error *err);

#endif
