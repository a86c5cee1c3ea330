/* Per-site statistics of footpoint rows and the sites CSV (see sites.h). */
#include "products/sites.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "products/stats.h"

/* Landing sites (NASA NSSDCA coordinates), the poles and three well-known
 * magnetic-anomaly swirls (approximate centres). */
static const site builtin_sites[] = {
    {"Apollo 11", 0.6741, 23.4730},
    {"Apollo 12", -3.0124, -23.4216},
    {"Apollo 14", -3.6453, -17.4714},
    {"Apollo 15", 26.1322, 3.6339},
    {"Apollo 16", -8.9730, 15.5002},
    {"Apollo 17", 20.1908, 30.7717},
    {"Luna 9", 7.08, -64.37},
    {"Luna 13", 18.87, -62.05},
    {"Luna 16", -0.5137, 56.3638},
    {"Luna 17", 38.2378, -35.0017},
    {"Luna 20", 3.7863, 56.6242},
    {"Luna 21", 25.8506, 30.4077},
    {"Luna 24", 12.7145, 62.2129},
    {"North Pole", 90.0, 0.0},
    {"South Pole", -90.0, 0.0},
    {"Reiner Gamma", 7.5, -59.0},
    {"Mare Ingenii swirls", -33.7, 163.5},
    {"Airy swirl", -18.2, 5.6},
};

void site_list_free(site_list *l)
{
    free(l->sites);
    l->sites = NULL;
    l->n = 0;
}

lp_status sites_builtin(site_list *out, lp_error *err)
{
    size_t n = sizeof builtin_sites / sizeof builtin_sites[0];
    out->sites = malloc(sizeof builtin_sites);
    if (!out->sites)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    memcpy(out->sites, builtin_sites, sizeof builtin_sites);
    out->n = n;
    return LP_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return !errno && end != s && !*end && isfinite(*v) ? 0 : -1;
}

lp_status sites_parse_file(const char *path, site_list *out, lp_error *err)
{
    out->n = 0;
    out->sites = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open sites file %s: %s", path, strerror(errno));
    char line[1024];
    size_t lineno = 0, cap = 0;
    lp_status st = LP_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: line too long", path, lineno);
            break;
        }
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *f1 = s, *c1 = strchr(s, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c1 || !c2 || strchr(c2 + 1, ',')) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: expected 'name,lat,lon', got '%s'", path,
                              lineno, s);
            break;
        }
        *c1 = *c2 = '\0';
        char *name = trim(f1), *tlat = trim(c1 + 1), *tlon = trim(c2 + 1);
        double lat, lon;
        if (out->n == 0 && !strcasecmp(name, "name") && !strcasecmp(tlat, "lat") &&
            !strcasecmp(tlon, "lon"))
            continue; /* header */
        if (!*name || strlen(name) >= SITES_NAME_MAX || strchr(name, '"')) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s:%zu: site name must be 1 to %d characters without quotes", path,
                              lineno, SITES_NAME_MAX - 1);
            break;
        }
        if (parse_number(tlat, &lat) || parse_number(tlon, &lon)) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: lat '%s' or lon '%s' is not a number",
                              path, lineno, tlat, tlon);
            break;
        }
        if (lat < -90 || lat > 90) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: latitude %g of %s is outside -90 to 90",
                              path, lineno, lat, name);
            break;
        }
        if (lon < -360 || lon > 360) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s:%zu: longitude %g of %s is outside -360 to 360", path, lineno,
                              lon, name);
            break;
        }
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            site *ns = realloc(out->sites, nc * sizeof *ns);
            if (!ns) {
                st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                break;
            }
            out->sites = ns;
            cap = nc;
        }
        site *t = &out->sites[out->n++];
        snprintf(t->name, sizeof t->name, "%s", name);
        t->lat = lat;
        t->lon = lon;
    }
    if (st == LP_OK && ferror(f))
        st = lp_error_set(err, LP_ERR_IO, "cannot read sites file %s", path);
    fclose(f);
    if (st == LP_OK && out->n == 0)
        st = lp_error_set(err, LP_ERR_FORMAT,
                          "sites file %s lists no site (expected lines "
                          "'name,lat,lon')",
                          path);
    if (st != LP_OK)
        site_list_free(out);
    return st;
}

double sites_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double d2r = M_PI / 180.0;
    double p1 = lat1 * d2r, p2 = lat2 * d2r;
    double sdp = sin((p2 - p1) / 2), sdl = sin((lon2 - lon1) * d2r / 2);
    double h = sdp * sdp + cos(p1) * cos(p2) * sdl * sdl;
    if (h > 1)
        h = 1;
    return 2.0 * SITES_MOON_RADIUS_KM * asin(sqrt(h));
}

/* Growing value list of one site and quantity. */
typedef struct {
    double *v;
    size_t n, cap;
} value_list;

static int value_push(value_list *l, double x)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        double *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = x;
    return 0;
}

enum { SQ_USURF, SQ_USC, SQ_TE, SQ_N };

static void fprint_num(FILE *f, double v)
{
    if (isnan(v))
        fputs(",nan", f);
    else
        fprintf(f, ",%.17g", v);
}

lp_status sites_run(const site_list *sites, const char *const *inputs, size_t n_inputs,
                    double radius_km, const products_filter *filter, const char *out,
                    size_t *n_rows_used, lp_error *err)
{
    size_t ns = sites->n;
    value_list *vals = calloc(ns * SQ_N, sizeof *vals);
    double *sw = calloc(ns, sizeof *sw), *swx = calloc(ns, sizeof *swx);
    size_t *count = calloc(ns, sizeof *count);
    int has_sigma = 0;
    lp_status st = LP_OK;
    char tmp[4200];
    FILE *f = NULL;
    *n_rows_used = 0;
    if (!vals || !sw || !swx || !count) {
        st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n_inputs && st == LP_OK; k++) {
        products_rows r;
        if ((st = products_rows_load(inputs[k], &r, err)) != LP_OK)
            break;
        has_sigma |= r.u_sigma != NULL;
        for (size_t i = 0; i < r.n && st == LP_OK; i++) {
            if (!products_row_selected(&r, i, filter))
                continue;
            (*n_rows_used)++;
            for (size_t s = 0; s < ns; s++) {
                if (!(sites_distance_km(sites->sites[s].lat, sites->sites[s].lon, r.lat[i],
                                        r.lon[i]) <= radius_km))
                    continue;
                count[s]++;
                const double x[SQ_N] = {r.u_surface[i], r.u_sc[i], r.t_e[i]};
                for (int q = 0; q < SQ_N; q++)
                    if (isfinite(x[q]) && value_push(&vals[s * SQ_N + q], x[q])) {
                        st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                        break;
                    }
                if (r.u_sigma && isfinite(r.u_sigma[i]) && r.u_sigma[i] > 0) {
                    double w = 1.0 / (r.u_sigma[i] * r.u_sigma[i]);
                    sw[s] += w;
                    swx[s] += w * r.u_surface[i];
                }
            }
        }
        products_rows_free(&r);
    }
    if (st != LP_OK)
        goto done;
    if (*n_rows_used == 0) {
        st = lp_error_set(err, LP_ERR_RANGE,
                          "no usable row: no finite U_surface with a footpoint%s in %zu input%s",
                          filter->where != PRODUCTS_WHERE_ALL || !filter->any_class
                              ? " passing the selection"
                              : "",
                          n_inputs, n_inputs == 1 ? "" : "s");
        goto done;
    }
    snprintf(tmp, sizeof tmp, "%s.%ld.part", out, (long)getpid());
    if (!(f = fopen(tmp, "w"))) {
        st = lp_error_set(err, LP_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    static const char *const qn[SQ_N] = {"u_surface", "u_sc", "t_e"};
    fputs("name,lat,lon,count", f);
    for (int q = 0; q < SQ_N; q++)
        fprintf(f, ",%s_mean,%s_median,%s_p05,%s_p95,%s_std", qn[q], qn[q], qn[q], qn[q], qn[q]);
    if (has_sigma)
        fputs(",u_surface_wmean,u_surface_wmean_sigma", f);
    fputc('\n', f);
    for (size_t s = 0; s < ns; s++) {
        const site *t = &sites->sites[s];
        int quote = strchr(t->name, ',') != NULL;
        fprintf(f, quote ? "\"%s\",%.10g,%.10g,%zu" : "%s,%.10g,%.10g,%zu", t->name, t->lat, t->lon,
                count[s]);
        for (int q = 0; q < SQ_N; q++) {
            products_stats ps;
            value_list *l = &vals[s * SQ_N + q];
            products_stats_compute(l->v, l->n, &ps);
            fprint_num(f, ps.mean);
            fprint_num(f, ps.median);
            fprint_num(f, ps.p05);
            fprint_num(f, ps.p95);
            fprint_num(f, ps.std);
        }
        if (has_sigma) {
            double m, sg;
            products_wmean_finish(sw[s], swx[s], &m, &sg);
            fprint_num(f, m);
            fprint_num(f, sg);
        }
        fputc('\n', f);
    }
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
        st = lp_error_set(err, LP_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        fclose(f);
        unlink(tmp);
        goto done;
    }
    fclose(f);
    if (rename(tmp, out) != 0) {
        st = lp_error_set(err, LP_ERR_IO, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
        unlink(tmp);
    }
done:
    if (vals)
        for (size_t k = 0; k < ns * SQ_N; k++)
            free(vals[k].v);
    free(vals);
    free(sw);
    free(swx);
    free(count);
    return st;
}
