/* The batch driver (docs/batch.md, docs/decisions.md "Pipeline and outputs"): checks inputs, then
 * day by day ingest → geometry → U_sc → pitch/normalization → loss-cone fit → results (stage files
 * in this folder, a whole day per stage call through one fit session per run); the next day is
 * read on a thread meanwhile; one NPZ at the end, written atomically. At most two days' input
 * are in memory at a time. */
#include "pipeline/batch.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <omp.h>
#include <pthread.h>

#include "core/cancel.h"
#include "core/constants.h"
#include "core/log.h"
#include "gpu/backend_select.h"
#include "io/theta.h"
#include "pipeline/stages.h"

void batch_options_init(batch_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->data_dir = "data";
    opt->output_dir = "artifacts/potential_cache";
    opt->method = FIT_METHOD_HALEKAS;
    opt->physics = PHYSICS_CONSISTENT;
    opt->usc_reject_phi = SCPOT_REJECT_PHI_DEFAULT;
    opt->normalization = NORM_RATIO;
    opt->incident = INCIDENT_MEAN;
    opt->u_width_identifiable_max_v = U_WIDTH_IDENTIFIABLE_MAX_V;
    opt->dtype = DTYPE_AUTO;
    opt->seed = 42;
}

static lp_status make_dirs(const char *path, lp_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return lp_error_set(err, LP_ERR_IO, "cannot create output folder %s: %s", buf,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return lp_error_set(err, LP_ERR_IO, "cannot create output folder %s: %s", buf,
                            strerror(errno));
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
        return lp_error_set(err, LP_ERR_IO, "output folder %s is not a folder", buf);
    if (access(buf, W_OK) != 0)
        return lp_error_set(err, LP_ERR_IO, "output folder %s is not writable: %s", buf,
                            strerror(errno));
    return LP_OK;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kernel files spice_load_dir loads (for meta_kernels and the LSK check). */
static void list_kernels(batch_context *ctx, int *n_lsk)
{
    *n_lsk = 0;
    DIR *d = opendir(ctx->kernels_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".bsp") && !has_suffix(e->d_name, ".tls") &&
            !has_suffix(e->d_name, ".tpc"))
            continue;
        *n_lsk += has_suffix(e->d_name, ".tls");
        char **p = realloc(ctx->kernel_files, (ctx->n_kernel_files + 1) * sizeof *p);
        if (!p)
            break;
        ctx->kernel_files = p;
        if (!(p[ctx->n_kernel_files] = strdup(e->d_name)))
            break;
        ctx->n_kernel_files++;
    }
    closedir(d);
    if (ctx->n_kernel_files > 1) /* qsort(NULL, 0) is undefined (UBSan) */
        qsort(ctx->kernel_files, ctx->n_kernel_files, sizeof *ctx->kernel_files, cmp_str);
}

/* The kernel folder and its files (before the fingerprint is taken). */
static void batch_kernels_list(batch_context *ctx, int *n_lsk)
{
    const batch_options *o = ctx->opt;
    if (o->kernels_dir)
        snprintf(ctx->kernels_dir, sizeof ctx->kernels_dir, "%s", o->kernels_dir);
    else
        snprintf(ctx->kernels_dir, sizeof ctx->kernels_dir, "%s/spice_kernels", o->data_dir);
    list_kernels(ctx, n_lsk);
}

/* Up to `n` bytes of "a, b, c" from the problem files (for one-line errors). */
static void batch_problems_join(const batch_context *ctx, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ctx->n_problem_files && len < n; i++) {
        if (len > n - 40 && i + 1 < ctx->n_problem_files) {
            snprintf(buf + len, n - len, "%sand %zu more", i ? ", " : "", ctx->n_problem_files - i);
            return;
        }
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", ctx->problem_files[i]);
    }
}

/* A run that produced nothing usable is an error (nothing is written):
 * no sweep read, or no row with geometry. */
static lp_status batch_check_usable(const batch_context *ctx, lp_error *err)
{
    const batch_counts *c = &ctx->counts;
    char why[700];
    if (c->sweeps_total == 0) {
        batch_problems_join(ctx, why, 400);
        return lp_error_set(err, LP_ERR_FORMAT,
                            "no sweep could be read from the %zu matched ER file%s (%s); nothing "
                            "written",
                            ctx->files.n, ctx->files.n == 1 ? "" : "s",
                            why[0] ? why : "the files hold no data lines");
    }
    if (c->rows_no_geometry >= c->rows_kept) {
        char kernels[400] = "", att[160] = "no entries";
        size_t len = 0;
        for (size_t i = 0; i < ctx->n_kernel_files && len < sizeof kernels; i++)
            len += (size_t)snprintf(kernels + len, sizeof kernels - len, "%s%s", i ? ", " : "",
                                    ctx->kernel_files[i]);
        if (ctx->attitude.n > 0) {
            char a0[64], a1[64];
            spice_et_to_utc(ctx->kernels, ctx->attitude.et[0], a0, sizeof a0);
            spice_et_to_utc(ctx->kernels, ctx->attitude.et[ctx->attitude.n - 1], a1, sizeof a1);
            snprintf(att, sizeof att, "%s to %s", a0, a1);
        }
        return lp_error_set(err, LP_ERR_RANGE,
                            "none of the %zu sweeps has geometry (%s); check that the kernels in "
                            "%s (%s) cover the data and that attitude.tab does (%s); nothing "
                            "written",
                            c->sweeps_total,
                            ctx->first_no_geometry[0] ? ctx->first_no_geometry : "no reason given",
                            ctx->kernels_dir, kernels, att);
    }
    return LP_OK;
}

/* Inputs and settings, before any day is read (each failure is one line). */
static lp_status batch_setup(batch_context *ctx, const char *out_path, int n_lsk, lp_error *err)
{
    const batch_options *o = ctx->opt;
    char path[4200];
    lp_status st;
    snprintf(path, sizeof path, "%s/theta.tab", o->data_dir);
    if (access(path, R_OK) != 0)
        return lp_error_set(err, LP_ERR_IO,
                            "cannot open theta table %s: not found (needed for the channel "
                            "elevations)",
                            path);
    if ((st = theta_read(path, &ctx->inst, err)) != LP_OK)
        return st;
    struct stat sb;
    if (stat(ctx->kernels_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(err, LP_ERR_IO,
                            "SPICE kernels: folder %s not found (use --kernels DIR)",
                            ctx->kernels_dir);
    if (ctx->n_kernel_files == 0)
        return lp_error_set(err, LP_ERR_IO,
                            "no SPICE kernels (*.bsp, *.tls, *.tpc) in %s (use --kernels DIR)",
                            ctx->kernels_dir);
    if (n_lsk == 0)
        return lp_error_set(err, LP_ERR_IO,
                            "no leap-second kernel (*.tls) in %s: UTC cannot be converted to ET",
                            ctx->kernels_dir);
    if ((st = spice_load_dir(ctx->kernels_dir, &ctx->kernels, err)) != LP_OK)
        return lp_error_prefix(err, "SPICE kernels (%s): ", ctx->kernels_dir);
    snprintf(path, sizeof path, "%s/attitude.tab", o->data_dir);
    if (access(path, R_OK) != 0)
        return lp_error_set(err, LP_ERR_IO,
                            "cannot open attitude table %s: not found (needed for the spin "
                            "axis)",
                            path);
    size_t skipped = 0;
    if ((st = attitude_read(path, ctx->kernels, &ctx->attitude, &skipped, err)) != LP_OK)
        return st;
    if (skipped)
        log_info("attitude.tab: %zu lines that are not attitude records were skipped", skipped);
    for (size_t i = 0; i < ctx->n_kernel_files; i++)
        log_debug("kernel: %s/%s", ctx->kernels_dir, ctx->kernel_files[i]);
    if (ctx->attitude.n > 0) {
        char a0[64], a1[64];
        spice_et_to_utc(ctx->kernels, ctx->attitude.et[0], a0, sizeof a0);
        spice_et_to_utc(ctx->kernels, ctx->attitude.et[ctx->attitude.n - 1], a1, sizeof a1);
        log_debug("attitude: %zu entries from %s to %s", ctx->attitude.n, a0, a1);
    }
    if ((st = make_dirs(o->output_dir, err)) != LP_OK)
        return st;
    /* Fail early on an unwritable output folder rather than after hours. */
    npz_writer *probe;
    if ((st = npz_writer_open(out_path, 1, &probe, err)) != LP_OK)
        return st;
    npz_writer_abort(probe);
    if (o->threads > 0)
        omp_set_num_threads(o->threads);
    fit_backend_options bo = {o->fast, o->device, o->dtype, o->batch_size, o->threads, -1};
    if ((st = fit_backend_select(&bo, &ctx->backend, err)) != LP_OK)
        return st;
    losscone_settings_init(&ctx->lc);
    ctx->lc.method = o->method;
    /* consistent physics fits the counts, not ln(norm) (docs/physics-modes.md) */
    if (o->physics == PHYSICS_CONSISTENT && o->method == FIT_METHOD_HALEKAS)
        ctx->lc.method = FIT_METHOD_COUNTS;
    ctx->lc.seed = o->seed;
    ctx->lc.beam_amp_fixed = o->beam_amp_fixed_set;
    ctx->lc.beam_amp = o->beam_amp_fixed;
    ctx->lc.emit_u_width_qc = o->emit_u_width_qc && o->method == FIT_METHOD_LILLIS;
    ctx->lc.polish = !o->no_polish;
    ctx->lc.u_width_identifiable_max_v = o->u_width_identifiable_max_v;
    kappa_settings_init(&ctx->ks);
    ctx->ks.seed = o->seed;
    /* One session for the whole run (docs/decisions.md "Backend sessions"). */
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.lc = ctx->lc;
    fs.ks = ctx->ks;
    fs.scb.reject_phi = o->usc_reject_phi;
    fs.scb.core_prior = !o->usc_core_prior_off;
    if (!(ctx->session = fit_session_create(ctx->backend, &fs, err)))
        return err->status;
    return LP_OK;
}

/* One day: ingest, geometry, then chunks of sweeps through U_sc, fits and results. */
static lp_status batch_run_day(batch_context *ctx, day_work *d, lp_error *err)
{
    const er_file *file = d->file;
    double t0 = progress_now() - d->read_seconds;
    int usable = 0;
    lp_status st = ingest_commit(ctx, d, &usable, err);
    /* Total sweeps of the run estimated from the bytes read so far. */
    ctx->bytes_read += (double)file->size_bytes;
    if (ctx->bytes_read > 0.0)
        progress_set_total(&ctx->prog, (size_t)((double)ctx->counts.sweeps_total *
                                                ctx->bytes_total / ctx->bytes_read));
    if (st != LP_OK || !usable)
        return st;
    if ((st = geometry_stage_run(ctx, d, err)) != LP_OK)
        return st;
    if ((st = pitch_stage_run(ctx, d, err)) != LP_OK)
        return st;
    size_t ns = d->sweeps.n_sweeps, fitted0 = ctx->counts.sweeps_fitted;
    if ((st = day_work_reserve_chunk(d, ns, err)) != LP_OK)
        return st;
    if (cancel_requested())
        return lp_error_set(err, LP_ERR_CANCELLED, "interrupted; no output written");
    /* The whole day in one call per stage: the session's backend chunks it
     * (random streams: sweep_stream_id). */
    progress_update(&ctx->prog, "U_sc", ctx->sweeps_done);
    if ((st = scpot_stage_run(ctx, d, 0, ns, err)) != LP_OK)
        return st;
    progress_update(&ctx->prog, "fit", ctx->sweeps_done);
    if ((st = fit_stage_run(ctx, d, 0, ns, err)) != LP_OK)
        return st;
    if ((st = results_append_chunk(ctx, d, 0, ns, err)) != LP_OK)
        return st;
    ctx->sweeps_done += ns;
    progress_update(&ctx->prog, "fit", ctx->sweeps_done);
    ctx->sweep_counter += ns;
    progress_finish(&ctx->prog);
    if (d->table.n_rows > 0) {
        char u0[64], u1[64];
        spice_et_to_utc(ctx->kernels, d->geo[0].et, u0, sizeof u0);
        spice_et_to_utc(ctx->kernels, d->geo[d->table.n_rows - 1].et, u1, sizeof u1);
        log_debug("%s: rows from %s to %s; run totals: %zu sweeps without U_sc (%zu bad kappa "
                  "fit, %zu no root, %zu no geometry)",
                  d->name, u0, u1,
                  ctx->counts.sweeps_usc_bad_kappa + ctx->counts.sweeps_usc_no_root +
                      ctx->counts.sweeps_usc_no_geometry,
                  ctx->counts.sweeps_usc_bad_kappa, ctx->counts.sweeps_usc_no_root,
                  ctx->counts.sweeps_usc_no_geometry);
    }
    log_info("%s: %zu rows, %zu sweeps, %zu fitted (%.1f s)", d->name, d->table.n_rows, ns,
             ctx->counts.sweeps_fitted - fitted0, progress_now() - t0);
    return LP_OK;
}

/* The prefetch thread: reads one day file into a free slot. */
typedef struct {
    pthread_t thread;
    int running;
    const batch_options *opt;
    const er_file *file;
    day_work *slot;
} prefetch;

static void *prefetch_main(void *arg)
{
    prefetch *p = arg;
    ingest_read(p->opt, p->file, p->slot);
    return NULL;
}

/* Read `file` into `slot`: on the thread when `ahead`, else right now. */
static void prefetch_start(prefetch *p, const batch_options *o, const er_file *file, day_work *slot,
                           int ahead)
{
    p->opt = o;
    p->file = file;
    p->slot = slot;
    p->running = ahead && pthread_create(&p->thread, NULL, prefetch_main, p) == 0;
    if (!p->running) /* no thread: read it now */
        ingest_read(o, file, slot);
}

static void prefetch_join(prefetch *p)
{
    if (p->running)
        pthread_join(p->thread, NULL);
    p->running = 0;
}

/* Reading ahead on a thread is on unless LPMAP_NO_PREFETCH=1 (a
 * diagnostic and test knob: results are the same either way). */
static int batch_read_ahead(void)
{
    const char *v = getenv("LPMAP_NO_PREFETCH");
    return !(v && !strcmp(v, "1"));
}

static void batch_summary(const batch_context *ctx, const char *out_path)
{
    const batch_counts *c = &ctx->counts;
    char total[32];
    progress_format_duration(progress_now() - ctx->wall_start, total, sizeof total);
    log_info("wrote %s", out_path);
    log_info("summary: %zu of %zu files read (%zu failed), %zu rows, %zu sweeps: %zu fitted, "
             "%zu not fitted, %zu rejected (lillis chi2)",
             c->files_read, ctx->files.n, c->files_failed, c->rows_kept, c->sweeps_total,
             c->sweeps_fitted, c->sweeps_not_fitted, c->sweeps_invalid);
    log_info("sweeps dropped while reading: %zu malformed, %zu bad field, %zu bad time; without "
             "U_sc: %zu bad kappa fit, %zu no root, %zu no geometry; rows without geometry: %zu",
             c->sweeps_bad_format, c->sweeps_bad_field, c->sweeps_bad_time, c->sweeps_usc_bad_kappa,
             c->sweeps_usc_no_root, c->sweeps_usc_no_geometry, c->rows_no_geometry);
    if (c->sweeps_duplicate || c->files_misdated)
        log_warn("%zu sweeps read twice (kept once); %zu files dated other than their names say",
                 c->sweeps_duplicate, c->files_misdated);
    if (ctx->n_problem_files) {
        size_t len = 1;
        for (size_t i = 0; i < ctx->n_problem_files; i++)
            len += strlen(ctx->problem_files[i]) + 2;
        char *all = malloc(len);
        if (all) {
            all[0] = '\0';
            for (size_t i = 0; i < ctx->n_problem_files; i++) {
                if (i)
                    strcat(all, ", ");
                strcat(all, ctx->problem_files[i]);
            }
            log_warn("problems in: %s", all);
            free(all);
        }
    }
    char line[1024];
    int len = snprintf(line, sizeof line, "wall time:");
    for (int k = 0; k < STAGE_COUNT && len < (int)sizeof line; k++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %s %.2f s%s",
                        batch_stage_name((batch_stage)k), ctx->stage_s[k],
                        k + 1 < STAGE_COUNT ? "," : "");
    log_info("%s; total %s; fits on %s (%s)", line, total, fit_backend_name(ctx->backend),
             fit_backend_dtype(ctx->backend));
    log_info("reading: %.2f s, of which the driver waited %.2f s (the rest overlapped the fits)",
             ctx->stage_s[STAGE_INGEST], ctx->ingest_wait_s);
}

static void batch_context_free(batch_context *ctx)
{
    free(ctx->fingerprint_text);
    ingest_seen_free(ctx);
    for (size_t i = 0; i < ctx->n_problem_files; i++)
        free(ctx->problem_files[i]);
    free(ctx->problem_files);
    for (size_t i = 0; i < ctx->n_kernel_files; i++)
        free(ctx->kernel_files[i]);
    free(ctx->kernel_files);
    results_free(&ctx->res);
    fit_session_free(ctx->session);
    if (ctx->backend)
        fit_backend_free(ctx->backend);
    attitude_free(&ctx->attitude);
    if (ctx->kernels)
        spice_free(ctx->kernels);
    er_file_list_free(&ctx->files);
}

static void batch_fill_report(const batch_context *ctx, batch_report *r)
{
    r->n_stages = STAGE_COUNT;
    for (int k = 0; k < STAGE_COUNT; k++) {
        r->stage_names[k] = batch_stage_name((batch_stage)k);
        r->stage_seconds[k] = ctx->stage_s[k];
    }
    r->seconds_total = progress_now() - ctx->wall_start;
    r->files = ctx->counts.files_read;
    r->rows = ctx->counts.rows_kept;
    r->sweeps = ctx->counts.sweeps_total;
    r->sweeps_fitted = ctx->counts.sweeps_fitted;
    snprintf(r->device, sizeof r->device, "%s", fit_backend_name(ctx->backend));
    snprintf(r->dtype, sizeof r->dtype, "%s", fit_backend_dtype(ctx->backend));
    r->wrote_output = 1;
}

lp_status batch_run(const batch_options *o, lp_error *err)
{
    return batch_run_report(o, NULL, err);
}

lp_status batch_run_report(const batch_options *o, batch_report *report, lp_error *err)
{
    if (report)
        memset(report, 0, sizeof *report);
    batch_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.opt = o;
    ctx.wall_start = progress_now();
    results_init(&ctx.res);
    char out_path[4096];
    output_path(o, out_path, sizeof out_path);
    /* A folder or a foreign file at the output path: refused before any work. */
    int exists = 0;
    lp_status st = batch_output_check_path(out_path, &exists, err);
    if (st != LP_OK)
        return st;
    struct stat sb;
    if (stat(o->data_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(err, LP_ERR_IO,
                            "data folder %s does not exist (set --data-dir or LPMAP_DATA_DIR)",
                            o->data_dir);
    st = er_discover(o->data_dir, o->year, o->month, o->day, &ctx.files, err);
    if (st != LP_OK)
        return st;
    if (o->start_ymd)
        er_file_list_keep_range(&ctx.files, o->start_ymd, o->end_ymd);
    if (ctx.files.n == 0) {
        log_info("no ER files (3DYYMMDD.TAB) matched under %s for the date filter; nothing to do",
                 o->data_dir);
        er_file_list_free(&ctx.files);
        return LP_OK;
    }
    /* Two day slots: the prefetch thread reads day i+1 while day i is
     * processed (docs/decisions.md "Pipeline and outputs"). */
    day_work days[2];
    day_work_init(&days[0]);
    day_work_init(&days[1]);
    prefetch pf = {0};
    int n_lsk = 0;
    batch_kernels_list(&ctx, &n_lsk);
    if ((st = batch_fingerprint_build(&ctx, err)) != LP_OK)
        goto done;
    if (exists && !o->overwrite) {
        int same = 0;
        if ((st = batch_fingerprint_compare(&ctx, out_path, &same, err)) != LP_OK)
            goto done;
        log_info("%s already exists with the same inputs and settings; left untouched (use "
                 "--overwrite to redo it)",
                 out_path);
        goto done;
    }
    if ((st = batch_setup(&ctx, out_path, n_lsk, err)) != LP_OK)
        goto done;
    ctx.stage_s[STAGE_SETUP] = progress_now() - ctx.wall_start;
    for (size_t i = 0; i < ctx.files.n; i++)
        ctx.bytes_total += (double)ctx.files.files[i].size_bytes;
    log_info("%zu ER file%s to process, output %s", ctx.files.n, ctx.files.n == 1 ? "" : "s",
             out_path);
    progress_init(&ctx.prog, 0);
    int ahead = batch_read_ahead();
    double w0 = progress_now();
    ingest_read(o, &ctx.files.files[0], &days[0]);
    ctx.ingest_wait_s += progress_now() - w0;
    for (size_t i = 0; i < ctx.files.n; i++) {
        day_work *cur = &days[i % 2];
        w0 = progress_now();
        prefetch_join(&pf);
        ctx.ingest_wait_s += progress_now() - w0;
        if (cancel_requested()) {
            st = lp_error_set(err, LP_ERR_CANCELLED, "interrupted; no output written");
            goto done;
        }
        if (i + 1 < ctx.files.n) {
            w0 = progress_now();
            prefetch_start(&pf, o, &ctx.files.files[i + 1], &days[(i + 1) % 2], ahead);
            ctx.ingest_wait_s += progress_now() - w0; /* ~0 when on the thread */
        }
        log_info("[%zu/%zu] %s", i + 1, ctx.files.n, ctx.files.files[i].path);
        if ((st = batch_run_day(&ctx, cur, err)) != LP_OK) {
            progress_finish(&ctx.prog);
            goto done;
        }
        /* Release the day's input before the next one is read into this slot. */
        er_table_clear(&cur->table);
    }
    prefetch_join(&pf);
    day_work_free(&days[0]);
    day_work_free(&days[1]);
    progress_finish(&ctx.prog);
    if ((st = batch_check_usable(&ctx, err)) != LP_OK)
        goto done;
    if ((st = output_write_npz(&ctx, out_path, err)) == LP_OK) {
        batch_summary(&ctx, out_path);
        if (report)
            batch_fill_report(&ctx, report);
    }
done:
    prefetch_join(&pf);
    if (st == LP_ERR_CANCELLED) /* the temporary NPZ was never created or is removed */
        lp_error_set(err, LP_ERR_CANCELLED, "interrupted; no output written");
    day_work_free(&days[0]);
    day_work_free(&days[1]);
    batch_context_free(&ctx);
    return st;
}
