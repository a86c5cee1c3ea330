/* Batch stage "prepare", first half: the pitch angles of every row a fit
 * uses, computed once per day (docs/physics.md §2). The U_sc stage and the
 * loss-cone preparation both need them; computing them once saves ~8 % of a
 * day's instructions (docs/performance.md "Pitch angles once per day").
 * Stored with the default field direction b = -B/|B|; a row whose
 * footpoint polarity is -1 has the same direction bit for bit (pitch.h:
 * -1.0/|B| either way), +1 is recomputed, 0 has no direction (NaN). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "physics/pitch.h"
#include "pipeline/stages.h"

lp_status pitch_stage_run(batch_context *ctx, day_work *d, lp_error *err)
{
    double t0 = progress_now();
    const er_table *t = &d->table;
    size_t n = t->n_rows;
    if (n > d->cap_pitch) {
        double(*p)[LP_N_CHANNELS] = realloc(d->pitch, n * sizeof *p);
        if (!p)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory for %zu rows of pitch angles", n);
        d->pitch = p;
        d->cap_pitch = n;
    }
    size_t ns = d->sweeps.n_sweeps;
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < ns; k++) {
        size_t s0 = d->sweeps.start[k];
        int rows = d->sweeps.n_rows[k];
        int nf = rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows;
        for (int i = 0; i < nf; i++)
            pitch_row(&ctx->inst, t->mag[s0 + i], PITCH_POLARITY_DEFAULT, t->phi[s0 + i],
                      d->pitch[s0 + i]);
    }
    ctx->stage_s[STAGE_PREPARE] += progress_now() - t0;
    return LP_OK;
}

void pitch_stage_row(const batch_context *ctx, const day_work *d, size_t row, int pol,
                     double out[LP_N_CHANNELS])
{
    if (pol == PITCH_POLARITY_DEFAULT || pol == -1)
        memcpy(out, d->pitch[row], sizeof d->pitch[row]);
    else
        pitch_row(&ctx->inst, d->table.mag[row], pol, d->table.phi[row], out);
}
