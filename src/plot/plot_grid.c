/* Loading a grid.npz for `lpmap plot` (see plot_grid.h). */
#include "plot/plot_grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz_read.h"

int plot_npz_is_grid(const char *path)
{
    npz_file *f = NULL;
    lp_error err = {0};
    if (npz_read_open(path, &f, &err) != LP_OK)
        return 0;
    int is = npz_read_has(f, "lat") && npz_read_has(f, "lon") && npz_read_has(f, "count") &&
             npz_read_has(f, "u_surface_mean");
    npz_read_close(f);
    return is;
}

void plot_grid_free(plot_grid *g)
{
    free(g->value);
    free(g->count);
    memset(g, 0, sizeof *g);
}

lp_status plot_grid_load(const char *path, const char *key, plot_grid *g, lp_error *err)
{
    memset(g, 0, sizeof *g);
    if (!key)
        key = "u_surface_median";
    snprintf(g->key, sizeof g->key, "%s", key);
    npz_file *f = NULL;
    lp_status st = npz_read_open(path, &f, err);
    if (st != LP_OK)
        return st;
    double *lat = NULL, *lon = NULL;
    size_t nlat = 0, nlon = 0, nv = 0, nc = 0;
    npz_array a = {0};
    if (!npz_read_has(f, key)) {
        st = lp_error_set(err, LP_ERR_FORMAT, "%s has no statistic '%s'", path, key);
        goto done;
    }
    if ((st = npz_read_f64(f, "lat", &lat, &nlat, err)) != LP_OK ||
        (st = npz_read_f64(f, "lon", &lon, &nlon, err)) != LP_OK ||
        (st = npz_read_array(f, key, &a, err)) != LP_OK)
        goto done;
    if (a.ndim != 2 || a.shape[0] != nlat || a.shape[1] != nlon || nlat < 1 || nlon < 1) {
        st = lp_error_set(err, LP_ERR_FORMAT, "%s: %s is not a [%zu, %zu] array", path, key, nlat,
                          nlon);
        goto done;
    }
    npz_array_free(&a);
    if ((st = npz_read_f64(f, key, &g->value, &nv, err)) != LP_OK ||
        (st = npz_read_f64(f, "count", &g->count, &nc, err)) != LP_OK)
        goto done;
    if (nv != nlat * nlon || nc != nlat * nlon) {
        st = lp_error_set(err, LP_ERR_FORMAT, "%s: count or %s has the wrong size", path, key);
        goto done;
    }
    g->nlat = nlat;
    g->nlon = nlon;
    g->res = 180.0 / (double)nlat;
    for (size_t i = 0; i < nv; i++) {
        g->n_filled += isfinite(g->value[i]);
        g->rows_total += g->count[i];
    }
    if (npz_read_has(f, "meta_selection")) {
        npz_array s = {0};
        if (npz_read_array(f, "meta_selection", &s, err) == LP_OK && s.dtype == NPZ_UNICODE &&
            s.n == 1)
            snprintf(g->selection, sizeof g->selection, "%s", (const char *)s.data);
        npz_array_free(&s);
        lp_error_clear(err);
    }
done:
    npz_array_free(&a);
    free(lat);
    free(lon);
    npz_read_close(f);
    if (st != LP_OK)
        plot_grid_free(g);
    return st;
}
