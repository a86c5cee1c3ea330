/* What `lpmap plot` draws, loaded from a batch NPZ (docs/npz.md row
 * arrays): footpoints, U_surface, U_sc, illumination, time; plus the sweep
 * grouping (first row of each run of equal spec_no) used by the histograms
 * and the time series. Independent of cairo so it is tested everywhere. */
#ifndef LPMAP_PLOT_PLOT_DATA_H
#define LPMAP_PLOT_PLOT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

enum { PLOT_MAP = 1, PLOT_HIST = 2, PLOT_TIMESERIES = 4, PLOT_ALL = 7 };

typedef struct {
    size_t n_rows;
    double *lat, *lon;                /* footpoint, deg (NaN: none); map only */
    double *u_surface;                /* V, NaN where not fitted or rejected by chi2_max */
    double *u_sc;                     /* V; hist and time series */
    uint8_t *fp_sun;                  /* footpoint sunlit; hist */
    uint8_t *sc_sun;                  /* spacecraft sunlit; hist and time series */
    double *time;                     /* seconds since 1970 from rows_utc (NaN if unparsable) */
    size_t n_sweeps;                  /* sweeps = runs of equal rows_spec_no (rows if absent) */
    size_t *sweep_row;                /* first row of each sweep */
    size_t n_chi2_reject;             /* rows whose U_surface was dropped by chi2_max */
    char utc_first[32], utc_last[32]; /* date range of rows_utc ("" if absent) */
} plot_data;

/* Load what the products in `what` (PLOT_* bits) need. A missing key gives
 * LP_ERR_FORMAT naming the key and the product. chi2_max (NaN: off) drops
 * U_surface where rows_fit_chi2 exceeds it or is NaN. */
lp_status plot_data_load(const char *npz_path, unsigned what, double chi2_max, plot_data *d,
                         lp_error *err);
void plot_data_free(plot_data *d);

/* "YYYY-MM-DDThh:mm:ss[.frac][Z]" (or a space for T) -> seconds since 1970;
 * NaN when malformed. */
double plot_parse_utc(const char *s);

/* Parse "map,hist,timeseries" into PLOT_* bits; 0 on an unknown name. */
unsigned plot_parse_what(const char *list);

#endif
