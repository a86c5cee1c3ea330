/* The per-row values the products aggregate, read from one batch NPZ
 * (potential_batch_*.npz): U_surface, footpoint, footpoint illumination,
 * environment class, U_sc, T_e and, when present, the per-row sigma of
 * U_surface. Also the row selection shared by `lpmap grid` and `lpmap sites`
 * (--where, --class): a row is used when U_surface and the footpoint are
 * finite and it passes the filter. */
#ifndef LPMAP_PRODUCTS_ROWS_H
#define LPMAP_PRODUCTS_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* NPZ keys read here (the integrator's list of what the products depend on). */
#define PRODUCTS_KEY_USURF "rows_projected_potential"
#define PRODUCTS_KEY_USURF_SIGMA "rows_projected_potential_sigma"
#define PRODUCTS_KEY_LAT "rows_projection_latitude"
#define PRODUCTS_KEY_LON "rows_projection_longitude"
#define PRODUCTS_KEY_SUN "rows_projection_in_sun"
#define PRODUCTS_KEY_CLASS "rows_environment_class"
#define PRODUCTS_KEY_USC "rows_spacecraft_potential"
#define PRODUCTS_KEY_TE "rows_electron_temperature"

typedef enum { PRODUCTS_WHERE_ALL, PRODUCTS_WHERE_SUNLIT, PRODUCTS_WHERE_SHADOWED } products_where;

#define PRODUCTS_N_CLASSES 128
typedef struct {
    products_where where;
    int any_class;                       /* 1: no --class given */
    uint8_t classes[PRODUCTS_N_CLASSES]; /* classes[k] = 1: class k selected */
} products_filter;

typedef struct {
    size_t n;
    double *u_surface, *lat, *lon, *u_sc, *t_e;
    double *u_sigma; /* NULL when the NPZ has no PRODUCTS_KEY_USURF_SIGMA */
    double *sun;     /* 0/1 */
    double *env_class;
} products_rows;

void products_filter_init(products_filter *f);
/* "all", "sunlit", "shadowed"; -1 when unknown. */
int products_where_parse(const char *s, products_where *out);
const char *products_where_name(products_where w);
/* "1,2" (class numbers, comma-separated) added to f's classes; -1 when bad. */
int products_class_list_parse(const char *text, products_filter *f);
/* Text of the selection ("where=sunlit class=1,2") for metadata. */
void products_filter_describe(const products_filter *f, char *buf, size_t n);

/* Load the rows of one batch NPZ. A file that is not an lpmap batch NPZ (a
 * key missing, arrays of different lengths) is LP_ERR_FORMAT naming it. */
lp_status products_rows_load(const char *path, products_rows *r, lp_error *err);
void products_rows_free(products_rows *r);

/* 1 when row i is used by the products under filter f. */
int products_row_selected(const products_rows *r, size_t i, const products_filter *f);

#endif
