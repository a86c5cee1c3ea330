/* Batch stage "ingest": one day file read and cleaned (docs/formats.md §1,
 * docs/physics.md §1), spec_no offset for merging (docs/physics.md §9), sweep index.
 * A file that cannot be used is recorded and skipped; the run goes on. A
 * sweep already read from another file (a backup copy below the data
 * folder) is kept once, with a warning naming both files; a file whose
 * content is dated other than its name says gets a warning (the content's
 * dates are what the output holds). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "pipeline/stages.h"

void day_work_init(day_work *d)
{
    memset(d, 0, sizeof *d);
    er_table_init(&d->table);
}

void day_work_free(day_work *d)
{
    er_table_free(&d->table);
    er_sweeps_free(&d->sweeps);
    free(d->geo);
    free(d->pitch);
    free(d->scp);
    free(d->usc);
    free(d->lcs);
    free(d->lcr);
    memset(d, 0, sizeof *d);
}

lp_status day_work_reserve_chunk(day_work *d, size_t n, lp_error *err)
{
    if (n <= d->cap_chunk)
        return LP_OK;
    free(d->scp);
    free(d->usc);
    free(d->lcs);
    free(d->lcr);
    d->scp = malloc(n * sizeof *d->scp);
    d->usc = malloc(n * sizeof *d->usc);
    d->lcs = malloc(n * sizeof *d->lcs);
    d->lcr = malloc(n * sizeof *d->lcr);
    d->cap_chunk = (d->scp && d->usc && d->lcs && d->lcr) ? n : 0;
    if (!d->cap_chunk)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory for %zu sweeps of fit input", n);
    return LP_OK;
}

void ingest_note_problem(batch_context *ctx, const char *name, const char *reason)
{
    char **p = realloc(ctx->problem_files, (ctx->n_problem_files + 1) * sizeof *p);
    if (!p)
        return;
    ctx->problem_files = p;
    size_t len = strlen(name) + strlen(reason) + 4;
    char *s = malloc(len);
    if (!s)
        return;
    snprintf(s, len, "%s (%s)", name, reason);
    p[ctx->n_problem_files++] = s;
}

void ingest_read(const batch_options *o, const er_file *file, day_work *d)
{
    double t0 = progress_now();
    er_table_clear(&d->table);
    er_sweeps_free(&d->sweeps);
    d->file = file;
    d->name = strrchr(file->path, '/') ? strrchr(file->path, '/') + 1 : file->path;
    memset(&d->read_stats, 0, sizeof d->read_stats);
    lp_error_clear(&d->read_err);
    er_read_options ro = {o->strict};
    d->read_status = er_table_read(file->path, &ro, &d->table, &d->read_stats, &d->read_err);
    d->read_seconds = progress_now() - t0;
}

static uint64_t sweep_key_hash(int64_t spec_no, const char *utc)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)spec_no;
    for (const char *p = utc; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h ^ (h >> 29);
}

/* Find (spec_no, utc) in the set; insert it for `file` when absent.
 * Returns the slot (its file says who had it first), NULL when out of memory. */
static sweep_key *sweep_key_find_or_add(sweep_key_set *s, int64_t spec_no, const char *utc,
                                        size_t file)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        sweep_key *slot = malloc(cap * sizeof *slot);
        if (!slot)
            return NULL;
        for (size_t i = 0; i < cap; i++)
            slot[i].file = SIZE_MAX;
        for (size_t i = 0; i < s->cap; i++) {
            if (s->slot[i].file == SIZE_MAX)
                continue;
            size_t j = sweep_key_hash(s->slot[i].spec_no, s->slot[i].utc) & (cap - 1);
            while (slot[j].file != SIZE_MAX)
                j = (j + 1) & (cap - 1);
            slot[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    size_t j = sweep_key_hash(spec_no, utc) & (s->cap - 1);
    while (s->slot[j].file != SIZE_MAX) {
        if (s->slot[j].spec_no == spec_no && !strcmp(s->slot[j].utc, utc))
            return &s->slot[j];
        j = (j + 1) & (s->cap - 1);
    }
    s->slot[j].spec_no = spec_no;
    snprintf(s->slot[j].utc, sizeof s->slot[j].utc, "%s", utc);
    s->slot[j].file = file;
    s->n++;
    return &s->slot[j];
}

void ingest_seen_free(batch_context *ctx)
{
    free(ctx->seen.slot);
    memset(&ctx->seen, 0, sizeof ctx->seen);
}

/* Drop the sweeps of d already read from an earlier file (warning names
 * both files) and rebuild the sweep index. */
static lp_status ingest_drop_duplicates(batch_context *ctx, day_work *d, lp_error *err)
{
    size_t me = (size_t)(d->file - ctx->files.files), dup = 0, other = SIZE_MAX;
    unsigned char *keep = NULL;
    for (size_t k = 0; k < d->sweeps.n_sweeps; k++) {
        size_t r0 = d->sweeps.start[k];
        sweep_key *e =
            sweep_key_find_or_add(&ctx->seen, d->table.spec_no[r0], d->table.utc[r0], me);
        if (!e) {
            free(keep);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory for the sweep index");
        }
        if (e->file == me)
            continue;
        if (!keep) {
            if (!(keep = malloc(d->table.n_rows)))
                return lp_error_set(err, LP_ERR_NOMEM, "out of memory for the sweep index");
            memset(keep, 1, d->table.n_rows);
        }
        memset(keep + r0, 0, (size_t)d->sweeps.n_rows[k]);
        if (other == SIZE_MAX)
            other = e->file;
        dup++;
    }
    if (!dup)
        return LP_OK;
    const char *first = ctx->files.files[other].path;
    log_warn("%s: %zu of %zu sweeps were already read from %s (same UTC and spec_no); each is "
             "kept once",
             d->file->path, dup, d->sweeps.n_sweeps, first);
    char why[600];
    snprintf(why, sizeof why, "%zu sweeps duplicate those of %s, kept once", dup, first);
    ingest_note_problem(ctx, d->file->path, why);
    ctx->counts.sweeps_duplicate += dup;
    er_table_keep_rows(&d->table, keep);
    free(keep);
    er_sweeps_free(&d->sweeps);
    if (d->table.n_rows == 0)
        return LP_OK;
    return er_sweeps_build(&d->table, &d->sweeps, err);
}

/* Warn when most sweeps of the file are dated other than its name says. */
static void ingest_check_dates(batch_context *ctx, const day_work *d)
{
    char want[16];
    snprintf(want, sizeof want, "%04d-%02d-%02d", d->file->year, d->file->month, d->file->day);
    size_t other = 0, first_other = SIZE_MAX;
    for (size_t k = 0; k < d->sweeps.n_sweeps; k++)
        if (strncmp(d->table.utc[d->sweeps.start[k]], want, 10) != 0) {
            other++;
            if (first_other == SIZE_MAX)
                first_other = k;
        }
    if (2 * other <= d->sweeps.n_sweeps) /* a few sweeps across midnight are normal */
        return;
    ctx->counts.files_misdated++;
    const char *utc = d->table.utc[d->sweeps.start[first_other]];
    log_warn("%s: %zu of %zu sweeps are dated %.10s, not %s as the file name says; the dates in "
             "the file are used",
             d->file->path, other, d->sweeps.n_sweeps, utc, want);
    char why[128];
    snprintf(why, sizeof why, "content dated %.10s, name says %s", utc, want);
    ingest_note_problem(ctx, d->file->path, why);
}

lp_status ingest_commit(batch_context *ctx, day_work *d, int *usable, lp_error *err)
{
    const batch_options *o = ctx->opt;
    *usable = 0;
    ctx->stage_s[STAGE_INGEST] += d->read_seconds;
    lp_status st = d->read_status;
    if (st != LP_OK) {
        if (o->strict || st == LP_ERR_NOMEM || st == LP_ERR_CANCELLED)
            return lp_error_set(err, st, "%s", d->read_err.message);
        log_error("%s; file skipped", d->read_err.message);
        ctx->counts.files_failed++;
        char why[1100];
        snprintf(why, sizeof why, "skipped: %s", d->read_err.message);
        ingest_note_problem(ctx, d->name, why);
        return LP_OK;
    }
    const er_read_stats rs = d->read_stats;
    double t0 = progress_now();
    batch_counts *c = &ctx->counts;
    c->files_read++;
    c->lines_read += rs.lines;
    c->sweeps_bad_format += rs.sweeps_bad_format;
    c->sweeps_bad_field += rs.sweeps_bad_field;
    c->sweeps_bad_time += rs.sweeps_bad_time;
    if (rs.sweeps_bad_format) {
        char why[64]; /* the reader already logged the first problem */
        snprintf(why, sizeof why, "%zu bad sweeps", rs.sweeps_bad_format);
        ingest_note_problem(ctx, d->name, why);
    }
    if (d->table.n_rows == 0)
        return LP_OK;
    if ((st = er_sweeps_build(&d->table, &d->sweeps, err)) != LP_OK) {
        if (o->strict || st == LP_ERR_NOMEM)
            return lp_error_prefix(err, "%s: ", d->name);
        log_error("%s: %s; file skipped", d->name, err->message);
        ctx->counts.files_failed++;
        char why[1100];
        snprintf(why, sizeof why, "skipped: %s", err->message);
        ingest_note_problem(ctx, d->name, why);
        lp_error_clear(err);
        er_table_clear(&d->table);
        return LP_OK;
    }
    ingest_check_dates(ctx, d);
    if ((st = ingest_drop_duplicates(ctx, d, err)) != LP_OK)
        return st;
    if (d->table.n_rows == 0)
        return LP_OK;
    /* The offset shifts every spec_no alike: the sweep index stays valid. */
    ctx->spec_offset = er_table_offset_spec_no(&d->table, 0, ctx->spec_offset);
    c->rows_kept += d->table.n_rows;
    c->sweeps_total += d->sweeps.n_sweeps;
    *usable = d->sweeps.n_sweeps > 0;
    ctx->stage_s[STAGE_INGEST] += progress_now() - t0;
    return LP_OK;
}
