/* Batch stage "output": the NPZ of docs/npz.md — row arrays in input
 * order, spectrum arrays ascending spec_no, the U-width QC keys only when
 * asked, and the meta_* entries of the run — written to a temporary file
 * and renamed into place (npz.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
#include "pipeline/stages.h"
#include "pipeline/sweep_status.h"

void output_path(const batch_options *o, char *buf, size_t n)
{
    if (o->start_ymd)
        snprintf(buf, n, "%s/potential_batch_%04d_%02d_%02d_to_%04d_%02d_%02d.npz", o->output_dir,
                 o->start_ymd / 10000, o->start_ymd / 100 % 100, o->start_ymd % 100,
                 o->end_ymd / 10000, o->end_ymd / 100 % 100, o->end_ymd % 100);
    else if (!o->year)
        snprintf(buf, n, "%s/potential_batch_all.npz", o->output_dir);
    else if (!o->month)
        snprintf(buf, n, "%s/potential_batch_%04d.npz", o->output_dir, o->year);
    else if (!o->day)
        snprintf(buf, n, "%s/potential_batch_%04d_%02d.npz", o->output_dir, o->year, o->month);
    else
        snprintf(buf, n, "%s/potential_batch_%04d_%02d_%02d.npz", o->output_dir, o->year, o->month,
                 o->day);
}

#define ADD(call)                                                                                  \
    do {                                                                                           \
        if ((st = (call)) != LP_OK)                                                                \
            goto fail;                                                                             \
    } while (0)

/* An array of n strings, each padded to `stride` bytes; width = longest. */
static lp_status add_string_list(npz_writer *w, const char *name, char *const *s, size_t n,
                                 lp_error *err)
{
    size_t stride = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(s[i]) + 1 > stride)
            stride = strlen(s[i]) + 1;
    char *buf = calloc(n ? n : 1, stride);
    if (!buf)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * stride, s[i], strlen(s[i]));
    lp_status st = npz_add_str(w, name, buf, stride, n, (int)stride, err);
    free(buf);
    return st;
}

static lp_status add_rows(npz_writer *w, const batch_context *ctx, lp_error *err)
{
    const batch_results *R = &ctx->res;
    size_t nr = results_n_rows(R);
    lp_status st = LP_OK;
    ADD(npz_add_i64(w, "rows_spec_no", R->rows[ROW_SPEC_NO].data, nr, err));
    ADD(npz_add_str(w, "rows_utc", R->rows[ROW_UTC].data, ER_TEXT_WIDTH, nr, 64, err));
    ADD(npz_add_str(w, "rows_time", R->rows[ROW_TIME].data, ER_TEXT_WIDTH, nr, 64, err));
    ADD(npz_add_f64(w, "rows_spacecraft_latitude", R->rows[ROW_SC_LAT].data, nr, err));
    ADD(npz_add_f64(w, "rows_spacecraft_longitude", R->rows[ROW_SC_LON].data, nr, err));
    ADD(npz_add_f64(w, "rows_projection_latitude", R->rows[ROW_PROJ_LAT].data, nr, err));
    ADD(npz_add_f64(w, "rows_projection_longitude", R->rows[ROW_PROJ_LON].data, nr, err));
    ADD(npz_add_f64(w, "rows_spacecraft_potential", R->rows[ROW_USC].data, nr, err));
    ADD(npz_add_f64(w, "rows_projected_potential", R->rows[ROW_USURF].data, nr, err));
    ADD(npz_add_bool(w, "rows_spacecraft_in_sun", R->rows[ROW_SC_SUN].data, nr, err));
    ADD(npz_add_bool(w, "rows_projection_in_sun", R->rows[ROW_PROJ_SUN].data, nr, err));
    ADD(npz_add_i8(w, "rows_projection_polarity", R->rows[ROW_POLARITY].data, nr, err));
    ADD(npz_add_f64(w, "rows_bs_over_bm", R->rows[ROW_R].data, nr, err));
    ADD(npz_add_f64(w, "rows_beam_amp", R->rows[ROW_BEAM].data, nr, err));
    ADD(npz_add_f64(w, "rows_fit_chi2", R->rows[ROW_CHI2].data, nr, err));
    ADD(npz_add_f64(w, "rows_electron_temperature", R->rows[ROW_TE].data, nr, err));
    ADD(npz_add_f64(w, "rows_electron_density", R->rows[ROW_DENSITY].data, nr, err));
    ADD(npz_add_f64(w, "rows_kappa_value", R->rows[ROW_KAPPA].data, nr, err));
    ADD(npz_add_i8(w, "rows_environment_class", R->rows[ROW_ENV].data, nr, err));
    ADD(npz_add_f64(w, "rows_spacecraft_potential_sigma", R->rows[ROW_USC_SIGMA].data, nr, err));
    ADD(npz_add_f64(w, "rows_projected_potential_sigma", R->rows[ROW_USURF_SIGMA].data, nr, err));
    /* issue #15: numeric time and status of every row */
    ADD(npz_add_f64(w, "rows_et", R->rows[ROW_ET].data, nr, err));
    ADD(npz_add_datetime64_ms(w, "rows_datetime", R->rows[ROW_DATETIME].data, nr, err));
    ADD(npz_add_i8(w, "rows_status", R->rows[ROW_STATUS].data, nr, err));
    if (ctx->lc.emit_u_width_qc) {
        ADD(npz_add_f64(w, "rows_u_width_lhs_dchi2red_0p001", R->rows[ROW_UWIDTH].data, nr, err));
        ADD(npz_add_bool(w, "rows_u_is_identifiable_lhs_dchi2red_0p001", R->rows[ROW_UIDENT].data,
                         nr, err));
    }
fail:
    return st;
}

static lp_status add_spectra(npz_writer *w, const batch_context *ctx, lp_error *err)
{
    const batch_results *R = &ctx->res;
    size_t ns = results_n_spec(R);
    void *col[SPEC_NCOLS] = {0};
    lp_status st = LP_OK;
    size_t *idx = results_spectrum_order(R);
    if (!idx)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory sorting spectra");
    for (int c = 0; c < SPEC_NCOLS; c++)
        if (!(col[c] = column_gather(&R->spec[c], idx, ns))) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory sorting spectra");
            goto fail;
        }
    ADD(npz_add_i64(w, "spec_spec_no", col[SPEC_SPEC_NO], ns, err));
    ADD(npz_add_str(w, "spec_time_start", col[SPEC_TIME_START], ER_TEXT_WIDTH, ns, 64, err));
    ADD(npz_add_str(w, "spec_time_end", col[SPEC_TIME_END], ER_TEXT_WIDTH, ns, 64, err));
    ADD(npz_add_bool(w, "spec_has_fit", col[SPEC_HAS_FIT], ns, err));
    ADD(npz_add_i64(w, "spec_row_count", col[SPEC_ROW_COUNT], ns, err));
    ADD(npz_add_f64(w, "spec_u_surface", col[SPEC_USURF], ns, err));
    ADD(npz_add_f64(w, "spec_bs_over_bm", col[SPEC_R], ns, err));
    ADD(npz_add_f64(w, "spec_fit_chi2", col[SPEC_CHI2], ns, err));
    ADD(npz_add_f64(w, "spec_electron_temperature", col[SPEC_TE], ns, err));
    ADD(npz_add_f64(w, "spec_electron_density", col[SPEC_DENSITY], ns, err));
    ADD(npz_add_i8(w, "spec_environment_class", col[SPEC_ENV], ns, err));
    ADD(npz_add_f64(w, "spec_spacecraft_potential", col[SPEC_USC], ns, err));
    ADD(npz_add_f64(w, "spec_spacecraft_potential_sigma", col[SPEC_USC_SIGMA], ns, err));
    ADD(npz_add_f64(w, "spec_u_surface_sigma", col[SPEC_USURF_SIGMA], ns, err));
    /* issue #15: status codes */
    ADD(npz_add_i8(w, "spec_status", col[SPEC_STATUS], ns, err));
    ADD(npz_add_i8(w, "spec_fit_flags", col[SPEC_FIT_FLAGS], ns, err));
    ADD(npz_add_i8(w, "spec_spacecraft_potential_method", col[SPEC_USC_METHOD], ns, err));
    if (ctx->lc.emit_u_width_qc) {
        ADD(npz_add_f64(w, "spec_u_width_lhs_dchi2red_0p001", col[SPEC_UWIDTH], ns, err));
        ADD(npz_add_bool(w, "spec_u_is_identifiable_lhs_dchi2red_0p001", col[SPEC_UIDENT], ns,
                         err));
        ADD(npz_add_scalar_f64(w, "u_width_lhs_delta_reduced", ctx->lc.u_width_dchi2, err));
        ADD(npz_add_scalar_f64(w, "u_width_lhs_identifiable_max_v",
                               ctx->lc.u_width_identifiable_max_v, err));
    }
fail:
    for (int c = 0; c < SPEC_NCOLS; c++)
        free(col[c]);
    free(idx);
    return st;
}

static const char *dtype_name(fit_dtype d)
{
    switch (d) {
    case DTYPE_FP16: return "fp16";
    case DTYPE_FP32: return "fp32";
    case DTYPE_FP64: return "fp64";
    default: return "auto";
    }
}

/* issue #15: meta_status_names[code] and meta_fit_flag_names[bit]. */
static lp_status add_status_names(npz_writer *w, lp_error *err)
{
    char *status[SWEEP_STATUS_COUNT], *flags[FIT_FLAG_COUNT];
    for (int i = 0; i < SWEEP_STATUS_COUNT; i++)
        status[i] = (char *)sweep_status_name(i);
    for (int i = 0; i < FIT_FLAG_COUNT; i++)
        flags[i] = (char *)fit_flag_name(i);
    lp_status st = add_string_list(w, "meta_status_names", status, SWEEP_STATUS_COUNT, err);
    if (st == LP_OK)
        st = add_string_list(w, "meta_fit_flag_names", flags, FIT_FLAG_COUNT, err);
    return st;
}

static lp_status add_meta(npz_writer *w, const batch_context *ctx, lp_error *err)
{
    const batch_options *o = ctx->opt;
    const batch_counts *c = &ctx->counts;
    lp_status st = LP_OK;
    ADD(npz_add_scalar_str(w, "meta_version", LPMAP_VERSION, err));
    ADD(npz_add_scalar_str(w, "meta_command_line", o->command_line ? o->command_line : "", err));
    ADD(npz_add_scalar_str(w, "meta_physics",
                           o->physics == PHYSICS_REFERENCE ? "reference" : PHYSICS_DEFAULT_NAME,
                           err));
    ADD(npz_add_scalar_str(w, "meta_fit_method",
                           o->method == FIT_METHOD_LILLIS ? "lillis" : "halekas", err));
    ADD(npz_add_scalar_str(w, "meta_normalization",
                           o->normalization == NORM_RATIO2 ? "ratio2" : "ratio", err));
    ADD(npz_add_scalar_str(w, "meta_incident_stat", o->incident == INCIDENT_MAX ? "max" : "mean",
                           err));
    ADD(npz_add_scalar_i64(w, "meta_seed", (int64_t)o->seed, err));
    ADD(npz_add_scalar_str(w, "meta_device", fit_backend_name(ctx->backend), err));
    ADD(npz_add_scalar_str(w, "meta_dtype", fit_backend_dtype(ctx->backend), err));
    ADD(npz_add_scalar_str(w, "meta_dtype_requested", dtype_name(o->dtype), err));
    ADD(npz_add_scalar_i64(w, "meta_fast_requested", o->fast, err));
    const losscone_settings *lc = &ctx->lc;
    double bounds[6] = {lc->u_min, lc->u_max, lc->r_min, lc->r_max, lc->a_min, lc->a_max};
    ADD(npz_add_f64(w, "meta_bounds_u_r_a", bounds, 6, err));
    double de[7] = {
        lc->lhs_samples, lc->population, lc->max_generations, lc->min_generations, lc->mutation,
        lc->crossover,   lc->atol};
    ADD(npz_add_f64(w, "meta_optimizer_lhs_pop_maxgen_mingen_f_cr_atol", de, 7, err));
    ADD(npz_add_scalar_i64(w, "meta_polish_starts", lc->polish ? 1 + lc->polish_starts : 0, err));
    const kappa_settings *ks = &ctx->ks;
    double kb[4] = {ks->kappa_min, ks->kappa_max, ks->log10_theta_min, ks->log10_theta_max};
    ADD(npz_add_f64(w, "meta_kappa_bounds_kappa_log10theta", kb, 4, err));
    double kde[6] = {ks->population, ks->max_generations, ks->mutation, ks->crossover,
                     ks->atol,       ks->chi2_good_max};
    ADD(npz_add_f64(w, "meta_kappa_optimizer_pop_maxgen_f_cr_atol_chi2max", kde, 6, err));
    ADD(npz_add_scalar_f64(w, "meta_beam_amp_fixed",
                           o->beam_amp_fixed_set ? o->beam_amp_fixed : NAN, err));
    ADD(npz_add_scalar_f64(w, "meta_u_spacecraft_fixed",
                           o->u_spacecraft_set ? o->u_spacecraft : NAN, err));
    ADD(npz_add_scalar_f64(w, "meta_usc_reject_phi",
                           o->physics == PHYSICS_REFERENCE ? NAN : o->usc_reject_phi, err));
    ADD(npz_add_scalar_str(w, "meta_usc_core_prior",
                           o->physics == PHYSICS_REFERENCE ? "none"
                           : o->usc_core_prior_off         ? "off"
                                                           : "on",
                           err));
    {
        size_t n = ctx->files.n;
        char **names = malloc((n ? n : 1) * sizeof *names);
        int64_t *sizes = malloc((n ? n : 1) * sizeof *sizes);
        if (!names || !sizes) {
            free(names);
            free(sizes);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            names[i] = ctx->files.files[i].path;
            sizes[i] = ctx->files.files[i].size_bytes;
        }
        st = add_string_list(w, "meta_input_files", names, n, err);
        if (st == LP_OK)
            st = npz_add_i64(w, "meta_input_sizes", sizes, n, err);
        free(names);
        free(sizes);
        if (st != LP_OK)
            return st;
    }
    ADD(npz_add_scalar_str(w, "meta_kernels_dir", ctx->kernels_dir, err));
    ADD(add_string_list(w, "meta_kernels", ctx->kernel_files, ctx->n_kernel_files, err));
    ADD(add_string_list(w, "meta_problem_files", ctx->problem_files, ctx->n_problem_files, err));
    ADD(npz_add_scalar_i64(w, "meta_files_read", (int64_t)c->files_read, err));
    ADD(npz_add_scalar_i64(w, "meta_files_failed", (int64_t)c->files_failed, err));
    ADD(npz_add_scalar_i64(w, "meta_lines_read", (int64_t)c->lines_read, err));
    ADD(npz_add_scalar_i64(w, "meta_rows_read", (int64_t)c->rows_kept, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_total", (int64_t)c->sweeps_total, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_fitted", (int64_t)c->sweeps_fitted, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_not_fitted", (int64_t)c->sweeps_not_fitted, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_invalid_fit", (int64_t)c->sweeps_invalid, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_dropped_bad_format", (int64_t)c->sweeps_bad_format,
                           err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_dropped_bad_field", (int64_t)c->sweeps_bad_field, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_dropped_bad_time", (int64_t)c->sweeps_bad_time, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_without_u_sc",
                           (int64_t)(c->sweeps_total - c->sweeps_usc_ok), err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_u_sc_bad_kappa_fit", (int64_t)c->sweeps_usc_bad_kappa,
                           err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_u_sc_no_root", (int64_t)c->sweeps_usc_no_root, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_u_sc_no_geometry", (int64_t)c->sweeps_usc_no_geometry,
                           err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_truncated_to_15_rows", (int64_t)c->sweeps_truncated,
                           err));
    ADD(npz_add_scalar_i64(w, "meta_rows_without_geometry", (int64_t)c->rows_no_geometry, err));
    ADD(npz_add_scalar_i64(w, "meta_sweeps_dropped_duplicate", (int64_t)c->sweeps_duplicate, err));
    ADD(npz_add_scalar_i64(w, "meta_files_misdated", (int64_t)c->files_misdated, err));
    ADD(npz_add_scalar_str(w, "meta_fingerprint", ctx->fingerprint, err));
    ADD(npz_add_scalar_str(w, "meta_fingerprint_text",
                           ctx->fingerprint_text ? ctx->fingerprint_text : "", err));
    for (int k = 0; k < STAGE_COUNT; k++) {
        char key[80];
        snprintf(key, sizeof key, "meta_seconds_%s", batch_stage_name((batch_stage)k));
        ADD(npz_add_scalar_f64(w, key, ctx->stage_s[k], err));
    }
    ADD(add_status_names(w, err));
    ADD(npz_add_scalar_f64(w, "meta_seconds_total", progress_now() - ctx->wall_start, err));
fail:
    return st;
}

lp_status output_write_npz(batch_context *ctx, const char *path, lp_error *err)
{
    double t0 = progress_now();
    npz_writer *w = NULL;
    lp_status st = npz_writer_open(path, 1, &w, err);
    if (st != LP_OK)
        return st;
    if ((st = add_rows(w, ctx, err)) != LP_OK || (st = add_spectra(w, ctx, err)) != LP_OK)
        goto fail;
    ctx->stage_s[STAGE_OUTPUT] += progress_now() - t0;
    if ((st = add_meta(w, ctx, err)) != LP_OK)
        goto fail;
    if (cancel_requested()) {
        st = lp_error_set(err, LP_ERR_CANCELLED, "interrupted; no output written");
        goto fail;
    }
    st = npz_writer_commit(w, err);
    ctx->stage_s[STAGE_OUTPUT] += 0.0;
    return st;
fail:
    npz_writer_abort(w);
    return st;
}
