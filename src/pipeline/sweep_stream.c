/* The random stream of a batch sweep (docs/decisions.md "Sweep streams").
 * The loss-cone fit and the reference kappa fit draw from a counter-based
 * stream keyed by (run seed, stream id). --physics reference keeps the
 * original's id, the running index of the sweep in the run; the default
 * physics keys it by the sweep itself (the time of its first row to the
 * ms), so a sweep gets the same fit whichever other
 * days or files are in the run (a --start/--end range, a re-run of one
 * day). */
#include "io/er_tab.h"
#include "pipeline/stages.h"

uint64_t sweep_stream_id(const batch_context *ctx, const day_work *d, size_t sweep)
{
    if (ctx->opt->physics == PHYSICS_REFERENCE)
        return ctx->sweep_counter + sweep;
    return er_sweep_stream(d->table.time_unix[d->sweeps.start[sweep]], ctx->sweep_counter + sweep);
}
