/* Batch stages "time" and "geometry": UTC → ET (docs/spice.md §2) and the
 * per-row geometry of docs/physics.md §7. A row without coverage gets ok = 0
 * and is counted; that is never fatal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "pipeline/stages.h"

static void geometry_none(row_geometry *g, double et)
{
    memset(g, 0, sizeof *g);
    g->et = et;
    g->sc_lat = g->sc_lon = g->foot_lat = g->foot_lon = NAN;
}

lp_status geometry_stage_run(batch_context *ctx, day_work *d, lp_error *err)
{
    size_t n = d->table.n_rows;
    if (n > d->cap_rows) {
        row_geometry *g = realloc(d->geo, n * sizeof *g);
        if (!g)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory for %zu rows of geometry", n);
        d->geo = g;
        d->cap_rows = n;
    }
    double t0 = progress_now();
    size_t no_time = 0;
    for (size_t r = 0; r < n; r++) {
        lp_error e;
        double et;
        if (spice_utc_to_et(ctx->kernels, d->table.utc[r], &et, &e) != LP_OK) {
            et = NAN;
            no_time++;
        }
        d->geo[r].et = et;
    }
    double t1 = progress_now();
    ctx->stage_s[STAGE_TIME] += t1 - t0;

    size_t no_geo = 0;
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : no_geo)
    for (size_t r = 0; r < n; r++) {
        lp_error e;
        double et = d->geo[r].et;
        if (!isfinite(et) ||
            geometry_row(ctx->kernels, &ctx->attitude, et, d->table.mag[r], &d->geo[r], &e) !=
                LP_OK ||
            !d->geo[r].ok) {
            geometry_none(&d->geo[r], et);
            no_geo++;
        }
    }
    ctx->counts.rows_no_geometry += no_geo;
    if (no_geo) {
        /* Say why once per day: redo the first failing row serially. */
        for (size_t r = 0; r < n; r++) {
            if (d->geo[r].ok)
                continue;
            lp_error e;
            lp_error_clear(&e);
            row_geometry tmp;
            if (!isfinite(d->geo[r].et))
                snprintf(e.message, sizeof e.message, "UTC '%s' did not convert to ET",
                         d->table.utc[r]);
            else
                geometry_row(ctx->kernels, &ctx->attitude, d->geo[r].et, d->table.mag[r], &tmp, &e);
            log_warn("%s: %zu of %zu rows have no geometry (first: %s)", d->name, no_geo, n,
                     e.message);
            if (!ctx->first_no_geometry[0])
                snprintf(ctx->first_no_geometry, sizeof ctx->first_no_geometry, "%.500s",
                         e.message);
            break;
        }
    }
    ctx->stage_s[STAGE_GEOMETRY] += progress_now() - t1;
    return LP_OK;
}
