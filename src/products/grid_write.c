/* grid.npz and the atomic publication of grid.npz + grid.nc (see
 * grid_write.h). */
#include "products/grid_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/npz.h"

#define TRY(call)                                                                                  \
    do {                                                                                           \
        if ((st = (call)) != LP_OK)                                                                \
            goto fail;                                                                             \
    } while (0)

static lp_status grid_npz_fill(npz_writer *w, const grid_result *g, const grid_meta *m,
                               lp_error *err)
{
    lp_status st = LP_OK;
    size_t shape[2] = {g->nlat, g->nlon};
    static const char *const ssuffix[4] = {"mean", "median", "p05", "p95"};
    TRY(npz_add_f64(w, "lat", g->lat, g->nlat, err));
    TRY(npz_add_f64(w, "lon", g->lon, g->nlon, err));
    TRY(npz_writer_add_shape(w, "count", NPZ_INT64, 2, shape, g->count, 0, 0, err));
    for (int q = 0; q < GRID_NQ; q++)
        for (int s = 0; s < 4; s++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", grid_quantity_names[q], ssuffix[s]);
            const grid_quantity *gq = &g->q[q];
            const double *v = s == 0 ? gq->mean : s == 1 ? gq->median : s == 2 ? gq->p05 : gq->p95;
            TRY(npz_writer_add_shape(w, name, NPZ_FLOAT64, 2, shape, v, 0, 0, err));
        }
    if (g->has_sigma) {
        TRY(npz_writer_add_shape(w, "u_surface_wmean", NPZ_FLOAT64, 2, shape, g->u_wmean, 0, 0,
                                 err));
        TRY(npz_writer_add_shape(w, "u_surface_wmean_sigma", NPZ_FLOAT64, 2, shape,
                                 g->u_wmean_sigma, 0, 0, err));
    }
    TRY(npz_add_scalar_f64(w, "meta_resolution_deg", g->res, err));
    TRY(npz_add_scalar_str(w, "meta_lpmap_version", LPMAP_VERSION, err));
    TRY(npz_add_scalar_str(w, "meta_selection", m->selection ? m->selection : "", err));
    TRY(npz_add_scalar_str(w, "meta_command_line", m->command_line ? m->command_line : "", err));
    TRY(npz_add_scalar_i64(w, "meta_rows_used", (int64_t)g->n_rows_used, err));
    {
        size_t stride = 1;
        for (size_t k = 0; k < m->n_inputs; k++)
            if (strlen(m->inputs[k]) + 1 > stride)
                stride = strlen(m->inputs[k]) + 1;
        char *buf = calloc(m->n_inputs ? m->n_inputs : 1, stride);
        if (!buf)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        for (size_t k = 0; k < m->n_inputs; k++)
            memcpy(buf + k * stride, m->inputs[k], strlen(m->inputs[k]));
        st = npz_add_str(w, "meta_inputs", buf, stride, m->n_inputs, (int)stride, err);
        free(buf);
    }
fail:
    return st;
}

lp_status grid_write(const grid_result *g, const grid_meta *m, const char *dir, int overwrite,
                     lp_error *err)
{
    char npz_path[4096], nc_path[4096], nc_tmp[4200];
    if (snprintf(npz_path, sizeof npz_path, "%s/grid.npz", dir) >= (int)sizeof npz_path ||
        snprintf(nc_path, sizeof nc_path, "%s/grid.nc", dir) >= (int)sizeof nc_path)
        return lp_error_set(err, LP_ERR_USAGE, "output folder path too long");
    snprintf(nc_tmp, sizeof nc_tmp, "%s/.grid.nc.%ld.part", dir, (long)getpid());
    int with_nc = grid_netcdf_available();
    struct stat sb;
    if (!overwrite) {
        if (stat(npz_path, &sb) == 0)
            return lp_error_set(err, LP_ERR_IO, "%s exists (use --overwrite to replace it)",
                                npz_path);
        if (with_nc && stat(nc_path, &sb) == 0)
            return lp_error_set(err, LP_ERR_IO, "%s exists (use --overwrite to replace it)",
                                nc_path);
    }
    lp_status st;
    if (with_nc && (st = grid_netcdf_write(g, m, nc_tmp, err)) != LP_OK)
        return st;
    npz_writer *w = NULL;
    if ((st = npz_writer_open(npz_path, 1, &w, err)) != LP_OK)
        goto fail;
    if ((st = grid_npz_fill(w, g, m, err)) != LP_OK) {
        npz_writer_abort(w);
        goto fail;
    }
    if ((st = npz_writer_commit(w, err)) != LP_OK)
        goto fail;
    if (with_nc && rename(nc_tmp, nc_path) != 0) {
        st = lp_error_set(err, LP_ERR_IO, "cannot rename %s to %s: %s", nc_tmp, nc_path,
                          strerror(errno));
        unlink(npz_path); /* both products or neither */
        goto fail;
    }
    return LP_OK;
fail:
    if (with_nc)
        unlink(nc_tmp);
    return st;
}
