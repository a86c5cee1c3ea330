/* attitude.tab reader (docs/formats.md §3) and spin-axis interpolation
 * (docs/physics.md §7 step 1): RA along the shorter arc (mod 360), Dec linear,
 * no extrapolation outside the table's span. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geometry/geometry.h"

void attitude_free(attitude_table *t)
{
    if (!t)
        return;
    free(t->et);
    free(t->rpm);
    free(t->ra_deg);
    free(t->dec_deg);
    memset(t, 0, sizeof *t);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno != 0 || !isfinite(v))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Split one line into 4 comma-separated fields; 0 on success. */
static int split_fields(char *line, char *fields[4])
{
    int n = 0;
    char *p = line;
    while (n < 4) {
        char *c = strchr(p, ',');
        fields[n++] = p;
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (n != 4 || strchr(fields[3], ','))
        return -1;
    for (int i = 0; i < 4; i++)
        fields[i] = trim(fields[i]);
    return 0;
}

static int grow(attitude_table *t, size_t *cap)
{
    if (t->n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    double *a = realloc(t->et, nc * sizeof *a);
    if (!a)
        return -1;
    t->et = a;
    a = realloc(t->rpm, nc * sizeof *a);
    if (!a)
        return -1;
    t->rpm = a;
    a = realloc(t->ra_deg, nc * sizeof *a);
    if (!a)
        return -1;
    t->ra_deg = a;
    a = realloc(t->dec_deg, nc * sizeof *a);
    if (!a)
        return -1;
    t->dec_deg = a;
    *cap = nc;
    return 0;
}

lp_status attitude_read(const char *path, const spice_kernels *k, attitude_table *out,
                        size_t *skipped, lp_error *err)
{
    memset(out, 0, sizeof *out);
    if (skipped)
        *skipped = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open attitude table %s: %s", path,
                            strerror(errno));
    char buf[4096];
    size_t lineno = 0, cap = 0, nskip = 0;
    int seen_line = 0;
    lp_status st = LP_OK;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        char *fields[4];
        double rpm, ra, dec, et;
        char *line = trim(buf);
        if (*line == '\0')
            continue;
        int first = !seen_line, has_digit = strpbrk(line, "0123456789") != NULL;
        seen_line = 1;
        int split = split_fields(line, fields) == 0;
        if (!split || parse_number(fields[1], &rpm) != 0 || parse_number(fields[2], &ra) != 0 ||
            parse_number(fields[3], &dec) != 0) {
            /* The column header "UTC, RPM, RA, DEC" is not a skipped record. */
            if (!(first && split && !has_digit))
                nskip++;
            continue;
        }
        lp_error terr = {0};
        if (spice_utc_to_et(k, fields[0], &et, &terr) != LP_OK) {
            nskip++;
            continue;
        }
        if (out->n > 0 && !(et > out->et[out->n - 1])) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s:%zu: attitude times must be strictly increasing (%s)", path,
                              lineno, fields[0]);
            break;
        }
        if (grow(out, &cap) != 0) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory reading %s", path);
            break;
        }
        out->et[out->n] = et;
        out->rpm[out->n] = rpm;
        out->ra_deg[out->n] = ra;
        out->dec_deg[out->n] = dec;
        out->n++;
    }
    if (st == LP_OK && ferror(f))
        st = lp_error_set(err, LP_ERR_IO, "read error on %s", path);
    fclose(f);
    if (st == LP_OK && out->n == 0)
        st = lp_error_set(err, LP_ERR_FORMAT, "%s: no attitude lines could be parsed", path);
    if (st != LP_OK) {
        attitude_free(out);
        return st;
    }
    if (skipped)
        *skipped = nskip;
    return LP_OK;
}

int attitude_spin_axis(const attitude_table *t, double et, double axis[3])
{
    if (!t || t->n == 0 || !isfinite(et) || et < t->et[0] || et > t->et[t->n - 1])
        return -1;
    double ra, dec;
    if (t->n == 1 || et == t->et[t->n - 1]) {
        ra = t->ra_deg[t->n - 1];
        dec = t->dec_deg[t->n - 1];
    } else {
        size_t lo = 0, hi = t->n - 1; /* et[lo] <= et < et[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (t->et[mid] <= et)
                lo = mid;
            else
                hi = mid;
        }
        double w = (et - t->et[lo]) / (t->et[hi] - t->et[lo]);
        double d = fmod(t->ra_deg[hi] - t->ra_deg[lo], 360.0);
        if (d > 180.0)
            d -= 360.0;
        else if (d < -180.0)
            d += 360.0;
        ra = t->ra_deg[lo] + w * d;
        dec = t->dec_deg[lo] + w * (t->dec_deg[hi] - t->dec_deg[lo]);
    }
    ra = fmod(ra, 360.0);
    if (ra < 0.0)
        ra += 360.0;
    double r = ra * (M_PI / 180.0), dc = dec * (M_PI / 180.0);
    axis[0] = cos(dc) * cos(r);
    axis[1] = cos(dc) * sin(r);
    axis[2] = sin(dc);
    return 0;
}
