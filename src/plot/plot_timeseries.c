/* The time series of `lpmap plot` (docs/plot.md): U_sc and U_surface of
 * each sweep over time, coloured by illumination. */
#include "plot/plot_render.h"

#ifdef LPMAP_HAVE_CAIRO

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot/plot_page.h"

static void time_ticks(double t0, double t1, double *step_out, int *daily)
{
    static const double steps[] = {60,         300,        600,         1800,       3600,
                                   7200,       10800,      21600,       43200,      86400,
                                   2 * 86400,  5 * 86400,  10 * 86400,  20 * 86400, 30 * 86400,
                                   60 * 86400, 90 * 86400, 180 * 86400, 365 * 86400};
    double step = steps[sizeof steps / sizeof steps[0] - 1];
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
        if ((t1 - t0) / steps[k] <= 7) {
            step = steps[k];
            break;
        }
    *step_out = step;
    *daily = step >= 86400;
}

static void draw_series_panel(cairo_t *cr, const plot_data *d, const double *value,
                              const uint8_t *sun, double t0, double t1, double x0, double y0,
                              double pw, double ph, const char *ylabel, int show_xlabels)
{
    char buf[128];
    double *v = malloc((d->n_sweeps ? d->n_sweeps : 1) * sizeof *v);
    double lo = NAN, hi = NAN;
    if (v) {
        for (size_t k = 0; k < d->n_sweeps; k++)
            v[k] = value[d->sweep_row[k]];
        lo = plot_quantile(v, d->n_sweeps, 0.002);
        hi = plot_quantile(v, d->n_sweeps, 0.998);
        free(v);
    }
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text_vertical(cr, x0 - 78, y0 + ph / 2, ylabel, 17);
    if (!isfinite(lo)) {
        plot_text(cr, x0 + pw / 2, y0 + ph / 2, "no finite values", 18, 0, 0.5, 0.5);
    } else {
        if (!(hi > lo)) {
            lo -= 1;
            hi += 1;
        }
        double pad = 0.06 * (hi - lo);
        lo -= pad;
        hi += pad;
        double yt[32];
        int n = plot_nice_ticks(lo, hi, 6, yt);
        cairo_set_line_width(cr, 1);
        for (int k = 0; k < n; k++)
            plot_y_gridline(cr, x0, pw, y0 + ph - (yt[k] - lo) / (hi - lo) * ph, 0.85, yt[k]);
        cairo_save(cr);
        cairo_rectangle(cr, x0, y0, pw, ph);
        cairo_clip(cr);
        for (size_t k = 0; k < d->n_sweeps; k++) {
            size_t i = d->sweep_row[k];
            if (!isfinite(value[i]) || !isfinite(d->time[i]))
                continue;
            const double *c = !sun     ? (const double[3]){0.25, 0.25, 0.25}
                              : sun[i] ? PLOT_SUNLIT
                                       : PLOT_SHADOW;
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            double px = x0 + (d->time[i] - t0) / (t1 - t0) * pw;
            double py = y0 + ph - (value[i] - lo) / (hi - lo) * ph;
            cairo_arc(cr, px, py, 2.6, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        cairo_restore(cr);
    }
    /* Time grid. */
    double step;
    int daily;
    time_ticks(t0, t1, &step, &daily);
    cairo_set_line_width(cr, 1);
    for (double t = ceil(t0 / step) * step; t <= t1; t += step) {
        double px = x0 + (t - t0) / (t1 - t0) * pw;
        cairo_set_source_rgba(cr, 0.5, 0.5, 0.5, 0.35);
        cairo_move_to(cr, floor(px) + 0.5, y0);
        cairo_line_to(cr, floor(px) + 0.5, y0 + ph);
        cairo_stroke(cr);
        if (show_xlabels) {
            time_t tt = (time_t)t;
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(buf, sizeof buf, daily ? "%Y-%m-%d" : "%m-%d %H:%M", &tm);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            plot_text(cr, px, y0 + ph + 18, buf, 15, 0, 0.5, 0.5);
        }
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_stroke(cr);
}

lp_status plot_render_timeseries(const plot_data *d, const plot_style *st, const char *path,
                                 lp_error *err)
{
    double t0 = INFINITY, t1 = -INFINITY;
    size_t n_ok = 0;
    for (size_t k = 0; k < d->n_sweeps; k++) {
        size_t i = d->sweep_row[k];
        if (!d->time || !isfinite(d->time[i]))
            continue;
        if (!isfinite(d->u_sc[i]) && !isfinite(d->u_surface[i]))
            continue;
        n_ok++;
        t0 = fmin(t0, d->time[i]);
        t1 = fmax(t1, d->time[i]);
    }
    if (n_ok == 0)
        return lp_error_set(err, LP_ERR_RANGE,
                            "no sweep has a valid time and a finite U_sc or U_surface (%zu rows): "
                            "no time series",
                            d->n_rows);
    double pad = fmax(60.0, 0.01 * (t1 - t0));
    t0 -= pad;
    t1 += pad;
    cairo_surface_t *s;
    cairo_t *cr;
    lp_status rc = plot_page_open(PLOT_TS_W, PLOT_TS_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    char buf[512], counts[64];
    snprintf(counts, sizeof counts, "%zu sweeps", n_ok);
    plot_data_subtitle(d, st, counts, buf, sizeof buf);
    plot_page_titles(cr, PLOT_TS_W / 2.0, 34, 68, "Spacecraft and surface potential over time",
                     buf);
    const double x0 = 130, pw = 1400, ph = 320;
    draw_series_panel(cr, d, d->u_sc, d->sc_sun, t0, t1, x0, 120, pw, ph, "U_sc (V)", 0);
    draw_series_panel(cr, d, d->u_surface, d->fp_sun, t0, t1, x0, 480, pw, ph, "U_surface (V)", 1);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text(cr, x0 + pw / 2, 480 + ph + 56, "time (UTC)", 17, 0, 0.5, 0.5);
    /* Legend over the top panel's upper right corner. */
    const char *labels[2] = {"sunlit", "shadow"};
    const double *cols[2] = {PLOT_SUNLIT, PLOT_SHADOW};
    double lx = x0 + pw - 200, ly = 102;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    plot_text(cr, lx - 16, ly,
              "illumination of the spacecraft (U_sc) and of the footpoint (U_surface):", 14, 0, 1,
              0.5);
    for (int c = 0; c < 2; c++) {
        cairo_set_source_rgb(cr, cols[c][0], cols[c][1], cols[c][2]);
        cairo_arc(cr, lx + c * 100, ly, 6, 0, 2 * M_PI);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        plot_text(cr, lx + c * 100 + 12, ly, labels[c], 15, 0, 0, 0.5);
    }
    return plot_page_close(s, cr, path, st->format, err);
}

#endif
