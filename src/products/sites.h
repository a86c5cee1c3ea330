/* `lpmap sites`: statistics of the footpoint rows within a radius of named
 * sites (great-circle distance on the 1737.4 km lunar sphere), from a CSV
 * list `name,lat,lon` or the built-in list of landing sites, poles and
 * swirls. Values are kept per site (memory grows with the rows that fall
 * near a site, not with the whole input). */
#ifndef LPMAP_PRODUCTS_SITES_H
#define LPMAP_PRODUCTS_SITES_H

#include <stddef.h>

#include "core/status.h"
#include "products/rows.h"

#define SITES_MOON_RADIUS_KM 1737.4
#define SITES_NAME_MAX 64

typedef struct {
    char name[SITES_NAME_MAX];
    double lat, lon;
} site;

typedef struct {
    size_t n;
    site *sites;
} site_list;

/* Parse a sites CSV: one `name,lat,lon` a line; blank lines, lines starting
 * with '#' and a first line `name,lat,lon` are skipped. A malformed line, a
 * latitude outside [-90, 90], a longitude outside [-360, 360] or a file
 * without any site is LP_ERR_FORMAT naming the file and line. */
lp_status sites_parse_file(const char *path, site_list *out, lp_error *err);
/* The built-in list (Apollo and Luna landing sites, the poles, swirls). */
lp_status sites_builtin(site_list *out, lp_error *err);
void site_list_free(site_list *l);

/* Great-circle distance in km between two points given in degrees. */
double sites_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Compute the per-site statistics over the inputs and write the CSV `out`
 * atomically (out.part then rename). */
lp_status sites_run(const site_list *sites, const char *const *inputs, size_t n_inputs,
                    double radius_km, const products_filter *filter, const char *out,
                    size_t *n_rows_used, lp_error *err);

#endif
