/* Batch stage "U_sc": spacecraft potential per sweep (docs/physics.md §6)
 * through the run's fit session (scpot_session_estimate*), or the constant of
 * --u-spacecraft (T_e, n, κ then NaN). Illumination of a sweep = that of
 * its first row with geometry; none → unknown (U_sc NaN). */
#include <math.h>
#include <string.h>

#include "physics/pitch.h"
#include "pipeline/stages.h"

/* Channels of row `row` that see the ambient plasma: pitch < 90° with the
 * footpoint's field direction (the loss cone and reflected electrons lie
 * beyond 90°); every channel when the field line has no footpoint (no loss
 * cone); the default direction where the row has no geometry. */
static void scpot_ambient_row(const batch_context *ctx, const day_work *d, size_t row,
                              unsigned char ambient[LP_N_CHANNELS])
{
    int pol = d->geo[row].ok ? d->geo[row].polarity : PITCH_POLARITY_DEFAULT;
    if (pol == 0) {
        memset(ambient, 1, LP_N_CHANNELS);
        return;
    }
    double pitch[LP_N_CHANNELS];
    pitch_stage_row(ctx, d, row, pol, pitch);
    for (int c = 0; c < LP_N_CHANNELS; c++)
        ambient[c] = pitch[c] < 90.0;
}

lp_status scpot_stage_run(batch_context *ctx, day_work *d, size_t first, size_t n, lp_error *err)
{
    const batch_options *o = ctx->opt;
    const er_table *t = &d->table;
    double t0 = progress_now();
    if (o->u_spacecraft_set) {
        for (size_t k = 0; k < n; k++)
            d->usc[k] = (scpot_result){o->u_spacecraft,   NAN, NAN, NAN, SCPOT_OK, NAN, 0, NAN,
                                       USC_CANDIDATE_NONE};
        ctx->stage_s[STAGE_SCPOT] += progress_now() - t0;
        return LP_OK;
    }
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t k = 0; k < n; k++) {
        scpot_sweep *p = &d->scp[k];
        size_t s0 = d->sweeps.start[first + k];
        int rows = d->sweeps.n_rows[first + k];
        int nf = rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows;
        p->sweep_id = sweep_stream_id(ctx, d, first + k);
        p->n_rows = nf;
        p->sunlit = -1;
        for (int i = 0; i < rows; i++)
            if (d->geo[s0 + i].ok) {
                p->sunlit = d->geo[s0 + i].sc_sunlit;
                break;
            }
        for (int i = 0; i < LP_N_ENERGIES; i++) {
            if (i < nf) {
                p->energy[i] = t->energy[s0 + i];
                memcpy(p->flux[i], t->flux[s0 + i], sizeof p->flux[i]);
                memcpy(p->pitch_deg[i], d->pitch[s0 + i], sizeof p->pitch_deg[i]);
                if (o->physics == PHYSICS_CONSISTENT)
                    scpot_ambient_row(ctx, d, s0 + i, p->ambient[i]);
            } else {
                p->energy[i] = NAN;
                for (int c = 0; c < LP_N_CHANNELS; c++)
                    p->flux[i][c] = p->pitch_deg[i][c] = NAN;
            }
        }
    }
    lp_status st =
        o->physics == PHYSICS_REFERENCE
            ? scpot_session_estimate(ctx->session, &ctx->inst, d->scp, n, d->usc, err)
            : scpot_session_estimate_consistent(ctx->session, &ctx->inst, d->scp, n, d->usc, err);
    ctx->stage_s[STAGE_SCPOT] += progress_now() - t0;
    return st;
}
