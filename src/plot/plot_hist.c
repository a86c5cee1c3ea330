/* The histograms of `lpmap plot` (docs/plot.md): U_surface and U_sc of
 * the fitted sweeps, sunlit vs shadow. */
#include "plot/plot_render.h"

#ifdef LPMAP_HAVE_CAIRO

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_page.h"

enum { HIST_BINS = 50 };

typedef struct {
    double lo, hi;
    size_t count[2][HIST_BINS]; /* [sunlit, shadow][bin] */
    size_t total[2], outside;
} histogram;

/* Histogram of value(row) over sweeps, split by sun(row). */
static void histogram_fill(const plot_data *d, const double *value, const uint8_t *sun, double lo,
                           double hi, histogram *h)
{
    memset(h, 0, sizeof *h);
    h->lo = lo;
    h->hi = hi;
    for (size_t k = 0; k < d->n_sweeps; k++) {
        size_t i = d->sweep_row[k];
        double v = value[i];
        if (!isfinite(v))
            continue;
        int cls = sun && sun[i] ? 0 : 1;
        if (!sun)
            cls = 0;
        if (v < lo || v > hi) {
            h->outside++;
            continue;
        }
        int b = (int)((v - lo) / (hi - lo) * HIST_BINS);
        b = b >= HIST_BINS ? HIST_BINS - 1 : b;
        h->count[cls][b]++;
        h->total[cls]++;
    }
}

/* Robust range (0.5 to 99.5 %) of a value over sweeps. */
static void sweep_range(const plot_data *d, const double *value, double *lo, double *hi)
{
    double *v = malloc((d->n_sweeps ? d->n_sweeps : 1) * sizeof *v);
    *lo = NAN;
    *hi = NAN;
    if (!v)
        return;
    for (size_t k = 0; k < d->n_sweeps; k++)
        v[k] = value[d->sweep_row[k]];
    *lo = plot_quantile(v, d->n_sweeps, 0.005);
    *hi = plot_quantile(v, d->n_sweeps, 0.995);
    free(v);
    if (isfinite(*lo) && !(*hi > *lo)) {
        *lo -= 1;
        *hi += 1;
    }
    if (isfinite(*lo)) { /* widen to nice edges */
        double step = plot_nice_step(*hi - *lo, 10);
        *lo = floor(*lo / step) * step;
        *hi = ceil(*hi / step) * step;
    }
}

static void draw_histogram_panel(cairo_t *cr, const histogram *h, double x0, double y0, double pw,
                                 double ph, const char *title, const char *xlabel,
                                 const char *sun_what)
{
    char buf[256];
    size_t ymax = 1;
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < HIST_BINS; b++)
            if (h->count[c][b] > ymax)
                ymax = h->count[c][b];
    double yticks[32];
    /* Head room above the tallest bar for the legend. */
    double ytop =
        ceil(ymax * 1.35 / plot_nice_step(ymax * 1.35, 6)) * plot_nice_step(ymax * 1.35, 6);
    int nyt = plot_nice_ticks(0, ytop, 6, yticks);

    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text(cr, x0 + pw / 2, y0 - 22, title, 18, 1, 0.5, 0.5);
    /* Grid + y ticks. */
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < nyt; k++)
        plot_y_gridline(cr, x0, pw, y0 + ph - yticks[k] / ytop * ph, 0.88, yticks[k]);
    /* Bars: translucent fill plus outline per class. */
    const double *col[2] = {PLOT_SUNLIT, PLOT_SHADOW};
    double bw = pw / HIST_BINS;
    for (int c = 1; c >= 0; c--) {
        cairo_set_source_rgba(cr, col[c][0], col[c][1], col[c][2], 0.35);
        for (int b = 0; b < HIST_BINS; b++) {
            double hgt = h->count[c][b] / ytop * ph;
            cairo_rectangle(cr, x0 + b * bw, y0 + ph - hgt, bw, hgt);
        }
        cairo_fill(cr);
        cairo_set_source_rgb(cr, col[c][0], col[c][1], col[c][2]);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, x0, y0 + ph);
        for (int b = 0; b < HIST_BINS; b++) {
            double py = y0 + ph - h->count[c][b] / ytop * ph;
            cairo_line_to(cr, x0 + b * bw, py);
            cairo_line_to(cr, x0 + (b + 1) * bw, py);
        }
        cairo_line_to(cr, x0 + pw, y0 + ph);
        cairo_stroke(cr);
    }
    /* Frame and x ticks. */
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_stroke(cr);
    double xt[32];
    int nxt = plot_nice_ticks(h->lo, h->hi, 7, xt);
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < nxt; k++) {
        double px = x0 + (xt[k] - h->lo) / (h->hi - h->lo) * pw;
        cairo_move_to(cr, floor(px) + 0.5, y0 + ph);
        cairo_line_to(cr, floor(px) + 0.5, y0 + ph + 6);
        cairo_stroke(cr);
        plot_format_tick(xt[k], buf, sizeof buf);
        plot_text(cr, px, y0 + ph + 20, buf, 15, 0, 0.5, 0.5);
    }
    plot_text(cr, x0 + pw / 2, y0 + ph + 52, xlabel, 17, 0, 0.5, 0.5);
    plot_text_vertical(cr, x0 - 70, y0 + ph / 2, "sweeps per bin", 17);
    /* Legend, top right inside the panel. */
    const char *names[2] = {"sunlit", "shadow"};
    /* Legend in the upper corner over the lower side of the histogram. */
    size_t left_max = 0, right_max = 0;
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < HIST_BINS / 2; b++) {
            left_max = h->count[c][b] > left_max ? h->count[c][b] : left_max;
            size_t r = h->count[c][HIST_BINS - 1 - b];
            right_max = r > right_max ? r : right_max;
        }
    double lx = right_max <= left_max ? x0 + pw - 250 : x0 + 20, ly = y0 + 14;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, lx - 10, ly - 6, 252, h->outside ? 86 : 62);
    cairo_fill(cr);
    for (int c = 0; c < 2; c++) {
        cairo_set_source_rgb(cr, col[c][0], col[c][1], col[c][2]);
        cairo_rectangle(cr, lx, ly + c * 26, 22, 16);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        snprintf(buf, sizeof buf, "%s %s (%zu)", sun_what, names[c], h->total[c]);
        plot_text(cr, lx + 30, ly + c * 26 + 8, buf, 15, 0, 0, 0.5);
    }
    if (h->outside) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        snprintf(buf, sizeof buf, "%zu outside the range", h->outside);
        plot_text(cr, lx, ly + 60, buf, 14, 0, 0, 0.5);
    }
}

lp_status plot_render_hist(const plot_data *d, const plot_style *st, const char *path,
                           lp_error *err)
{
    double ulo, uhi, slo, shi;
    sweep_range(d, d->u_surface, &ulo, &uhi);
    sweep_range(d, d->u_sc, &slo, &shi);
    if (!isfinite(ulo) && !isfinite(slo))
        return lp_error_set(err, LP_ERR_RANGE,
                            "no finite U_surface or U_sc in %zu rows: nothing to histogram",
                            d->n_rows);
    if (!isnan(st->vmin))
        ulo = st->vmin;
    if (!isnan(st->vmax))
        uhi = st->vmax;
    if (isfinite(ulo) && !(uhi > ulo))
        uhi = ulo + 1;
    cairo_surface_t *s;
    cairo_t *cr;
    lp_status rc = plot_page_open(PLOT_HIST_W, PLOT_HIST_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    char buf[512], counts[64];
    snprintf(counts, sizeof counts, "%zu sweeps", d->n_sweeps);
    plot_data_subtitle(d, st, counts, buf, sizeof buf);
    plot_page_titles(cr, PLOT_HIST_W / 2.0, 34, 68,
                     "Surface and spacecraft potential by illumination", buf);
    histogram h;
    const double py = 140, ph = 430, pw = 620;
    if (isfinite(ulo)) {
        histogram_fill(d, d->u_surface, d->fp_sun, ulo, uhi, &h);
        draw_histogram_panel(cr, &h, 120, py, pw, ph, "U_surface of fitted sweeps", "U_surface (V)",
                             "footpoint");
    } else {
        plot_text(cr, 120 + pw / 2, py + ph / 2, "no fitted U_surface", 18, 0, 0.5, 0.5);
    }
    if (isfinite(slo)) {
        histogram_fill(d, d->u_sc, d->sc_sun, slo, shi, &h);
        draw_histogram_panel(cr, &h, 900, py, pw, ph, "Spacecraft potential U_sc", "U_sc (V)",
                             "spacecraft");
    } else {
        plot_text(cr, 900 + pw / 2, py + ph / 2, "no finite U_sc", 18, 0, 0.5, 0.5);
    }
    return plot_page_close(s, cr, path, st->format, err);
}

#endif
