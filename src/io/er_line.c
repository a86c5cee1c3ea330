/* One data line of an ER TAB file into a table row: the 7 + 2x88 fields
 * scanned in one pass, the UTC stamp checked, fill values turned into NaN,
 * and a one-line reason naming the field when the line is malformed. */
#include "io/er_line.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/utc.h"
#include "io/er_scan.h"

#define ER_FIELDS (7 + 2 * LP_N_CHANNELS)

/* UTC like 1998-04-01T00:00:26.443 (optional fraction, optional Z): the
 * stamp must also fit the table's text column. */
static int check_utc(const char *s, const char *end)
{
    utc_stamp t;
    size_t n = (size_t)(end - s);
    return n < ER_TEXT_WIDTH && utc_parse(s, n, UTC_ISO_ONLY, &t, NULL) == LP_OK ? 0 : -1;
}

static int is_flux_fill(double v)
{
    return fabs(v - 9.999e-99) < 1e-102 || fabs(v + 9.99e-99) < 1e-102;
}
static int is_phi_fill(double v)
{
    return fabs(v - 999.99) < 1e-6 || fabs(v - 998.99) < 1e-6;
}

static const char *const field_names[7] = {"UTC",   "time",  "energy", "spec_no",
                                           "mag_x", "mag_y", "mag_z"};

static void field_name(int f, char *buf, size_t n)
{
    if (f < 7)
        snprintf(buf, n, "%d (%s)", f + 1, field_names[f]);
    else if (f < 7 + LP_N_CHANNELS)
        snprintf(buf, n, "%d (ele_flux_%d)", f + 1, f - 7);
    else
        snprintf(buf, n, "%d (dist_phi_%d)", f + 1, f - 7 - LP_N_CHANNELS);
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && *p != ' ' && *p != '\t')
        p++;
    return p;
}

/* Count the fields of a line (for the wrong-field-count message). */
static int count_fields(const char *p, const char *end)
{
    int n = 0;
    for (p = skip_blanks(p, end); p < end; p = skip_blanks(token_end(p, end), end))
        n++;
    return n;
}

/* Parse one line into row `r` of t (capacity reserved) (see er_line.h). Fields are scanned
 * in one pass: each number is read where it starts and must end at a
 * blank. Returns 0, or -1 with a reason in why (and *spec_known / *spec
 * set when field 4 parsed). */
int er_line_parse(const char *line, const char *end, er_table *t, size_t r, size_t *fills,
                  char *why, size_t why_n, int *spec_known, int64_t *spec)
{
    const char *fs[4], *fe[4];
    const char *p = line;
    *spec_known = 0;
    for (int f = 0; f < 4; f++) { /* UTC, time, energy, spec_no as text first */
        p = skip_blanks(p, end);
        if (p >= end) {
            snprintf(why, why_n, "%d fields, expected %d", count_fields(line, end), ER_FIELDS);
            return -1;
        }
        fs[f] = p;
        p = fe[f] = token_end(p, end);
    }
    if (scan_int64(fs[3], fe[3], spec) == 0)
        *spec_known = 1;
    if (check_utc(fs[0], fe[0])) {
        snprintf(why, why_n, "field 1 (UTC): bad time stamp '%.*s'",
                 (int)(fe[0] - fs[0] > 40 ? 40 : fe[0] - fs[0]), fs[0]);
        return -1;
    }
    char fname[48];
    double v[ER_FIELDS];
    int nf = 4;
    for (int f = 4; f < ER_FIELDS; f++) {
        p = skip_blanks(p, end);
        if (p >= end)
            break;
        const char *stop;
        if (scan_double_prefix(p, end, &v[f], &stop) ||
            (stop < end && *stop != ' ' && *stop != '\t') || !isfinite(v[f])) {
            if (count_fields(line, end) != ER_FIELDS)
                break; /* report the field count instead */
            const char *te = token_end(p, end);
            field_name(f, fname, sizeof fname);
            snprintf(why, why_n, "field %s: not a number '%.*s'", fname,
                     (int)(te - p > 40 ? 40 : te - p), p);
            return -1;
        }
        p = stop;
        nf++;
    }
    if (nf != ER_FIELDS || skip_blanks(p, end) != end) {
        snprintf(why, why_n, "%d fields, expected %d", count_fields(line, end), ER_FIELDS);
        return -1;
    }
    if (!*spec_known) {
        snprintf(why, why_n, "field 4 (spec_no): not an integer '%.*s'",
                 (int)(fe[3] - fs[3] > 40 ? 40 : fe[3] - fs[3]), fs[3]);
        return -1;
    }
    for (int f = 1; f <= 2; f++)
        if (scan_double(fs[f], fe[f], &v[f]) || !isfinite(v[f])) {
            field_name(f, fname, sizeof fname);
            snprintf(why, why_n, "field %s: not a number '%.*s'", fname,
                     (int)(fe[f] - fs[f] > 40 ? 40 : fe[f] - fs[f]), fs[f]);
            return -1;
        }
    size_t tl = (size_t)(fe[1] - fs[1]);
    if (tl >= ER_TEXT_WIDTH) {
        snprintf(why, why_n, "field 2 (time): too long");
        return -1;
    }
    memcpy(t->utc[r], fs[0], (size_t)(fe[0] - fs[0]));
    t->utc[r][fe[0] - fs[0]] = '\0';
    memcpy(t->time_text[r], fs[1], tl);
    t->time_text[r][tl] = '\0';
    t->time_unix[r] = v[1];
    t->energy[r] = v[2];
    t->spec_no[r] = *spec;
    for (int k = 0; k < 3; k++)
        t->mag[r][k] = v[4 + k];
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        double fl = v[7 + c], ph = v[7 + LP_N_CHANNELS + c];
        if (is_flux_fill(fl)) {
            fl = NAN;
            (*fills)++;
        }
        if (is_phi_fill(ph)) {
            ph = NAN;
            (*fills)++;
        }
        t->flux[r][c] = fl;
        t->phi[r][c] = ph;
    }
    return 0;
}
