/* Reading batch NPZ rows for the products and the row filter (see rows.h). */
#include "products/rows.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz_read.h"

void products_filter_init(products_filter *f)
{
    memset(f, 0, sizeof *f);
    f->where = PRODUCTS_WHERE_ALL;
    f->any_class = 1;
}

int products_where_parse(const char *s, products_where *out)
{
    if (!strcmp(s, "all"))
        *out = PRODUCTS_WHERE_ALL;
    else if (!strcmp(s, "sunlit"))
        *out = PRODUCTS_WHERE_SUNLIT;
    else if (!strcmp(s, "shadowed"))
        *out = PRODUCTS_WHERE_SHADOWED;
    else
        return -1;
    return 0;
}

const char *products_where_name(products_where w)
{
    return w == PRODUCTS_WHERE_SUNLIT     ? "sunlit"
           : w == PRODUCTS_WHERE_SHADOWED ? "shadowed"
                                          : "all";
}

int products_class_list_parse(const char *text, products_filter *f)
{
    const char *p = text;
    if (!*p)
        return -1;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || end == p || v < 0 || v >= PRODUCTS_N_CLASSES || (*end && *end != ','))
            return -1;
        f->classes[v] = 1;
        f->any_class = 0;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p)
            return -1;
    }
    return 0;
}

void products_filter_describe(const products_filter *f, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "where=%s class=", products_where_name(f->where));
    if (f->any_class) {
        snprintf(buf + (len < n ? len : n), len < n ? n - len : 0, "all");
        return;
    }
    const char *sep = "";
    for (int k = 0; k < PRODUCTS_N_CLASSES && len < n; k++)
        if (f->classes[k]) {
            len += (size_t)snprintf(buf + len, n - len, "%s%d", sep, k);
            sep = ",";
        }
}

void products_rows_free(products_rows *r)
{
    free(r->u_surface);
    free(r->lat);
    free(r->lon);
    free(r->u_sc);
    free(r->t_e);
    free(r->u_sigma);
    free(r->sun);
    free(r->env_class);
    memset(r, 0, sizeof *r);
}

lp_status products_rows_load(const char *path, products_rows *r, lp_error *err)
{
    memset(r, 0, sizeof *r);
    npz_file *f = NULL;
    lp_status st = npz_read_open(path, &f, err);
    if (st != LP_OK)
        return st;
    static const char *const keys[] = {PRODUCTS_KEY_USURF, PRODUCTS_KEY_LAT,   PRODUCTS_KEY_LON,
                                       PRODUCTS_KEY_SUN,   PRODUCTS_KEY_CLASS, PRODUCTS_KEY_USC,
                                       PRODUCTS_KEY_TE};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (!npz_read_has(f, keys[k])) {
            npz_read_close(f);
            return lp_error_set(err, LP_ERR_FORMAT, "%s is not an lpmap batch NPZ (no key %s)",
                                path, keys[k]);
        }
    double **dst[] = {&r->u_surface, &r->lat, &r->lon, &r->sun, &r->env_class, &r->u_sc, &r->t_e};
    size_t n0 = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0] && st == LP_OK; k++) {
        size_t n = 0;
        st = npz_read_f64(f, keys[k], dst[k], &n, err);
        if (st == LP_OK && k > 0 && n != n0)
            st = lp_error_set(err, LP_ERR_FORMAT, "%s: %s has %zu rows, %s has %zu", path, keys[k],
                              n, keys[0], n0);
        if (k == 0)
            n0 = n;
    }
    if (st == LP_OK && npz_read_has(f, PRODUCTS_KEY_USURF_SIGMA)) {
        size_t n = 0;
        st = npz_read_f64(f, PRODUCTS_KEY_USURF_SIGMA, &r->u_sigma, &n, err);
        if (st == LP_OK && n != n0)
            st = lp_error_set(err, LP_ERR_FORMAT, "%s: %s has %zu rows, %s has %zu", path,
                              PRODUCTS_KEY_USURF_SIGMA, n, keys[0], n0);
    }
    npz_read_close(f);
    if (st != LP_OK) {
        if (!strstr(err->message, path))
            lp_error_prefix(err, "%s: ", path);
        products_rows_free(r);
        return st;
    }
    r->n = n0;
    return LP_OK;
}

int products_row_selected(const products_rows *r, size_t i, const products_filter *f)
{
    if (!isfinite(r->u_surface[i]) || !isfinite(r->lat[i]) || !isfinite(r->lon[i]))
        return 0;
    if (f->where == PRODUCTS_WHERE_SUNLIT && !(r->sun[i] != 0))
        return 0;
    if (f->where == PRODUCTS_WHERE_SHADOWED && r->sun[i] != 0)
        return 0;
    if (!f->any_class) {
        double c = r->env_class[i];
        if (!(c >= 0 && c < PRODUCTS_N_CLASSES) || !f->classes[(int)c])
            return 0;
    }
    return 1;
}
