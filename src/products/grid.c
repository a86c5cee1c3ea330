/* Binning batch rows into a latitude/longitude grid with exact per-cell
 * statistics in memory bounded by the grid (see grid.h). */
#include "products/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "products/stats.h"

const char *const grid_quantity_names[GRID_NQ] = {"u_surface", "u_sc", "t_e"};

int grid_res_check(double res, size_t *nlat, lp_error *err)
{
    if (!(res >= GRID_RES_MIN && res <= GRID_RES_MAX)) {
        lp_error_set(err, LP_ERR_USAGE, "resolution %g deg is outside %g to %g", res, GRID_RES_MIN,
                     GRID_RES_MAX);
        return -1;
    }
    double k = 180.0 / res, kr = round(k);
    if (fabs(k - kr) > 1e-9 * kr) {
        lp_error_set(err, LP_ERR_USAGE, "resolution %g deg does not divide 180 (180/%g = %g)", res,
                     res, k);
        return -1;
    }
    *nlat = (size_t)kr;
    return 0;
}

size_t grid_cell_index(double lat, double lon, double res, size_t nlat, size_t nlon)
{
    double fi = floor((lat + 90.0) / res);
    long i = fi < 0 ? 0 : fi >= (double)nlat ? (long)nlat - 1 : (long)fi;
    long j = (long)fmod(floor((lon + 180.0) / res), (double)nlon);
    if (j < 0)
        j += (long)nlon;
    return (size_t)i * nlon + (size_t)j;
}

void grid_result_free(grid_result *g)
{
    free(g->lat);
    free(g->lon);
    free(g->count);
    for (int q = 0; q < GRID_NQ; q++) {
        free(g->q[q].mean);
        free(g->q[q].median);
        free(g->q[q].p05);
        free(g->q[q].p95);
        free(g->q[q].n);
    }
    free(g->u_wmean);
    free(g->u_wmean_sigma);
    memset(g, 0, sizeof *g);
}

static const double *row_quantity(const products_rows *r, int q)
{
    return q == GRID_Q_USURF ? r->u_surface : q == GRID_Q_USC ? r->u_sc : r->t_e;
}

static lp_status grid_alloc(grid_result *g, lp_error *err)
{
    size_t nc = g->nlat * g->nlon;
    int ok = (g->lat = malloc(g->nlat * sizeof *g->lat)) &&
             (g->lon = malloc(g->nlon * sizeof *g->lon)) &&
             (g->count = calloc(nc, sizeof *g->count)) &&
             (g->u_wmean = calloc(nc, sizeof *g->u_wmean)) &&
             (g->u_wmean_sigma = calloc(nc, sizeof *g->u_wmean_sigma));
    for (int q = 0; q < GRID_NQ && ok; q++)
        ok = (g->q[q].mean = malloc(nc * sizeof(double))) &&
             (g->q[q].median = malloc(nc * sizeof(double))) &&
             (g->q[q].p05 = malloc(nc * sizeof(double))) &&
             (g->q[q].p95 = malloc(nc * sizeof(double))) &&
             (g->q[q].n = calloc(nc, sizeof(int64_t)));
    if (!ok)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory for a %zu x %zu grid", g->nlat,
                            g->nlon);
    for (size_t i = 0; i < g->nlat; i++)
        g->lat[i] = -90.0 + ((double)i + 0.5) * g->res;
    for (size_t j = 0; j < g->nlon; j++)
        g->lon[j] = -180.0 + ((double)j + 0.5) * g->res;
    return LP_OK;
}

/* Pass 1: counts per cell and quantity, weighted sums (u_wmean holds sum w,
 * u_wmean_sigma sum w*x until the end). */
static void grid_count_rows(grid_result *g, const products_rows *r, const products_filter *f)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!products_row_selected(r, i, f))
            continue;
        size_t c = grid_cell_index(r->lat[i], r->lon[i], g->res, g->nlat, g->nlon);
        g->count[c]++;
        g->n_rows_used++;
        for (int q = 0; q < GRID_NQ; q++)
            if (isfinite(row_quantity(r, q)[i]))
                g->q[q].n[c]++;
        if (r->u_sigma) {
            double s = r->u_sigma[i];
            if (isfinite(s) && s > 0) {
                double w = 1.0 / (s * s);
                g->u_wmean[c] += w;
                g->u_wmean_sigma[c] += w * r->u_surface[i];
            }
        }
    }
}

/* One band of latitude rows [i0, i1): gather every value of its cells from
 * every input, then sort each cell's values and compute its statistics. */
static lp_status grid_do_band(grid_result *g, const char *const *inputs, size_t n_inputs,
                              const products_filter *f, size_t i0, size_t i1, lp_error *err)
{
    size_t c0 = i0 * g->nlon, c1 = i1 * g->nlon, nc = c1 - c0;
    size_t *off[GRID_NQ] = {0}, *fill[GRID_NQ] = {0};
    double *vals[GRID_NQ] = {0};
    lp_status st = LP_OK;
    for (int q = 0; q < GRID_NQ; q++) {
        off[q] = malloc((nc + 1) * sizeof(size_t));
        fill[q] = malloc(nc * sizeof(size_t));
        if (!off[q] || !fill[q]) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory for a grid band");
            goto done;
        }
        off[q][0] = 0;
        for (size_t c = 0; c < nc; c++)
            off[q][c + 1] = off[q][c] + (size_t)g->q[q].n[c0 + c];
        memcpy(fill[q], off[q], nc * sizeof(size_t));
        vals[q] = malloc((off[q][nc] ? off[q][nc] : 1) * sizeof(double));
        if (!vals[q]) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory for a grid band (%zu values)",
                              off[q][nc]);
            goto done;
        }
    }
    for (size_t k = 0; k < n_inputs; k++) {
        products_rows r;
        if ((st = products_rows_load(inputs[k], &r, err)) != LP_OK)
            goto done;
        for (size_t i = 0; i < r.n; i++) {
            if (!products_row_selected(&r, i, f))
                continue;
            size_t c = grid_cell_index(r.lat[i], r.lon[i], g->res, g->nlat, g->nlon);
            if (c < c0 || c >= c1)
                continue;
            for (int q = 0; q < GRID_NQ; q++) {
                double x = row_quantity(&r, q)[i];
                if (!isfinite(x))
                    continue;
                if (fill[q][c - c0] >= off[q][c - c0 + 1]) {
                    /* The input changed between the passes. */
                    products_rows_free(&r);
                    st = lp_error_set(err, LP_ERR_IO, "%s changed while it was being read",
                                      inputs[k]);
                    goto done;
                }
                vals[q][fill[q][c - c0]++] = x;
            }
        }
        products_rows_free(&r);
    }
    for (int q = 0; q < GRID_NQ; q++)
        for (size_t c = 0; c < nc; c++) {
            products_stats s;
            products_stats_compute(vals[q] + off[q][c], off[q][c + 1] - off[q][c], &s);
            g->q[q].mean[c0 + c] = s.mean;
            g->q[q].median[c0 + c] = s.median;
            g->q[q].p05[c0 + c] = s.p05;
            g->q[q].p95[c0 + c] = s.p95;
        }
done:
    for (int q = 0; q < GRID_NQ; q++) {
        free(off[q]);
        free(fill[q]);
        free(vals[q]);
    }
    return st;
}

lp_status grid_build(const char *const *inputs, size_t n_inputs, double res,
                     const products_filter *filter, size_t band_values, grid_result *g,
                     lp_error *err)
{
    memset(g, 0, sizeof *g);
    if (grid_res_check(res, &g->nlat, err))
        return LP_ERR_USAGE;
    g->res = res;
    g->nlon = 2 * g->nlat;
    g->n_inputs = n_inputs;
    const char *env = getenv("LPMAP_GRID_BAND_VALUES");
    if (env && *env)
        band_values = (size_t)strtoull(env, NULL, 10);
    if (band_values == 0)
        band_values = GRID_BAND_VALUES_DEFAULT;
    lp_status st = grid_alloc(g, err);
    for (size_t k = 0; k < n_inputs && st == LP_OK; k++) {
        products_rows r;
        if ((st = products_rows_load(inputs[k], &r, err)) != LP_OK)
            break;
        if (r.u_sigma)
            g->has_sigma = 1;
        g->n_rows_total += r.n;
        grid_count_rows(g, &r, filter);
        products_rows_free(&r);
        log_debug("grid: %s: %zu rows", inputs[k], g->n_rows_total);
    }
    if (st == LP_OK && g->n_rows_used == 0)
        st = lp_error_set(err, LP_ERR_RANGE,
                          "no row to grid: no finite U_surface with a footpoint%s in %zu input%s",
                          filter->where != PRODUCTS_WHERE_ALL || !filter->any_class
                              ? " passing the selection"
                              : "",
                          n_inputs, n_inputs == 1 ? "" : "s");
    /* Bands of whole latitude rows, each holding at most band_values values
     * (a single row above the limit is a band of its own). */
    size_t i0 = 0;
    while (st == LP_OK && i0 < g->nlat) {
        size_t i1 = i0, in_band = 0;
        while (i1 < g->nlat) {
            size_t row_vals = 0;
            for (size_t j = 0; j < g->nlon; j++)
                for (int q = 0; q < GRID_NQ; q++)
                    row_vals += (size_t)g->q[q].n[i1 * g->nlon + j];
            if (i1 > i0 && in_band + row_vals > band_values)
                break;
            in_band += row_vals;
            i1++;
        }
        if (in_band > 0) {
            st = grid_do_band(g, inputs, n_inputs, filter, i0, i1, err);
            g->n_bands++;
        } else {
            for (int q = 0; q < GRID_NQ; q++)
                for (size_t c = i0 * g->nlon; c < i1 * g->nlon; c++)
                    g->q[q].mean[c] = g->q[q].median[c] = g->q[q].p05[c] = g->q[q].p95[c] = NAN;
        }
        i0 = i1;
    }
    if (st == LP_OK) {
        size_t nc = g->nlat * g->nlon;
        for (size_t c = 0; c < nc; c++) {
            double sw = g->u_wmean[c], swx = g->u_wmean_sigma[c];
            products_wmean_finish(sw, swx, &g->u_wmean[c], &g->u_wmean_sigma[c]);
        }
        log_debug("grid: %zu of %zu rows in %zu band%s", g->n_rows_used, g->n_rows_total,
                  g->n_bands, g->n_bands == 1 ? "" : "s");
    }
    if (st != LP_OK)
        grid_result_free(g);
    return st;
}
