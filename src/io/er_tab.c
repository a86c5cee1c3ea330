/* ER 3-D flux TAB reader: the table storage, the reader (maps the file and
 * walks its lines; er_line.c parses each, er_clean.c keeps or drops each
 * sweep) and the sweep index. The writer is er_write.c, the number scanner
 * er_scan.h. */
#include "io/er_tab.h"

#include "core/rng.h"

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
#include "io/er_clean.h"
#include "io/er_line.h"

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

int er_table_alloc(er_table *t, size_t rows)
{
    er_table_init(t);
    size_t cap = rows ? rows : 1;
    t->utc = calloc(cap, sizeof *t->utc);
    t->time_text = calloc(cap, sizeof *t->time_text);
    t->time_unix = calloc(cap, sizeof *t->time_unix);
    t->energy = calloc(cap, sizeof *t->energy);
    t->spec_no = calloc(cap, sizeof *t->spec_no);
    t->mag = calloc(cap, sizeof *t->mag);
    t->flux = calloc(cap, sizeof *t->flux);
    t->phi = calloc(cap, sizeof *t->phi);
    if (!t->utc || !t->time_text || !t->time_unix || !t->energy || !t->spec_no || !t->mag ||
        !t->flux || !t->phi) {
        er_table_free(t);
        return -1;
    }
    t->capacity = cap;
    return 0;
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
            er_line_parse(line, le, t, r, &stats->fill_values, why, sizeof why, &spec_known, &spec);
        if (!bad && run.open && spec != run.spec) {
            const spec_slot *s = er_spec_find(&seen, spec);
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
            er_run_close(t, &run, stats, &seen);
            if (!bad && t->n_rows != r) { /* the closed run was dropped: move row r down */
                er_row_move(t, t->n_rows, r);
                r = t->n_rows;
            }
        }
        if (!run.open) {
            spec_slot *s = er_spec_find(&seen, spec);
            if (s) {
                s->dup = 1;
                seen.any_dup = 1;
            } else if (!(s = er_spec_insert(&seen, spec))) {
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
    er_run_close(t, &run, stats, &seen);
    if (orphan_bad)
        stats->sweeps_bad_format++;
    if (seen.any_dup)
        er_drop_duplicated_specs(t, rows_before, &seen, stats);
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

uint64_t er_sweep_stream(double time_unix, uint64_t fallback)
{
    double ms = time_unix * 1000.0;
    if (!(fabs(ms) < 9e18))
        return fallback;
    return rng_stream_of((uint64_t)llround(ms), UINT64_C(0x4C504D4150)); /* "LPMAP" */
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

size_t er_table_keep_rows(er_table *t, const unsigned char *keep)
{
    size_t w = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (keep[r]) {
            if (w != r)
                er_row_move(t, w, r);
            w++;
        }
    size_t removed = t->n_rows - w;
    t->n_rows = w;
    return removed;
}
