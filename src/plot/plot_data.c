/* Loading the row arrays of a batch NPZ (docs/npz.md) for `lpmap plot`:
 * checks that every key a product needs is present with one entry per row,
 * applies the chi2 cut and groups rows into sweeps. */
#include "plot/plot_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utc.h"
#include "io/npz_read.h"

double plot_parse_utc(const char *s)
{
    utc_stamp t;
    return utc_parse(s, strlen(s), 0, &t, NULL) == LP_OK ? utc_to_unix_s(&t) : NAN;
}

unsigned plot_parse_what(const char *list)
{
    unsigned bits = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 3 && !strncmp(p, "map", 3))
            bits |= PLOT_MAP;
        else if (n == 4 && !strncmp(p, "hist", 4))
            bits |= PLOT_HIST;
        else if (n == 10 && !strncmp(p, "timeseries", 10))
            bits |= PLOT_TIMESERIES;
        else if (n == 3 && !strncmp(p, "all", 3))
            bits |= PLOT_ALL;
        else
            return 0;
        p += n;
        if (*p == ',')
            p++;
    }
    return bits;
}

void plot_data_free(plot_data *d)
{
    if (!d)
        return;
    free(d->lat);
    free(d->lon);
    free(d->u_surface);
    free(d->u_sc);
    free(d->fp_sun);
    free(d->sc_sun);
    free(d->time);
    free(d->sweep_row);
    memset(d, 0, sizeof *d);
}

static lp_status need_key(npz_file *f, const char *path, const char *key, const char *product,
                          lp_error *err)
{
    if (npz_read_has(f, key))
        return LP_OK;
    return lp_error_set(err, LP_ERR_FORMAT,
                        "%s has no '%s', needed for the %s (is it an lpmap batch NPZ?)", path, key,
                        product);
}

/* Read a numeric row array and check its length. */
static lp_status load_f64(npz_file *f, const char *path, const char *key, plot_data *d,
                          double **out, lp_error *err)
{
    size_t n;
    lp_status s = npz_read_f64(f, key, out, &n, err);
    if (s != LP_OK)
        return s;
    if (n != d->n_rows)
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: '%s' has %zu entries, expected %zu (one per row)", path, key, n,
                            d->n_rows);
    return LP_OK;
}

static lp_status load_bool(npz_file *f, const char *path, const char *key, plot_data *d,
                           uint8_t **out, lp_error *err)
{
    double *v = NULL;
    lp_status s = load_f64(f, path, key, d, &v, err);
    if (s == LP_OK) {
        *out = malloc(d->n_rows ? d->n_rows : 1);
        if (!*out)
            s = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        else
            for (size_t i = 0; i < d->n_rows; i++)
                (*out)[i] = v[i] != 0;
    }
    free(v);
    return s;
}

static lp_status load_inner(npz_file *f, const char *path, unsigned what, double chi2_max,
                            plot_data *d, lp_error *err)
{
    static const char *const map_keys[] = {"rows_projection_latitude", "rows_projection_longitude",
                                           "rows_projected_potential", NULL};
    static const char *const hist_keys[] = {"rows_projected_potential", "rows_spacecraft_potential",
                                            "rows_projection_in_sun", "rows_spacecraft_in_sun",
                                            NULL};
    static const char *const ts_keys[] = {"rows_utc", "rows_spacecraft_potential",
                                          "rows_projected_potential", NULL};
    lp_status s;
    for (int i = 0; (what & PLOT_MAP) && map_keys[i]; i++)
        if ((s = need_key(f, path, map_keys[i], "map", err)) != LP_OK)
            return s;
    for (int i = 0; (what & PLOT_HIST) && hist_keys[i]; i++)
        if ((s = need_key(f, path, hist_keys[i], "histograms", err)) != LP_OK)
            return s;
    for (int i = 0; (what & PLOT_TIMESERIES) && ts_keys[i]; i++)
        if ((s = need_key(f, path, ts_keys[i], "time series", err)) != LP_OK)
            return s;
    if (!isnan(chi2_max) && (s = need_key(f, path, "rows_fit_chi2", "--chi2-max cut", err)))
        return s;

    /* The row count comes from U_surface, which every product needs. */
    size_t n;
    if ((s = npz_read_f64(f, "rows_projected_potential", &d->u_surface, &n, err)) != LP_OK)
        return s;
    d->n_rows = n;
    if (what & PLOT_MAP) {
        if ((s = load_f64(f, path, "rows_projection_latitude", d, &d->lat, err)) ||
            (s = load_f64(f, path, "rows_projection_longitude", d, &d->lon, err)))
            return s;
    }
    if (what & (PLOT_HIST | PLOT_TIMESERIES))
        if ((s = load_f64(f, path, "rows_spacecraft_potential", d, &d->u_sc, err)))
            return s;
    if ((what & PLOT_HIST) ||
        ((what & PLOT_TIMESERIES) && npz_read_has(f, "rows_projection_in_sun")))
        if ((s = load_bool(f, path, "rows_projection_in_sun", d, &d->fp_sun, err)))
            return s;
    if ((what & (PLOT_HIST | PLOT_TIMESERIES)) && npz_read_has(f, "rows_spacecraft_in_sun"))
        if ((s = load_bool(f, path, "rows_spacecraft_in_sun", d, &d->sc_sun, err)))
            return s;
    if (!isnan(chi2_max)) {
        double *chi2 = NULL;
        if ((s = load_f64(f, path, "rows_fit_chi2", d, &chi2, err))) {
            free(chi2);
            return s;
        }
        for (size_t i = 0; i < n; i++)
            if (!isnan(d->u_surface[i]) && !(chi2[i] <= chi2_max)) {
                d->u_surface[i] = NAN;
                d->n_chi2_reject++;
            }
        free(chi2);
    }
    if (npz_read_has(f, "rows_utc")) {
        npz_array a;
        if ((s = npz_read_array(f, "rows_utc", &a, err)))
            return s;
        if (a.dtype != NPZ_UNICODE || a.n != n) {
            npz_array_free(&a);
            return lp_error_set(err, LP_ERR_FORMAT,
                                "%s: 'rows_utc' must hold %zu strings (one per row)", path, n);
        }
        d->time = malloc((n ? n : 1) * sizeof *d->time);
        if (!d->time) {
            npz_array_free(&a);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        }
        double tmin = INFINITY, tmax = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            const char *u = (const char *)a.data + i * a.stride;
            d->time[i] = plot_parse_utc(u);
            if (d->time[i] < tmin) {
                tmin = d->time[i];
                snprintf(d->utc_first, sizeof d->utc_first, "%.19s", u);
            }
            if (d->time[i] > tmax) {
                tmax = d->time[i];
                snprintf(d->utc_last, sizeof d->utc_last, "%.19s", u);
            }
        }
        npz_array_free(&a);
    }
    /* Sweeps: runs of equal spec_no. */
    d->sweep_row = malloc((n ? n : 1) * sizeof *d->sweep_row);
    if (!d->sweep_row)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    double *spec = NULL;
    if (npz_read_has(f, "rows_spec_no")) {
        if ((s = load_f64(f, path, "rows_spec_no", d, &spec, err))) {
            free(spec);
            return s;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!spec || i == 0 || spec[i] != spec[i - 1])
            d->sweep_row[d->n_sweeps++] = i;
    free(spec);
    return LP_OK;
}

lp_status plot_data_load(const char *npz_path, unsigned what, double chi2_max, plot_data *d,
                         lp_error *err)
{
    memset(d, 0, sizeof *d);
    npz_file *f;
    lp_status s = npz_read_open(npz_path, &f, err);
    if (s != LP_OK)
        return s;
    s = load_inner(f, npz_path, what, chi2_max, d, err);
    npz_read_close(f);
    if (s != LP_OK)
        plot_data_free(d);
    return s;
}
