/* ER 3-D flux TAB reader and writer (docs/formats.md §1), sweep cleaning
 * (docs/physics.md §1) and the sweep index (docs/physics.md §9). The reader maps the
 * file and scans numbers by hand (Clinger's exact fast path, strtod only
 * for the rare long or extreme-exponent token). */
#include "io/er_tab.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define ER_FIELDS (7 + 2 * LP_N_CHANNELS)

/* ---- table storage ---- */

void er_table_init(er_table *t)
{
    memset(t, 0, sizeof *t);
}

void er_table_free(er_table *t)
{
    free(t->utc);
    free(t->time_text);
    free(t->time_unix);
    free(t->energy);
    free(t->spec_no);
    free(t->mag);
    free(t->flux);
    free(t->phi);
    er_table_init(t);
}

void er_table_clear(er_table *t)
{
    t->n_rows = 0;
}

static int grow(void **p, size_t elem, size_t cap)
{
    if (cap > SIZE_MAX / elem)
        return -1;
    void *n = realloc(*p, cap * elem);
    if (!n)
        return -1;
    *p = n;
    return 0;
}

/* Make room for one more row. */
static int table_reserve(er_table *t, size_t need)
{
    if (need <= t->capacity)
        return 0;
    size_t cap = t->capacity ? t->capacity : 1024;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    if (grow((void **)&t->utc, sizeof *t->utc, cap) ||
        grow((void **)&t->time_text, sizeof *t->time_text, cap) ||
        grow((void **)&t->time_unix, sizeof *t->time_unix, cap) ||
        grow((void **)&t->energy, sizeof *t->energy, cap) ||
        grow((void **)&t->spec_no, sizeof *t->spec_no, cap) ||
        grow((void **)&t->mag, sizeof *t->mag, cap) ||
        grow((void **)&t->flux, sizeof *t->flux, cap) ||
        grow((void **)&t->phi, sizeof *t->phi, cap))
        return -1;
    t->capacity = cap;
    return 0;
}

/* ---- number scanning ---- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parse a decimal number starting at s (sign, digits, '.', exponent
 * E/e/D/d); *stop gets the first character after it. Returns 0 and *out on
 * success, -1 if no number starts there. */
static int scan_double_prefix(const char *s, const char *end, double *out, const char **stop)
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

/* A number occupying exactly [s, end). */
static int scan_double(const char *s, const char *end, double *out)
{
    const char *stop;
    return scan_double_prefix(s, end, out, &stop) == 0 && stop == end ? 0 : -1;
}

static int scan_int64(const char *s, const char *end, int64_t *out)
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

/* UTC like 1998-04-01T00:00:26.443 (optional fraction, optional Z). */
static int check_utc(const char *s, const char *end)
{
    size_t n = (size_t)(end - s);
    if (n < 19 || n >= ER_TEXT_WIDTH)
        return -1;
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";
    for (int i = 0; i < 19; i++) {
        char c = s[i];
        if (pat[i] == 'd' ? (c < '0' || c > '9') : c != pat[i])
            return -1;
    }
    const char *p = s + 19;
    if (p < end && *p == '.') {
        p++;
        if (p == end || *p < '0' || *p > '9')
            return -1;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'Z' || *p == 'z'))
        p++;
    if (p != end)
        return -1;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    int hour = (s[11] - '0') * 10 + (s[12] - '0'), minute = (s[14] - '0') * 10 + (s[15] - '0');
    int sec = (s[17] - '0') * 10 + (s[18] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60)
        return -1;
    return 0;
}

static int is_flux_fill(double v)
{
    return fabs(v - 9.999e-99) < 1e-102 || fabs(v + 9.99e-99) < 1e-102;
}
static int is_phi_fill(double v)
{
    return fabs(v - 999.99) < 1e-6 || fabs(v - 998.99) < 1e-6;
}

/* ---- line parsing ---- */

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

/* Parse one line into row `r` of t (capacity reserved). Fields are scanned
 * in one pass: each number is read where it starts and must end at a
 * blank. Returns 0, or -1 with a reason in why (and *spec_known / *spec
 * set when field 4 parsed). */
static int parse_line(const char *line, const char *end, er_table *t, size_t r, size_t *fills,
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

/* Sweep-level cleaning of rows [start, end): 0 keep, 1 bad field, 2 bad time. */
static int sweep_verdict(const er_table *t, size_t start, size_t end)
{
    for (size_t r = start; r < end; r++) {
        const double *b = t->mag[r];
        if (!isfinite(b[0]) || !isfinite(b[1]) || !isfinite(b[2]))
            return 1;
        double m = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        if (m <= LP_B_MIN_NT || m >= LP_B_MAX_NT)
            return 1;
        if (t->time_unix[r] == 0.0)
            return 2;
    }
    return 0;
}

static void move_row(er_table *t, size_t dst, size_t src)
{
    memcpy(t->utc[dst], t->utc[src], sizeof t->utc[src]);
    memcpy(t->time_text[dst], t->time_text[src], sizeof t->time_text[src]);
    t->time_unix[dst] = t->time_unix[src];
    t->energy[dst] = t->energy[src];
    t->spec_no[dst] = t->spec_no[src];
    memcpy(t->mag[dst], t->mag[src], sizeof t->mag[src]);
    memcpy(t->flux[dst], t->flux[src], sizeof t->flux[src]);
    memcpy(t->phi[dst], t->phi[src], sizeof t->phi[src]);
}

size_t er_table_keep_rows(er_table *t, const unsigned char *keep)
{
    size_t w = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (keep[r]) {
            if (w != r)
                move_row(t, w, r);
            w++;
        }
    size_t removed = t->n_rows - w;
    t->n_rows = w;
    return removed;
}

/* spec_no values seen in this file (open addressing): the line of the first
 * run, how many runs were kept, and whether the value came back after
 * another sweep (docs/physics.md §9: an input error). */
typedef struct {
    int64_t spec;
    size_t first_line;
    size_t kept_runs;
    unsigned char used, dup;
} spec_slot;

typedef struct {
    spec_slot *slots;
    size_t cap, n;
    int any_dup;
} spec_set;

static size_t spec_hash(int64_t v, size_t cap)
{
    uint64_t x = (uint64_t)v * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(x >> 17) & (cap - 1);
}

static spec_slot *spec_find(spec_set *s, int64_t v)
{
    if (!s->cap)
        return NULL;
    for (size_t i = spec_hash(v, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slots[i].used)
            return NULL;
        if (s->slots[i].spec == v)
            return &s->slots[i];
    }
}

/* Insert v (absent); NULL when out of memory. */
static spec_slot *spec_insert(spec_set *s, int64_t v)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        spec_slot *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].used) {
                size_t j = spec_hash(s->slots[i].spec, cap);
                while (ns[j].used)
                    j = (j + 1) & (cap - 1);
                ns[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = ns;
        s->cap = cap;
    }
    size_t j = spec_hash(v, s->cap);
    while (s->slots[j].used)
        j = (j + 1) & (s->cap - 1);
    s->slots[j] = (spec_slot){.spec = v, .used = 1};
    s->n++;
    return &s->slots[j];
}

/* The sweep run being read: rows [start, t->n_rows) sharing `spec`. */
typedef struct {
    int open, bad;
    size_t start;
    int64_t spec;
} sweep_run;

/* Close the current run: keep it, or drop its rows (bad format, bad B,
 * bad time) and count why. */
static void run_close(er_table *t, sweep_run *run, er_read_stats *stats, spec_set *seen)
{
    if (!run->open)
        return;
    int verdict = run->bad ? 3 : sweep_verdict(t, run->start, t->n_rows);
    if (verdict == 3)
        stats->sweeps_bad_format++;
    else if (verdict == 1)
        stats->sweeps_bad_field++;
    else if (verdict == 2)
        stats->sweeps_bad_time++;
    else {
        stats->sweeps_kept++;
        spec_slot *s = spec_find(seen, run->spec);
        if (s)
            s->kept_runs++;
    }
    if (verdict)
        t->n_rows = run->start;
    run->open = 0;
    run->bad = 0;
}

/* Remove the kept rows of spec_no values that came back after another
 * sweep (all their runs are input errors) and move their count from kept
 * to bad format. */
static void drop_duplicated_specs(er_table *t, size_t first_row, spec_set *seen,
                                  er_read_stats *stats)
{
    size_t w = first_row;
    for (size_t r = first_row; r < t->n_rows; r++) {
        const spec_slot *s = spec_find(seen, t->spec_no[r]);
        if (s && s->dup)
            continue;
        if (w != r)
            move_row(t, w, r);
        w++;
    }
    t->n_rows = w;
    for (size_t i = 0; i < seen->cap; i++)
        if (seen->slots[i].used && seen->slots[i].dup) {
            stats->sweeps_kept -= seen->slots[i].kept_runs;
            stats->sweeps_bad_format += seen->slots[i].kept_runs;
        }
}

/* Give back the pages of a mapped file already parsed, so resident memory
 * is the table plus a window of the file, not both whole (docs/decisions.md "Hardening"). */
#define ER_RELEASE_CHUNK ((size_t)32 << 20)

static void release_consumed(const char *base, const char *upto, size_t *released)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    size_t done = (size_t)(upto - base) / page * page;
    if (done >= *released + ER_RELEASE_CHUNK) {
        madvise((void *)(base + *released), done - *released, MADV_DONTNEED);
        *released = done;
    }
}

static lp_status read_text(const char *data, size_t len, const char *name,
                           const er_read_options *opt, er_table *t, er_read_stats *stats,
                           lp_error *err, int mapped)
{
    er_read_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    stats->bytes = len;
    const int strict = opt && opt->strict;
    const size_t rows_before = t->n_rows;
    sweep_run run = {0, 0, t->n_rows, 0};
    spec_set seen = {0};
    int orphan_bad = 0; /* malformed lines with no readable spec_no before any sweep */
    size_t lineno = 0, released = 0;
    lp_status status = LP_OK;
    const char *p = data, *end = data + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line = p, *le = nl ? nl : end;
        p = nl ? nl + 1 : end;
        lineno++;
        if (mapped)
            release_consumed(data, line, &released);
        if (le > line && le[-1] == '\r')
            le--;
        const char *q = line;
        while (q < le && (*q == ' ' || *q == '\t'))
            q++;
        if (q == le)
            continue; /* blank line */
        stats->lines++;
        if (table_reserve(t, t->n_rows + 1)) {
            status = lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory at line %zu", name, lineno);
            goto fail;
        }
        char why[320];
        int spec_known;
        int64_t spec = 0;
        size_t r = t->n_rows;
        int bad =
            parse_line(line, le, t, r, &stats->fill_values, why, sizeof why, &spec_known, &spec);
        if (!bad && run.open && spec != run.spec) {
            const spec_slot *s = spec_find(&seen, spec);
            if (s) {
                snprintf(why, sizeof why,
                         "field 4 (spec_no): %lld was already used by the sweep at line %zu "
                         "(sweeps must be contiguous)",
                         (long long)spec, s->first_line);
                bad = 1;
            }
        }
        if (bad) {
            if (!nl)
                snprintf(why + strlen(why), sizeof why - strlen(why), " (truncated last line?)");
            if (!stats->first_problem[0])
                snprintf(stats->first_problem, sizeof stats->first_problem, "%s:%zu: %s", name,
                         lineno, why);
            if (strict) {
                status = lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: %s", name, lineno, why);
                goto fail;
            }
            stats->malformed_lines++;
            if (!spec_known) {
                if (run.open)
                    run.bad = 1; /* the run it sits in */
                else
                    orphan_bad = 1;
                continue;
            }
        }
        if (run.open && spec != run.spec) {
            run_close(t, &run, stats, &seen);
            if (!bad && t->n_rows != r) { /* the closed run was dropped: move row r down */
                move_row(t, t->n_rows, r);
                r = t->n_rows;
            }
        }
        if (!run.open) {
            spec_slot *s = spec_find(&seen, spec);
            if (s) {
                s->dup = 1;
                seen.any_dup = 1;
            } else if (!(s = spec_insert(&seen, spec))) {
                status =
                    lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory at line %zu", name, lineno);
                goto fail;
            } else {
                s->first_line = lineno;
            }
            run.open = 1;
            run.bad = s->dup;
            run.start = t->n_rows;
            run.spec = spec;
        }
        if (bad)
            run.bad = 1;
        else
            t->n_rows = r + 1;
    }
    run_close(t, &run, stats, &seen);
    if (orphan_bad)
        stats->sweeps_bad_format++;
    if (seen.any_dup)
        drop_duplicated_specs(t, rows_before, &seen, stats);
    free(seen.slots);
    stats->rows_kept = t->n_rows - rows_before;
    if (stats->malformed_lines) /* one warning per file */
        log_warn("%s (%zu malformed line%s in this file, %zu sweep%s skipped)",
                 stats->first_problem, stats->malformed_lines,
                 stats->malformed_lines == 1 ? "" : "s", stats->sweeps_bad_format,
                 stats->sweeps_bad_format == 1 ? "" : "s");
    return LP_OK;
fail:
    free(seen.slots);
    t->n_rows = rows_before;
    return status;
}

lp_status er_table_read_buffer(const char *data, size_t len, const char *name,
                               const er_read_options *opt, er_table *t, er_read_stats *stats,
                               lp_error *err)
{
    return read_text(data, len, name, opt, t, stats, err, 0);
}

lp_status er_table_read(const char *path, const er_read_options *opt, er_table *t,
                        er_read_stats *stats, lp_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return lp_error_set(err, LP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return lp_error_set(err, LP_ERR_IO, "%s is not a regular file", path);
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (st.st_size == 0) {
        close(fd);
        log_warn("%s is empty (no rows)", path);
        return read_text("", 0, name, opt, t, stats, err, 0);
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return lp_error_set(err, LP_ERR_NOMEM, "%s is too large to map", path);
    }
    size_t len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return lp_error_set(err, LP_ERR_IO, "cannot map %s: %s", path, strerror(errno));
    madvise(map, len, MADV_SEQUENTIAL);
    lp_status st2 = read_text(map, len, name, opt, t, stats, err, 1);
    munmap(map, len);
    return st2;
}

/* ---- sweeps ---- */

lp_status er_sweeps_build(const er_table *t, er_sweeps *out, lp_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (r == 0 || t->spec_no[r] != t->spec_no[r - 1])
            n++;
    out->start = malloc((n ? n : 1) * sizeof *out->start);
    out->n_rows = malloc((n ? n : 1) * sizeof *out->n_rows);
    int64_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!out->start || !out->n_rows || !sorted) {
        free(sorted);
        er_sweeps_free(out);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory indexing %zu sweeps", n);
    }
    size_t k = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (r == 0 || t->spec_no[r] != t->spec_no[r - 1]) {
            out->start[k] = r;
            out->n_rows[k] = 0;
            sorted[k] = t->spec_no[r];
            k++;
        }
        out->n_rows[k - 1]++;
    }
    out->n_sweeps = n;
    /* A spec_no in two separate runs is an input error (docs/physics.md §9):
     * sort a copy (insertion sort: files are nearly sorted) and look for
     * neighbours that are equal. */
    for (size_t i = 1; i < n; i++) {
        int64_t x = sorted[i];
        size_t j = i;
        if (sorted[j - 1] <= x)
            continue;
        while (j > 0 && sorted[j - 1] > x) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = x;
    }
    for (size_t i = 1; i < n; i++)
        if (sorted[i] == sorted[i - 1]) {
            int64_t dup = sorted[i];
            free(sorted);
            er_sweeps_free(out);
            return lp_error_set(err, LP_ERR_FORMAT,
                                "spec_no %lld appears in two separate runs of rows (sweeps must "
                                "be contiguous)",
                                (long long)dup);
        }
    free(sorted);
    return LP_OK;
}

void er_sweeps_free(er_sweeps *s)
{
    free(s->start);
    free(s->n_rows);
    memset(s, 0, sizeof *s);
}

int64_t er_table_offset_spec_no(er_table *t, size_t first_row, int64_t offset)
{
    int64_t max = offset - 1;
    for (size_t r = first_row; r < t->n_rows; r++) {
        t->spec_no[r] += offset;
        if (t->spec_no[r] > max)
            max = t->spec_no[r];
    }
    return max + 1;
}

/* ---- writer ---- */

lp_status er_table_write(FILE *f, const er_table *t, size_t first_row, size_t n_rows, lp_error *err)
{
    if (first_row > t->n_rows || n_rows > t->n_rows - first_row)
        return lp_error_set(err, LP_ERR_USAGE, "er_table_write: rows out of range");
    char line[8192];
    for (size_t r = first_row; r < first_row + n_rows; r++) {
        int n = snprintf(line, sizeof line, "%s %s %.2f %lld %.4f %.4f %.4f", t->utc[r],
                         t->time_text[r], t->energy[r], (long long)t->spec_no[r], t->mag[r][0],
                         t->mag[r][1], t->mag[r][2]);
        for (int c = 0; c < LP_N_CHANNELS && n > 0 && (size_t)n < sizeof line; c++) {
            double v = t->flux[r][c];
            n += snprintf(line + n, sizeof line - (size_t)n, isfinite(v) ? " %.4E" : " 9.999E-99",
                          v);
        }
        for (int c = 0; c < LP_N_CHANNELS && n > 0 && (size_t)n < sizeof line; c++) {
            double v = t->phi[r][c];
            n += snprintf(line + n, sizeof line - (size_t)n, isfinite(v) ? " %.2f" : " 999.99", v);
        }
        if (n <= 0 || (size_t)n >= sizeof line - 2)
            return lp_error_set(err, LP_ERR_RANGE, "row %zu does not fit a line", r);
        line[n++] = '\n';
        if (fwrite(line, 1, (size_t)n, f) != (size_t)n)
            return lp_error_set(err, LP_ERR_IO, "write failed: %s", strerror(errno));
    }
    return LP_OK;
}
