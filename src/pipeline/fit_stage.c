/* Batch stages "prepare" and "fit": pitch angles with the rows' footpoint
 * polarity (docs/physics.md §2; default b = -B/|B| where a row has no
 * geometry), normalization (§3), then the loss-cone fits (§4) on the
 * run's fit session (fit/session.h). */
#include <math.h>
#include <stdlib.h>

#include "fit/losscone_sigma.h"
#include "physics/pitch.h"
#include "pipeline/stages.h"

/* Pitch angles (footpoint polarity) and the loss-cone layout of sweep
 * first + k at spacecraft potential u_sc. */
static void fit_stage_prepare(batch_context *ctx, day_work *d, size_t first, size_t k, double u_sc,
                              losscone_sweep *out)
{
    const batch_options *o = ctx->opt;
    const er_table *t = &d->table;
    size_t s0 = d->sweeps.start[first + k];
    int rows = d->sweeps.n_rows[first + k];
    int nf = rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows;
    double pitch[LP_N_ENERGIES][LP_N_CHANNELS];
    for (int i = 0; i < nf; i++)
        pitch_stage_row(ctx, d, s0 + i,
                        d->geo[s0 + i].ok ? d->geo[s0 + i].polarity : PITCH_POLARITY_DEFAULT,
                        pitch[i]);
    losscone_prepare_sweep_pitched(&ctx->inst, o->normalization, o->incident, nf, &t->energy[s0],
                                   (const double(*)[LP_N_CHANNELS])pitch,
                                   (const double(*)[LP_N_CHANNELS]) & t->flux[s0], u_sc,
                                   sweep_stream_id(ctx, d, first + k), out);
}

static int fit_stage_has_footpoint(const day_work *d, size_t sweep)
{
    size_t s0 = d->sweeps.start[sweep];
    for (int i = 0; i < d->sweeps.n_rows[sweep]; i++)
        if (d->geo[s0 + i].ok && d->geo[s0 + i].polarity != 0)
            return 1;
    return 0;
}

/* Shadowed sweeps with two self-consistent U_sc (scpot_result.alt,
 * docs/physics-modes.md "Two charging branches") and a footpoint: the loss
 * cone is fitted at the positive one too and the fit with the lower chi2
 * keeps its U_sc (both see the same bins: U_sc masks only rows below it).
 * Without a footpoint nothing chooses: U_sc stays the negative one, its
 * sigma spanning both. */
static lp_status fit_stage_choose(batch_context *ctx, day_work *d, size_t first, size_t n,
                                  lp_error *err)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), m = 0;
    if (!idx)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory (%zu sweeps)", n);
    for (size_t k = 0; k < n; k++)
        if (isfinite(d->usc[k].alt.u_sc) && fit_stage_has_footpoint(d, first + k))
            idx[m++] = k;
    if (m == 0) {
        free(idx);
        return LP_OK;
    }
    losscone_sweep *ls = malloc(m * sizeof *ls);
    losscone_result *lr = malloc(m * sizeof *lr);
    if (!ls || !lr) {
        free(idx);
        free(ls);
        free(lr);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory (%zu alternative fits)", m);
    }
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t j = 0; j < m; j++)
        fit_stage_prepare(ctx, d, first, idx[j], d->usc[idx[j]].alt.u_sc, &ls[j]);
    lp_status st = fit_session_losscone(ctx->session, ls, m, lr, err);
    for (size_t j = 0; st == LP_OK && j < m; j++) {
        size_t k = idx[j];
        const losscone_result *a = &lr[j], *b = &d->lcr[k];
        int alt_ok = a->status == LC_FITTED && isfinite(a->chi2) && isfinite(a->u_surface);
        int own_ok = b->status == LC_FITTED && isfinite(b->chi2) && isfinite(b->u_surface);
        if (!alt_ok && !own_ok)
            continue; /* no loss cone to choose with: both stay open */
        int take = alt_ok && (!own_ok || a->chi2 < b->chi2);
        scpot_result_choose(&d->usc[k], take);
        if (take) {
            d->lcs[k] = ls[j];
            d->lcr[k] = *a;
        }
    }
    free(idx);
    free(ls);
    free(lr);
    return st;
}

lp_status fit_stage_run(batch_context *ctx, day_work *d, size_t first, size_t n, lp_error *err)
{
    const batch_options *o = ctx->opt;
    double t0 = progress_now();
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < n; k++)
        fit_stage_prepare(ctx, d, first, k, d->usc[k].u_sc, &d->lcs[k]);
    double t1 = progress_now();
    ctx->stage_s[STAGE_PREPARE] += t1 - t0;
    lp_status st = fit_session_losscone(ctx->session, d->lcs, n, d->lcr, err);
    if (st == LP_OK && o->physics == PHYSICS_CONSISTENT)
        st = fit_stage_choose(ctx, d, first, n, err);
    if (st != LP_OK) {
        ctx->stage_s[STAGE_FIT] += progress_now() - t1;
        return st;
    }
    /* consistent physics: the surface potential's sigma, incl. U_sc's, and
     * its estimate, the mean of the profile likelihood (r, A and chi2 stay
     * the best fit's; docs/decisions.md "U_surface: the profile mean") */
    int sig = o->physics == PHYSICS_CONSISTENT;
#pragma omp parallel for schedule(dynamic, 8) if (sig)
    for (size_t k = 0; k < n; k++) {
        double estimate = NAN;
        d->lcr[k].u_sigma =
            sig ? losscone_u_sigma(&ctx->lc, &d->lcs[k], &d->lcr[k], d->usc[k].u_sigma, &estimate)
                : NAN;
        if (isfinite(estimate))
            d->lcr[k].u_surface = estimate;
    }
    ctx->stage_s[STAGE_FIT] += progress_now() - t1;
    return st;
}
