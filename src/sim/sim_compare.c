/* Injection-recovery comparison (see sim_compare.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz_read.h"
#include "sim/sim_compare.h"
#include "sim/sim_sweep.h"

#define TRUTH_NCOLS 19 /* columns of SIM_TRUTH_HEADER */

typedef struct {
    char utc[32];
    int polarity, sc_sun, foot_sun; /* foot_sun -1: NaN */
    double lat, lon, u, r, usc;
} truth_entry;

static int cmp_truth(const void *a, const void *b)
{
    return strcmp(((const truth_entry *)a)->utc, ((const truth_entry *)b)->utc);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* numpy.percentile (linear interpolation) of v[0..n), sorted in place. */
static double percentile(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q / 100.0 * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

static double field_num(const char *s)
{
    if (!strncmp(s, "NaN", 3) || !strncmp(s, "nan", 3) || *s == ',' || *s == '\0')
        return NAN;
    return strtod(s, NULL);
}

static lp_status read_truth(const char *path, truth_entry **out, size_t *n, lp_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open %s", path);
    char line[2048];
    /* the current header, or the 14 columns of older files */
    size_t v1 = strlen(SIM_TRUTH_HEADER_V1);
    int ncols = 0;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!strcmp(line, SIM_TRUTH_HEADER))
            ncols = TRUTH_NCOLS;
        else if (!strncmp(line, SIM_TRUTH_HEADER_V1, v1) && line[v1] == '\0')
            ncols = 14;
    }
    if (!ncols) {
        fclose(f);
        return lp_error_set(err, LP_ERR_FORMAT, "%s: header is not that of formats.md §7", path);
    }
    size_t cap = 1024, count = 0, lineno = 1;
    truth_entry *t = malloc(cap * sizeof *t);
    if (!t) {
        fclose(f);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        const char *field[TRUTH_NCOLS];
        int nf = 0;
        field[nf++] = line;
        for (char *p = line; *p && nf < TRUTH_NCOLS; p++)
            if (*p == ',') {
                *p = '\0';
                field[nf++] = p + 1;
            }
        if (nf != ncols) {
            free(t);
            fclose(f);
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%zu: expected %d fields", path, lineno,
                                ncols);
        }
        if (count == cap) {
            truth_entry *g = realloc(t, 2 * cap * sizeof *t);
            if (!g) {
                free(t);
                fclose(f);
                return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            }
            t = g;
            cap *= 2;
        }
        truth_entry *e = &t[count++];
        snprintf(e->utc, sizeof e->utc, "%s", field[1]);
        e->lat = field_num(field[2]);
        e->lon = field_num(field[3]);
        e->polarity = atoi(field[4]);
        e->u = field_num(field[5]);
        e->r = field_num(field[6]);
        e->usc = field_num(field[8]);
        e->sc_sun = atoi(field[12]);
        double fs = field_num(field[13]);
        e->foot_sun = isfinite(fs) ? (int)fs : -1;
    }
    fclose(f);
    if (count > 1)
        qsort(t, count, sizeof *t, cmp_truth);
    *out = t;
    *n = count;
    return LP_OK;
}

enum {
    K_SPEC,
    K_LAT,
    K_LON,
    K_POL,
    K_SCSUN,
    K_FOOTSUN,
    K_USC,
    K_U,
    K_SPEC_SPEC,
    K_SPEC_FIT,
    K_COUNT
};
static const char *const KEYS[K_COUNT] = {"rows_spec_no",
                                          "rows_projection_latitude",
                                          "rows_projection_longitude",
                                          "rows_projection_polarity",
                                          "rows_spacecraft_in_sun",
                                          "rows_projection_in_sun",
                                          "rows_spacecraft_potential",
                                          "rows_projected_potential",
                                          "spec_spec_no",
                                          "spec_has_fit"};

static void read_meta_string(npz_file *f, const char *key, char *buf, size_t size)
{
    npz_array a;
    lp_error e;
    buf[0] = '\0';
    if (!npz_read_has(f, key) || npz_read_array(f, key, &a, &e) != LP_OK)
        return;
    if (a.dtype == NPZ_UNICODE && a.n >= 1)
        snprintf(buf, size, "%s", (const char *)a.data);
    npz_array_free(&a);
}

lp_status sim_compare(const char *npz_path, const char *truth_path, sim_comparison *c,
                      lp_error *err)
{
    memset(c, 0, sizeof *c);
    c->wall_s = NAN;
    truth_entry *truth = NULL;
    size_t nt = 0;
    lp_status st = read_truth(truth_path, &truth, &nt, err);
    if (st)
        return st;
    c->sweeps_truth = nt;
    npz_file *f = NULL;
    if ((st = npz_read_open(npz_path, &f, err))) {
        free(truth);
        return st;
    }
    double *v[K_COUNT] = {0};
    size_t n[K_COUNT] = {0};
    npz_array utc = {0};
    double *a_usc = NULL, *a_sun = NULL, *a_u = NULL, *a_ui = NULL;
    for (int k = 0; k < K_COUNT && !st; k++)
        st = npz_read_f64(f, KEYS[k], &v[k], &n[k], err);
    if (!st)
        st = npz_read_array(f, "rows_utc", &utc, err);
    size_t rows = n[K_SPEC];
    for (int k = 0; k < K_SPEC_SPEC && !st; k++)
        if (n[k] != rows)
            st = lp_error_set(err, LP_ERR_FORMAT, "%s: %s has %zu entries, rows_spec_no %zu",
                              npz_path, KEYS[k], n[k], rows);
    if (!st && (utc.dtype != NPZ_UNICODE || utc.n != rows))
        st = lp_error_set(err, LP_ERR_FORMAT, "%s: rows_utc is not %zu strings", npz_path, rows);
    if (!st) {
        a_usc = malloc((rows + 1) * sizeof(double));
        a_sun = malloc((rows + 1) * sizeof(double));
        a_u = malloc((rows + 1) * sizeof(double));
        a_ui = malloc((rows + 1) * sizeof(double));
        if (!a_usc || !a_sun || !a_u || !a_ui)
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    size_t n_shadow_rel = 0;
    for (size_t i = 0; !st && i < rows; i++) {
        if (i > 0 && v[K_SPEC][i] == v[K_SPEC][i - 1])
            continue; /* first row of each sweep */
        c->sweeps_npz++;
        truth_entry key;
        snprintf(key.utc, sizeof key.utc, "%s", (const char *)utc.data + i * utc.stride);
        truth_entry *t = bsearch(&key, truth, nt, sizeof *truth, cmp_truth);
        if (!t)
            continue;
        c->sweeps_matched++;
        int pol = (int)v[K_POL][i];
        c->polarity_compared++;
        c->polarity_equal += pol == t->polarity;
        c->sc_sun_equal += (int)v[K_SCSUN][i] == t->sc_sun;
        if (t->polarity != 0 && pol == t->polarity) {
            double lat = v[K_LAT][i], lon = v[K_LON][i];
            double dlat = fabs(lat - t->lat), dl = fmod(fabs(lon - t->lon), 360.0);
            double dlon = fmin(dl, 360.0 - dl) * cos(lat * 3.14159265358979323846 / 180.0);
            if (!(dlat <= c->foot_lat_err_max))
                c->foot_lat_err_max = dlat; /* NaN propagates as a failure */
            if (!(dlon <= c->foot_lon_err_max))
                c->foot_lon_err_max = dlon;
            c->foot_compared++;
            c->foot_sun_equal += (int)v[K_FOOTSUN][i] == t->foot_sun;
        }
        double usc = v[K_USC][i];
        if (isfinite(usc) && isfinite(t->usc)) {
            double d = fabs(usc - t->usc);
            if (t->sc_sun) {
                a_usc[c->usc_sunlit_n++] = d;
                c->usc_sunlit_within += d <= CMP_USC_SUNLIT_TOL_V;
            } else {
                a_sun[n_shadow_rel++] = d / fabs(t->usc);
                c->usc_shadow_within += d / fabs(t->usc) <= CMP_USC_SHADOW_TOL_REL;
            }
        }
        /* fitted? look the sweep up in the spectrum arrays (ascending spec_no) */
        size_t lo = 0, hi = n[K_SPEC_SPEC];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (v[K_SPEC_SPEC][mid] < v[K_SPEC][i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n[K_SPEC_SPEC] && v[K_SPEC_SPEC][lo] == v[K_SPEC][i] && v[K_SPEC_FIT][lo] != 0) {
            c->sweeps_fitted++;
            double u = v[K_U][i];
            if (isfinite(u) && isfinite(t->u)) {
                a_u[c->u_n++] = fabs(u - t->u);
                if (t->r >= 0.3 && t->r <= 1.1) /* loss cone inside the fit bounds */
                    a_ui[c->u_ident_n++] = fabs(u - t->u);
            }
        }
    }
    if (!st) {
        c->usc_shadow_n = n_shadow_rel;
        c->usc_sunlit_err_median = percentile(a_usc, c->usc_sunlit_n, 50);
        c->usc_sunlit_err_p90 = percentile(a_usc, c->usc_sunlit_n, 90);
        c->usc_shadow_rel_median = percentile(a_sun, n_shadow_rel, 50);
        c->u_err_median = percentile(a_u, c->u_n, 50);
        c->u_err_p90 = percentile(a_u, c->u_n, 90);
        c->u_ident_err_median = percentile(a_ui, c->u_ident_n, 50);
        read_meta_string(f, "meta_device", c->device, sizeof c->device);
        read_meta_string(f, "meta_dtype", c->dtype, sizeof c->dtype);
        if (npz_read_has(f, "meta_seconds_total")) {
            double *w = NULL;
            size_t nw = 0;
            lp_error e2;
            if (npz_read_f64(f, "meta_seconds_total", &w, &nw, &e2) == LP_OK && nw >= 1)
                c->wall_s = w[0];
            free(w);
        }
    }
    for (int k = 0; k < K_COUNT; k++)
        free(v[k]);
    npz_array_free(&utc);
    free(a_usc);
    free(a_sun);
    free(a_u);
    free(a_ui);
    npz_read_close(f);
    free(truth);
    return st;
}

static double frac(size_t a, size_t b)
{
    return b ? (double)a / (double)b : NAN;
}

void sim_comparison_print(FILE *f, const sim_comparison *c, int json)
{
    if (json) {
        fprintf(f,
                "{\"sweeps_truth\": %zu, \"sweeps_npz\": %zu, \"sweeps_matched\": %zu, "
                "\"sweeps_fitted\": %zu, \"polarity_agreement\": %.6f, "
                "\"spacecraft_sun_agreement\": %.6f, \"footpoint_sun_agreement\": %.6f, "
                "\"footpoints_compared\": %zu, \"footpoint_lat_err_max_deg\": %.6g, "
                "\"footpoint_lon_err_max_deg\": %.6g, \"usc_sunlit_compared\": %zu, "
                "\"usc_sunlit_err_median_v\": %.6g, \"usc_sunlit_err_p90_v\": %.6g, "
                "\"usc_sunlit_within_1v\": %.6f, \"usc_shadow_compared\": %zu, "
                "\"usc_shadow_relerr_median\": %.6g, \"usc_shadow_within_5pct\": %.6f, "
                "\"u_surface_compared\": %zu, \"u_surface_abs_err_median_v\": %.6g, "
                "\"u_surface_abs_err_p90_v\": %.6g, \"u_surface_identifiable_compared\": %zu, "
                "\"u_surface_identifiable_abs_err_median_v\": %.6g, \"device\": \"%s\", "
                "\"dtype\": \"%s\"}\n",
                c->sweeps_truth, c->sweeps_npz, c->sweeps_matched, c->sweeps_fitted,
                frac(c->polarity_equal, c->polarity_compared),
                frac(c->sc_sun_equal, c->polarity_compared),
                frac(c->foot_sun_equal, c->foot_compared), c->foot_compared, c->foot_lat_err_max,
                c->foot_lon_err_max, c->usc_sunlit_n, c->usc_sunlit_err_median,
                c->usc_sunlit_err_p90, frac(c->usc_sunlit_within, c->usc_sunlit_n), c->usc_shadow_n,
                c->usc_shadow_rel_median, frac(c->usc_shadow_within, c->usc_shadow_n), c->u_n,
                c->u_err_median, c->u_err_p90, c->u_ident_n, c->u_ident_err_median, c->device,
                c->dtype);
        return;
    }
    fprintf(f, "recovery vs truth:\n");
    fprintf(f, "  sweeps: %zu simulated, %zu in the NPZ (%zu matched), %zu fitted\n",
            c->sweeps_truth, c->sweeps_npz, c->sweeps_matched, c->sweeps_fitted);
    fprintf(f, "  |dU_surface|: median %.2f V, p90 %.2f V over %zu fitted sweeps with truth\n",
            c->u_err_median, c->u_err_p90, c->u_n);
    fprintf(f,
            "  footpoints: max error %.2g deg lat, %.2g deg lon (%zu compared); polarity "
            "%.2f%%, spacecraft sunlit %.2f%%, footpoint sunlit %.2f%% agree\n",
            c->foot_lat_err_max, c->foot_lon_err_max, c->foot_compared,
            100 * frac(c->polarity_equal, c->polarity_compared),
            100 * frac(c->sc_sun_equal, c->polarity_compared),
            100 * frac(c->foot_sun_equal, c->foot_compared));
    fprintf(f,
            "  U_sc: sunlit median |err| %.3g V, p90 %.3g V (%.1f%% within 1 V, %zu sweeps); "
            "shadow median rel. err %.3g (%.1f%% within 5%%, %zu sweeps)\n",
            c->usc_sunlit_err_median, c->usc_sunlit_err_p90,
            100 * frac(c->usc_sunlit_within, c->usc_sunlit_n), c->usc_sunlit_n,
            c->usc_shadow_rel_median, 100 * frac(c->usc_shadow_within, c->usc_shadow_n),
            c->usc_shadow_n);
    if (c->device[0])
        fprintf(f, "  device: %s%s%s\n", c->device, c->dtype[0] ? ", dtype " : "", c->dtype);
    if (isfinite(c->wall_s))
        fprintf(f, "  batch wall time: %.1f s\n", c->wall_s);
}

int sim_comparison_check(const sim_comparison *c, FILE *f)
{
    int bad = 0;
#define FAILED(...)                                                                                \
    do {                                                                                           \
        bad++;                                                                                     \
        if (f) {                                                                                   \
            fprintf(f, "PROBLEM: " __VA_ARGS__);                                                   \
            fputc('\n', f);                                                                        \
        }                                                                                          \
    } while (0)
    if (c->sweeps_matched == 0)
        FAILED("no sweep of the NPZ matched the truth file");
    if (c->sweeps_matched != c->sweeps_npz)
        FAILED("%zu sweeps of the NPZ are not in the truth file",
               c->sweeps_npz - c->sweeps_matched);
    if (c->polarity_equal != c->polarity_compared)
        FAILED("polarity differs on %zu of %zu sweeps", c->polarity_compared - c->polarity_equal,
               c->polarity_compared);
    if (c->sc_sun_equal != c->polarity_compared)
        FAILED("spacecraft illumination differs on %zu sweeps",
               c->polarity_compared - c->sc_sun_equal);
    if (c->foot_sun_equal != c->foot_compared)
        FAILED("footpoint illumination differs on %zu sweeps",
               c->foot_compared - c->foot_sun_equal);
    if (!(c->foot_lat_err_max <= CMP_FOOT_TOL_DEG) || !(c->foot_lon_err_max <= CMP_FOOT_TOL_DEG))
        FAILED("footpoint error %.3g deg lat / %.3g deg lon > %g", c->foot_lat_err_max,
               c->foot_lon_err_max, CMP_FOOT_TOL_DEG);
    /* U_sc: the median must be within tolerance (per-sweep errors scatter
     * with the counting noise of tenuous plasma; the fractions are printed) */
    if (c->usc_sunlit_n && !(c->usc_sunlit_err_median <= CMP_USC_SUNLIT_TOL_V))
        FAILED("U_sc sunlit: median error %.3g V > %g V (%zu of %zu sweeps within)",
               c->usc_sunlit_err_median, CMP_USC_SUNLIT_TOL_V, c->usc_sunlit_within,
               c->usc_sunlit_n);
    if (c->usc_shadow_n && !(c->usc_shadow_rel_median <= CMP_USC_SHADOW_TOL_REL))
        FAILED("U_sc shadow: median relative error %.3g > %g%% (%zu of %zu sweeps within)",
               c->usc_shadow_rel_median, 100 * CMP_USC_SHADOW_TOL_REL, c->usc_shadow_within,
               c->usc_shadow_n);
    if (c->u_ident_n && !(c->u_ident_err_median <= CMP_USURF_MEDIAN_TOL_V))
        FAILED("U_surface median error %.3g V over %zu identifiable sweeps > %g V",
               c->u_ident_err_median, c->u_ident_n, CMP_USURF_MEDIAN_TOL_V);
#undef FAILED
    return bad;
}
