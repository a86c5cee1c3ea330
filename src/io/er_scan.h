/* Decimal number scanning for the ER reader, header-only so that it inlines
 * into the per-field loop of er_line.c: Clinger's exact fast path for the
 * common short tokens, strtod only for the rare long or extreme-exponent
 * one (same result as strtod either way). */
#ifndef LPMAP_IO_ER_SCAN_H
#define LPMAP_IO_ER_SCAN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The exponent (E/e/D/d, optional) after a mantissa that ended at p, then
 * the value: mant·10^(exponent - frac_digits + dropped), exact (Clinger) or
 * by strtod. */
static inline int scan_double_finish(const char *s, const char *p, const char *end, int neg,
                                     uint64_t mant, int frac_digits, int dropped, double *out,
                                     const char **stop)
{
    int exp10 = 0;
    if (p < end && (*p == 'E' || *p == 'e' || *p == 'D' || *p == 'd')) {
        p++;
        int eneg = 0, edig = 0;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        while (p < end && *p >= '0' && *p <= '9') {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
            p++;
            edig++;
        }
        if (!edig)
            return -1;
        if (eneg)
            exp10 = -exp10;
    }
    *stop = p;
    end = p;
    int e = exp10 - frac_digits + dropped;
    double v;
    if (mant == 0) {
        v = 0.0;
    } else if (mant == 9999 && e == -102) {
        v = 9.999e-99; /* the flux fill values, outside the exact fast path */
    } else if (mant == 999 && e == -101) {
        v = 9.99e-99;
    } else if (mant <= (UINT64_C(1) << 53) && e >= -22 && e <= 22 && !dropped) {
        /* Clinger: both operands exact, one correctly rounded operation. */
        v = e < 0 ? (double)mant / pow10_exact[-e] : (double)mant * pow10_exact[e];
    } else {
        char buf[128];
        size_t n = (size_t)(end - s);
        if (n >= sizeof buf)
            return -1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        for (size_t i = 0; i < n; i++)
            if (buf[i] == 'D' || buf[i] == 'd')
                buf[i] = 'E';
        v = strtod(buf, NULL);
        *out = v;
        return 0;
    }
    *out = neg ? -v : v;
    return 0;
}

/* The mantissa of a token with more than 19 digits: the first 19
 * significant ones kept, the rest counted (the exponent moves by them). */
static inline int scan_double_prefix_long(const char *s, const char *end, double *out,
                                          const char **stop)
{
    const char *p = s;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    uint64_t mant = 0;
    int digits = 0, frac_digits = 0, any = 0, dropped = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        any = 1;
        if (digits < 19) {
            mant = mant * 10 + (uint64_t)(*p - '0');
            if (mant)
                digits++;
        } else {
            dropped++;
        }
        p++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            any = 1;
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(*p - '0');
                if (mant)
                    digits++;
                frac_digits++;
            }
            p++;
        }
    }
    if (!any)
        return -1;
    return scan_double_finish(s, p, end, neg, mant, frac_digits, dropped, out, stop);
}

/* Parse a decimal number starting at s (sign, digits, '.', exponent
 * E/e/D/d); *stop gets the first character after it. Returns 0 and *out on
 * success, -1 if no number starts there. A mantissa of at most 19 digits
 * (every ER field) cannot overflow 64 bits whatever its leading zeros, so
 * its digits are accumulated without the per-digit bookkeeping of the long
 * path (docs/performance.md "Number scanning"); the value is the same. */
static inline int scan_double_prefix(const char *s, const char *end, double *out, const char **stop)
{
    const char *p = s;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    uint64_t mant = 0;
    const char *d0 = p;
    while (p < end && (unsigned)(*p - '0') < 10u) {
        mant = mant * 10 + (uint64_t)(*p - '0');
        p++;
    }
    int n_digits = (int)(p - d0), frac_digits = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (p < end && (unsigned)(*p - '0') < 10u) {
            mant = mant * 10 + (uint64_t)(*p - '0');
            p++;
        }
        frac_digits = (int)(p - f0);
        n_digits += frac_digits;
    }
    if (n_digits == 0)
        return -1;
    if (n_digits > 19)
        return scan_double_prefix_long(s, end, out, stop);
    return scan_double_finish(s, p, end, neg, mant, frac_digits, 0, out, stop);
}

/* A number occupying exactly [s, end). */
static inline int scan_double(const char *s, const char *end, double *out)
{
    const char *stop;
    return scan_double_prefix(s, end, out, &stop) == 0 && stop == end ? 0 : -1;
}

static inline int scan_int64(const char *s, const char *end, int64_t *out)
{
    const char *p = s;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == end)
        return -1;
    int64_t v = 0;
    while (p < end) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p++ - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

#endif
