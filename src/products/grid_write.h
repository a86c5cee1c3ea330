/* Writing a grid_result: DIR/grid.npz (always) and DIR/grid.nc (NetCDF-4,
 * CF-1.8, when lpmap was built with libnetcdf). Both are written to
 * temporary files first and renamed into place only when both are complete,
 * so a failed run leaves no partial output. */
#ifndef LPMAP_PRODUCTS_GRID_WRITE_H
#define LPMAP_PRODUCTS_GRID_WRITE_H

#include <stddef.h>

#include "core/status.h"
#include "products/grid.h"

typedef struct {
    const char *const *inputs; /* input NPZ paths, as given */
    size_t n_inputs;
    const char *selection;    /* products_filter_describe text */
    const char *command_line; /* recorded as history */
} grid_meta;

/* 1 when this build writes grid.nc; the hint says how to get it otherwise. */
int grid_netcdf_available(void);
const char *grid_netcdf_hint(void);

/* Write the NetCDF file `path` directly (callers pass a temporary name).
 * LP_ERR_UNSUPPORTED without libnetcdf. */
lp_status grid_netcdf_write(const grid_result *g, const grid_meta *m, const char *path,
                            lp_error *err);

/* Write DIR/grid.npz and, when available, DIR/grid.nc. An existing output
 * without overwrite is LP_ERR_IO (nothing is written). */
lp_status grid_write(const grid_result *g, const grid_meta *m, const char *dir, int overwrite,
                     lp_error *err);

#endif
