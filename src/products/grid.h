/* `lpmap grid`: bin the rows of any number of batch NPZ files into a
 * regular latitude/longitude grid and compute per-cell statistics of
 * U_surface, U_sc and T_e (count, mean, median, 5th/95th percentile) plus,
 * when the inputs carry per-row sigmas of U_surface, the inverse-variance
 * weighted mean and its sigma.
 *
 * Memory is bounded by the grid, not by the number of inputs: a first pass
 * counts the rows of every cell (and accumulates the weighted sums); the
 * exact medians and percentiles then need every value of a cell, so cells are
 * processed in bands of latitude rows holding at most `band_values` values,
 * each band re-reading the inputs one file at a time. Peak memory is the grid
 * arrays + one input file's rows + one band. */
#ifndef LPMAP_PRODUCTS_GRID_H
#define LPMAP_PRODUCTS_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "products/rows.h"

#define GRID_RES_MIN 0.1 /* 1800 x 3600 cells */
#define GRID_RES_MAX 180.0

/* One quantity's per-cell statistics (each an nlat*nlon array, C order). */
enum { GRID_Q_USURF, GRID_Q_USC, GRID_Q_TE, GRID_NQ };
typedef struct {
    double *mean, *median, *p05, *p95;
    int64_t *n; /* finite values in the cell (internal; equals count for U_surface) */
} grid_quantity;

typedef struct {
    double res;
    size_t nlat, nlon;
    double *lat, *lon; /* cell centres, deg */
    int64_t *count;    /* selected rows per cell */
    grid_quantity q[GRID_NQ];
    int has_sigma;                   /* some input had per-row U_surface sigmas */
    double *u_wmean, *u_wmean_sigma; /* when has_sigma (rows without a sigma left out) */
    size_t n_inputs, n_rows_total, n_rows_used, n_bands;
} grid_result;

/* Quantity names as they appear in the output keys. */
extern const char *const grid_quantity_names[GRID_NQ];

/* Validate res: within [GRID_RES_MIN, GRID_RES_MAX] and 180/res an integer.
 * Returns 0 and sets *nlat, or -1 with a message in err. */
int grid_res_check(double res, size_t *nlat, lp_error *err);

/* Cell of a footpoint (see docs/grid.md): lat cell floor((lat+90)/res)
 * clamped to [0, nlat), lon cell floor((lon+180)/res) mod nlon. */
size_t grid_cell_index(double lat, double lon, double res, size_t nlat, size_t nlon);

/* Build the grid from n_inputs NPZ paths. band_values 0 = default
 * (GRID_BAND_VALUES_DEFAULT); the environment variable
 * LPMAP_GRID_BAND_VALUES overrides it (tests force many bands). */
#define GRID_BAND_VALUES_DEFAULT ((size_t)32 * 1024 * 1024)
lp_status grid_build(const char *const *inputs, size_t n_inputs, double res,
                     const products_filter *filter, size_t band_values, grid_result *g,
                     lp_error *err);
void grid_result_free(grid_result *g);

#endif
