/* Batch stages "prepare" and "fit": pitch angles with the rows' footpoint
 * polarity (docs/physics.md §2; default b = -B/|B| where a row has no
 * geometry), normalization (§3), then the loss-cone fits (§4) on the
 * run's fit session (fit/session.h). */
#include <math.h>

#include "fit/losscone_sigma.h"
#include "physics/pitch.h"
#include "pipeline/stages.h"

lp_status fit_stage_run(batch_context *ctx, day_work *d, size_t first, size_t n, lp_error *err)
{
    const batch_options *o = ctx->opt;
    const er_table *t = &d->table;
    double t0 = progress_now();
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < n; k++) {
        size_t s0 = d->sweeps.start[first + k];
        int rows = d->sweeps.n_rows[first + k];
        int nf = rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows;
        double pitch[LP_N_ENERGIES][LP_N_CHANNELS];
        for (int i = 0; i < nf; i++)
            pitch_stage_row(ctx, d, s0 + i,
                            d->geo[s0 + i].ok ? d->geo[s0 + i].polarity : PITCH_POLARITY_DEFAULT,
                            pitch[i]);
        losscone_prepare_sweep_pitched(
            &ctx->inst, o->normalization, o->incident, nf, &t->energy[s0],
            (const double(*)[LP_N_CHANNELS])pitch, (const double(*)[LP_N_CHANNELS]) & t->flux[s0],
            d->usc[k].u_sc, sweep_stream_id(ctx, d, first + k), &d->lcs[k]);
    }
    double t1 = progress_now();
    ctx->stage_s[STAGE_PREPARE] += t1 - t0;
    lp_status st = fit_session_losscone(ctx->session, d->lcs, n, d->lcr, err);
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
