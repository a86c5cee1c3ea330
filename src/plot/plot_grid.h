/* What `lpmap plot` draws from a grid.npz written by `lpmap grid`: one
 * per-cell statistic (e.g. u_surface_median) and the per-cell row count.
 * Independent of cairo so it is tested everywhere. */
#ifndef LPMAP_PLOT_PLOT_GRID_H
#define LPMAP_PLOT_PLOT_GRID_H

#include <stddef.h>

#include "core/status.h"

typedef struct {
    size_t nlat, nlon;
    double res;    /* deg (from the cell centres) */
    double *value; /* [nlat * nlon], row 0 = southernmost; NaN where empty */
    double *count; /* rows per cell */
    char key[64];  /* the statistic drawn, e.g. "u_surface_median" */
    char selection[256];
    size_t n_filled;   /* cells with a finite value */
    double rows_total; /* sum of count */
} plot_grid;

/* 1 when the NPZ at path is a grid.npz (has lat, lon, count and
 * u_surface_mean); 0 otherwise, also when it cannot be opened. */
int plot_npz_is_grid(const char *path);

/* Load `key` (a [lat, lon] float64 statistic; NULL: u_surface_median) and
 * count. A missing key or inconsistent shapes give LP_ERR_FORMAT. */
lp_status plot_grid_load(const char *path, const char *key, plot_grid *g, lp_error *err);
void plot_grid_free(plot_grid *g);

#endif
