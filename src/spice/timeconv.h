/* Time-scale conversions (docs/spice.md §2): UTC strings (read by
 * core/utc.h) to calendar fields, formal calendar seconds past J2000, and UTC → TAI → TT → TDB (ET)
 * from the leap-second kernel variables. */
#ifndef LPMAP_SPICE_TIMECONV_H
#define LPMAP_SPICE_TIMECONV_H

#include "core/status.h"

typedef struct {
    int year, month, day, hour, minute;
    double second;
} tc_calendar;

/* Formal seconds past J2000 (2000-01-01T12:00:00, no leap seconds). */
double tc_formal_seconds(const tc_calendar *c);
/* Inverse of tc_formal_seconds (second in [0, 60)). */
void tc_calendar_from_formal(double secs, tc_calendar *c);

/* Parse "YYYY-MM-DDThh:mm:ss[.fff][Z]", "YYYY-MM-DD hh:mm:ss[.fff]",
 * "YYYY-DOYThh:mm:ss[.fff]" (core/utc.h utc_parse: fields range-checked,
 * second < 61). */
lp_status tc_parse_utc(const char *s, tc_calendar *out, lp_error *err);
/* Parse a text-kernel @date (core/utc.h utc_parse_kernel_date); returns
 * formal seconds past J2000. */
lp_status tc_parse_kernel_date(const char *s, double *secs, lp_error *err);

/* Leap-second model extracted from an LSK. */
typedef struct {
    double delta_t_a, k, eb, m0, m1;
    double *dat;      /* ΔAT values */
    double *dat_secs; /* formal seconds past J2000 where each takes effect */
    int n;
} tc_leapseconds;

/* Built from a text-kernel pool by tc_leapseconds_from_pool (spice/lsk_pool.h). */
void tc_leapseconds_free(tc_leapseconds *ls);
/* Calendar UTC → ET (TDB seconds past J2000). */
lp_status tc_utc_to_et(const tc_leapseconds *ls, const tc_calendar *utc, double *et, lp_error *err);
/* ET → UTC calendar (for messages and `spice info`); approximate at leap seconds. */
void tc_et_to_utc(const tc_leapseconds *ls, double et, tc_calendar *utc);
/* Format ET as "YYYY-MM-DDThh:mm:ss.sss" UTC (or "ET <value>" without a table). */
void tc_format_et(const tc_leapseconds *ls, double et, char *buf, size_t size);

#endif
