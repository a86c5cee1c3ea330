/* cairo drawing of the `lpmap plot` products (docs/plot.md): the
 * footpoint map (equirectangular, automatic colour scale of color_scale.h,
 * colour bar, grid), histograms (sunlit vs shadow), time series, and the
 * statistic and count maps of a grid.npz; as PNG, SVG or PDF. Layout
 * constants are in pixels (points for SVG/PDF) of a fixed-size picture;
 * fonts are DejaVu Sans via fontconfig. */
#include "plot/plot_render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plot/color_scale.h"

const char *plot_enable_hint(void)
{
    return "this lpmap was built without cairo, so it cannot draw PNGs. Install the library and "
           "rebuild:\n  sudo apt-get install libcairo2-dev   (or: scripts/install-deps.sh)\n  "
           "cmake -S . -B build && cmake --build build";
}

int plot_format_parse(const char *s)
{
    return !strcmp(s, "png")   ? PLOT_FORMAT_PNG
           : !strcmp(s, "svg") ? PLOT_FORMAT_SVG
           : !strcmp(s, "pdf") ? PLOT_FORMAT_PDF
                               : -1;
}

const char *plot_format_extension(int format)
{
    return format == PLOT_FORMAT_SVG ? "svg" : format == PLOT_FORMAT_PDF ? "pdf" : "png";
}

#ifndef LPMAP_HAVE_CAIRO

int plot_render_available(void)
{
    return 0;
}

void plot_render_release(void) {}

static lp_status no_cairo(lp_error *err)
{
    return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s", plot_enable_hint());
}

lp_status plot_render_map(const plot_data *d, const plot_style *st, const char *path, lp_error *err)
{
    (void)d, (void)st, (void)path;
    return no_cairo(err);
}

lp_status plot_render_hist(const plot_data *d, const plot_style *st, const char *path,
                           lp_error *err)
{
    (void)d, (void)st, (void)path;
    return no_cairo(err);
}

lp_status plot_render_timeseries(const plot_data *d, const plot_style *st, const char *path,
                                 lp_error *err)
{
    (void)d, (void)st, (void)path;
    return no_cairo(err);
}

lp_status plot_render_grid_map(const plot_grid *g, const plot_style *st, const char *path,
                               lp_error *err)
{
    (void)g, (void)st, (void)path;
    return no_cairo(err);
}

lp_status plot_render_grid_count(const plot_grid *g, const plot_style *st, const char *path,
                                 lp_error *err)
{
    (void)g, (void)st, (void)path;
    return no_cairo(err);
}

#else

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#ifdef LPMAP_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

int plot_render_available(void)
{
    return 1;
}

void plot_render_release(void)
{
    cairo_debug_reset_static_data();
#ifdef LPMAP_HAVE_FONTCONFIG
    FcFini();
#endif
}

/* Okabe-Ito colours for the two illumination classes. */
static const double SUNLIT[3] = {0.90, 0.62, 0.0};
static const double SHADOW[3] = {0.0, 0.45, 0.70};
static const char *const FONT = "DejaVu Sans";

/* ---- small drawing helpers ------------------------------------------- */

/* Text anchored at (x, y): ax 0 left / 0.5 centre / 1 right; ay likewise
 * on the glyph box (0 top, 0.5 middle, 1 bottom). */
static void draw_text(cairo_t *cr, double x, double y, const char *s, double size, int bold,
                      double ax, double ay)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, s, &te);
    cairo_font_extents(cr, &fe);
    double h = fe.ascent * 0.75; /* cap height, roughly */
    cairo_move_to(cr, x - ax * te.x_advance, y + h * (1 - ay));
    cairo_show_text(cr, s);
}

static void draw_text_vertical(cairo_t *cr, double x, double y, const char *s, double size)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    draw_text(cr, 0, 0, s, size, 0, 0.5, 0.5);
    cairo_restore(cr);
}

static double nice_step(double span, int max_ticks)
{
    if (!(span > 0))
        return 1;
    double raw = span / max_ticks, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/* Ticks at multiples of a nice step within [lo, hi]; returns the count. */
static int nice_ticks(double lo, double hi, int max_ticks, double *ticks)
{
    double step = nice_step(hi - lo, max_ticks);
    int n = 0;
    for (double t = ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step && n < 32; t += step)
        ticks[n++] = fabs(t) < 1e-9 * step ? 0 : t;
    return n;
}

/* "%g" with a typographic minus sign (U+2212). */
static void format_tick(double v, char *buf, size_t n)
{
    if (v < 0)
        snprintf(buf, n, "\xe2\x88\x92%g", -v);
    else
        snprintf(buf, n, "%g", v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* q-quantile (0..1) of the finite values of v (n entries, stride 1). */
static double quantile(const double *v, size_t n, double q)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return NAN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            c[m++] = v[i];
    double r = NAN;
    if (m) {
        qsort(c, m, sizeof *c, cmp_double);
        double pos = q * (double)(m - 1);
        size_t i = (size_t)pos;
        r = i + 1 < m ? c[i] + (pos - (double)i) * (c[i + 1] - c[i]) : c[i];
    }
    free(c);
    return r;
}

static void fill_background(cairo_t *cr, int w, int h)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, w, h);
    cairo_fill(cr);
}

static void date_range_text(const plot_data *d, char *buf, size_t n)
{
    if (d->utc_first[0] && d->utc_last[0])
        snprintf(buf, n, "%.10s to %.10s", d->utc_first, d->utc_last);
    else
        snprintf(buf, n, "dates unknown");
}

/* Every picture goes to PATH.part and is renamed into place when complete.
 * PNG: an image surface written at the end; SVG and PDF: the vector surface
 * writes PATH.part itself as it is finished. */
static int part_path(const char *path, char *tmp, size_t n)
{
    return snprintf(tmp, n, "%s.part", path) < (int)n ? 0 : -1;
}

static lp_status finish_png(cairo_surface_t *s, cairo_t *cr, const char *path, int format,
                            lp_error *err)
{
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    char tmp[4096];
    part_path(path, tmp, sizeof tmp); /* checked by new_canvas */
    if (cs != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        remove(tmp);
        return lp_error_set(err, LP_ERR_IO, "drawing %s failed: %s", path,
                            cairo_status_to_string(cs));
    }
    if (format == PLOT_FORMAT_PNG) {
        cs = cairo_surface_write_to_png(s, tmp);
    } else {
        cairo_surface_finish(s);
        cs = cairo_surface_status(s);
    }
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS) {
        remove(tmp);
        return lp_error_set(err, LP_ERR_IO, "cannot write %s: %s", tmp, cairo_status_to_string(cs));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return lp_error_set(err, LP_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(e));
    }
    return LP_OK;
}

static lp_status new_canvas(int w, int h, int format, const char *path, cairo_surface_t **s,
                            cairo_t **cr, lp_error *err)
{
    char tmp[4096];
    if (part_path(path, tmp, sizeof tmp))
        return lp_error_set(err, LP_ERR_USAGE, "output path too long: %s", path);
    *s = format == PLOT_FORMAT_SVG   ? cairo_svg_surface_create(tmp, w, h)
         : format == PLOT_FORMAT_PDF ? cairo_pdf_surface_create(tmp, w, h)
                                     : cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(*s) != CAIRO_STATUS_SUCCESS) {
        cairo_status_t cs = cairo_surface_status(*s);
        cairo_surface_destroy(*s);
        remove(tmp);
        return lp_error_set(err, LP_ERR_IO, "cannot create a %dx%d picture %s: %s", w, h, tmp,
                            cairo_status_to_string(cs));
    }
    *cr = cairo_create(*s);
    fill_background(*cr, w, h);
    cairo_set_line_join(*cr, CAIRO_LINE_JOIN_MITER);
    return LP_OK;
}

/* ---- map ------------------------------------------------------------- */

/* Equirectangular frame of the maps: dark plot area (no data), 30 degree
 * grid with labels, axis titles. The points or cells are drawn between
 * map_frame_background and map_frame_overlay. */
static void map_frame_background(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.32, 0.32, 0.32);
    cairo_rectangle(cr, PLOT_MAP_X0, PLOT_MAP_Y0, PLOT_MAP_PW, PLOT_MAP_PH);
    cairo_fill(cr);
}

static void map_frame_overlay(cairo_t *cr)
{
    const double x0 = PLOT_MAP_X0, y0 = PLOT_MAP_Y0, pw = PLOT_MAP_PW, ph = PLOT_MAP_PH;
    char buf[64];
    cairo_set_line_width(cr, 1);
    for (int lon = -180; lon <= 180; lon += 30) {
        double px = x0 + (lon + 180) / 360.0 * pw;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.3);
        cairo_move_to(cr, floor(px) + 0.5, y0);
        cairo_line_to(cr, floor(px) + 0.5, y0 + ph);
        cairo_stroke(cr);
        format_tick(lon, buf, sizeof buf - 2);
        strcat(buf, "\xc2\xb0");
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        draw_text(cr, px, y0 + ph + 16, buf, 15, 0, 0.5, 0.5);
    }
    for (int lat = -90; lat <= 90; lat += 30) {
        double py = y0 + (90 - lat) / 180.0 * ph;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.3);
        cairo_move_to(cr, x0, floor(py) + 0.5);
        cairo_line_to(cr, x0 + pw, floor(py) + 0.5);
        cairo_stroke(cr);
        format_tick(lat, buf, sizeof buf - 2);
        strcat(buf, "\xc2\xb0");
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        draw_text(cr, x0 - 10, py, buf, 15, 0, 1, 0.5);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_stroke(cr);
    draw_text(cr, x0 + pw / 2, y0 + ph + 50,
              "Longitude (\xc2\xb0"
              "E, IAU_MOON)",
              17, 0, 0.5, 0.5);
    draw_text_vertical(cr, x0 - 68, y0 + ph / 2, "Latitude (\xc2\xb0N)", 17);
}

/* Colour bar right of the map with ticks and its label, and the line under
 * the map stating the limits and the kind of scale. */
static void map_colorbar(cairo_t *cr, const color_scale *sc, const char *label, const char *units,
                         const char *limits_note)
{
    const double cx = PLOT_CBAR_X0, cw = PLOT_CBAR_W, y0 = PLOT_MAP_Y0, ph = PLOT_MAP_PH;
    double vmin = sc->vmin, vmax = sc->vmax, rgb[3];
    char buf[512];
    for (int k = 0; k < (int)ph; k++) {
        color_scale_rgb(sc, vmax - (k + 0.5) / ph * (vmax - vmin), rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, cx, y0 + k, cw, 1);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, cx + 0.5, y0 + 0.5, cw - 1, ph - 1);
    cairo_stroke(cr);
    double ticks[32];
    int nt = nice_ticks(vmin, vmax, 8, ticks);
    for (int k = 0; k < nt; k++) {
        double py = y0 + (vmax - ticks[k]) / (vmax - vmin) * ph;
        cairo_move_to(cr, cx + cw, floor(py) + 0.5);
        cairo_line_to(cr, cx + cw + 6, floor(py) + 0.5);
        cairo_stroke(cr);
        format_tick(ticks[k], buf, sizeof buf);
        draw_text(cr, cx + cw + 10, py, buf, 15, 0, 0, 0.5);
    }
    draw_text_vertical(cr, cx + cw + 105, y0 + ph / 2, label, 17);
    char lo_txt[32], hi_txt[32];
    format_tick(vmin, lo_txt, sizeof lo_txt);
    format_tick(vmax, hi_txt, sizeof hi_txt);
    snprintf(buf, sizeof buf,
             "Colour limits %s to %s%s%s%s; %s. Values beyond the limits take the end colours; "
             "dark grey: no data.",
             lo_txt, hi_txt, units[0] ? " " : "", units, limits_note,
             sc->diverging ? "diverging scale, neutral colour at 0" : "sequential scale");
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    draw_text(cr, PLOT_MAP_X0, PLOT_MAP_H - 40, buf, 14, 0, 0, 0.5);
}

lp_status plot_render_map(const plot_data *d, const plot_style *st, const char *path, lp_error *err)
{
    size_t n_pts = 0;
    for (size_t i = 0; i < d->n_rows; i++)
        if (isfinite(d->u_surface[i]) && isfinite(d->lat[i]) && isfinite(d->lon[i]))
            n_pts++;
    if (n_pts == 0)
        return lp_error_set(err, LP_ERR_RANGE,
                            "no row has both a footpoint and a fitted U_surface%s (%zu rows): "
                            "nothing to map",
                            d->n_chi2_reject ? " passing --chi2-max" : "", d->n_rows);
    color_scale sc;
    color_scale_auto(d->u_surface, d->n_rows, st->vmin, st->vmax, &sc);

    cairo_surface_t *s;
    cairo_t *cr;
    lp_status rc = new_canvas(PLOT_MAP_W, PLOT_MAP_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    const double x0 = PLOT_MAP_X0, y0 = PLOT_MAP_Y0, pw = PLOT_MAP_PW, ph = PLOT_MAP_PH;

    char buf[512], range[96];
    date_range_text(d, range, sizeof range);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, x0 + pw / 2, 38, "Lunar surface potential at magnetic footpoints", 26, 1, 0.5,
              0.5);
    size_t sweeps = 0;
    for (size_t k = 0; k < d->n_sweeps; k++) {
        size_t i = d->sweep_row[k];
        if (isfinite(d->u_surface[i]))
            sweeps++;
    }
    char cut[64] = "";
    if (!isnan(st->chi2_max))
        snprintf(cut, sizeof cut, ", \xcf\x87\xc2\xb2 \xe2\x89\xa4 %g", st->chi2_max);
    snprintf(buf, sizeof buf,
             "%s  \xe2\x80\x94  %s  \xe2\x80\x94  %zu footpoints, %zu fitted sweeps%s",
             st->source ? st->source : "", range, n_pts, sweeps, cut);
    draw_text(cr, x0 + pw / 2, 74, buf, 17, 0, 0.5, 0.5);

    /* Plot area background (dark, so the light centre of the colormap stands
     * out) and points. */
    map_frame_background(cr);
    double size = n_pts < 5000 ? 5 : n_pts < 50000 ? 3.5 : 2.5;
    cairo_save(cr);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_clip(cr);
    for (size_t i = 0; i < d->n_rows; i++) {
        double u = d->u_surface[i], lat = d->lat[i], lon = d->lon[i];
        if (!isfinite(u) || !isfinite(lat) || !isfinite(lon))
            continue;
        lon = fmod(lon + 180.0, 360.0);
        if (lon < 0)
            lon += 360.0;
        double px = x0 + lon / 360.0 * pw, py = y0 + (90.0 - lat) / 180.0 * ph;
        double rgb[3];
        color_scale_rgb(&sc, u, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, px - size / 2, py - size / 2, size, size);
        cairo_fill(cr);
    }
    cairo_restore(cr);

    map_frame_overlay(cr);
    map_colorbar(cr, &sc, "U_surface (V)", "V",
                 sc.automatic ? " (2nd to 98th percentile, rounded)" : "");
    return finish_png(s, cr, path, st->format, err);
}

/* ---- histograms --------------------------------------------------------- */

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
    *lo = quantile(v, d->n_sweeps, 0.005);
    *hi = quantile(v, d->n_sweeps, 0.995);
    free(v);
    if (isfinite(*lo) && !(*hi > *lo)) {
        *lo -= 1;
        *hi += 1;
    }
    if (isfinite(*lo)) { /* widen to nice edges */
        double step = nice_step(*hi - *lo, 10);
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
    double ytop = ceil(ymax * 1.35 / nice_step(ymax * 1.35, 6)) * nice_step(ymax * 1.35, 6);
    int nyt = nice_ticks(0, ytop, 6, yticks);

    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, x0 + pw / 2, y0 - 22, title, 18, 1, 0.5, 0.5);
    /* Grid + y ticks. */
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < nyt; k++) {
        double py = y0 + ph - yticks[k] / ytop * ph;
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_move_to(cr, x0, floor(py) + 0.5);
        cairo_line_to(cr, x0 + pw, floor(py) + 0.5);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        format_tick(yticks[k], buf, sizeof buf);
        draw_text(cr, x0 - 8, py, buf, 15, 0, 1, 0.5);
    }
    /* Bars: translucent fill plus outline per class. */
    const double *col[2] = {SUNLIT, SHADOW};
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
    int nxt = nice_ticks(h->lo, h->hi, 7, xt);
    cairo_set_line_width(cr, 1);
    for (int k = 0; k < nxt; k++) {
        double px = x0 + (xt[k] - h->lo) / (h->hi - h->lo) * pw;
        cairo_move_to(cr, floor(px) + 0.5, y0 + ph);
        cairo_line_to(cr, floor(px) + 0.5, y0 + ph + 6);
        cairo_stroke(cr);
        format_tick(xt[k], buf, sizeof buf);
        draw_text(cr, px, y0 + ph + 20, buf, 15, 0, 0.5, 0.5);
    }
    draw_text(cr, x0 + pw / 2, y0 + ph + 52, xlabel, 17, 0, 0.5, 0.5);
    draw_text_vertical(cr, x0 - 70, y0 + ph / 2, "sweeps per bin", 17);
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
        draw_text(cr, lx + 30, ly + c * 26 + 8, buf, 15, 0, 0, 0.5);
    }
    if (h->outside) {
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        snprintf(buf, sizeof buf, "%zu outside the range", h->outside);
        draw_text(cr, lx, ly + 60, buf, 14, 0, 0, 0.5);
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
    lp_status rc = new_canvas(PLOT_HIST_W, PLOT_HIST_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    char buf[512], range[96];
    date_range_text(d, range, sizeof range);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, PLOT_HIST_W / 2.0, 34, "Surface and spacecraft potential by illumination", 26, 1,
              0.5, 0.5);
    char cut[64] = "";
    if (!isnan(st->chi2_max))
        snprintf(cut, sizeof cut, ", \xcf\x87\xc2\xb2 \xe2\x89\xa4 %g", st->chi2_max);
    snprintf(buf, sizeof buf, "%s  \xe2\x80\x94  %s  \xe2\x80\x94  %zu sweeps%s",
             st->source ? st->source : "", range, d->n_sweeps, cut);
    draw_text(cr, PLOT_HIST_W / 2.0, 68, buf, 17, 0, 0.5, 0.5);
    histogram h;
    const double py = 140, ph = 430, pw = 620;
    if (isfinite(ulo)) {
        histogram_fill(d, d->u_surface, d->fp_sun, ulo, uhi, &h);
        draw_histogram_panel(cr, &h, 120, py, pw, ph, "U_surface of fitted sweeps", "U_surface (V)",
                             "footpoint");
    } else {
        draw_text(cr, 120 + pw / 2, py + ph / 2, "no fitted U_surface", 18, 0, 0.5, 0.5);
    }
    if (isfinite(slo)) {
        histogram_fill(d, d->u_sc, d->sc_sun, slo, shi, &h);
        draw_histogram_panel(cr, &h, 900, py, pw, ph, "Spacecraft potential U_sc", "U_sc (V)",
                             "spacecraft");
    } else {
        draw_text(cr, 900 + pw / 2, py + ph / 2, "no finite U_sc", 18, 0, 0.5, 0.5);
    }
    return finish_png(s, cr, path, st->format, err);
}

/* ---- time series -------------------------------------------------------- */

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
        lo = quantile(v, d->n_sweeps, 0.002);
        hi = quantile(v, d->n_sweeps, 0.998);
        free(v);
    }
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text_vertical(cr, x0 - 78, y0 + ph / 2, ylabel, 17);
    if (!isfinite(lo)) {
        draw_text(cr, x0 + pw / 2, y0 + ph / 2, "no finite values", 18, 0, 0.5, 0.5);
    } else {
        if (!(hi > lo)) {
            lo -= 1;
            hi += 1;
        }
        double pad = 0.06 * (hi - lo);
        lo -= pad;
        hi += pad;
        double yt[32];
        int n = nice_ticks(lo, hi, 6, yt);
        cairo_set_line_width(cr, 1);
        for (int k = 0; k < n; k++) {
            double py = y0 + ph - (yt[k] - lo) / (hi - lo) * ph;
            cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
            cairo_move_to(cr, x0, floor(py) + 0.5);
            cairo_line_to(cr, x0 + pw, floor(py) + 0.5);
            cairo_stroke(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            format_tick(yt[k], buf, sizeof buf);
            draw_text(cr, x0 - 8, py, buf, 15, 0, 1, 0.5);
        }
        cairo_save(cr);
        cairo_rectangle(cr, x0, y0, pw, ph);
        cairo_clip(cr);
        for (size_t k = 0; k < d->n_sweeps; k++) {
            size_t i = d->sweep_row[k];
            if (!isfinite(value[i]) || !isfinite(d->time[i]))
                continue;
            const double *c = !sun ? (const double[3]){0.25, 0.25, 0.25} : sun[i] ? SUNLIT : SHADOW;
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
            draw_text(cr, px, y0 + ph + 18, buf, 15, 0, 0.5, 0.5);
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
    lp_status rc = new_canvas(PLOT_TS_W, PLOT_TS_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    char buf[512], range[96];
    date_range_text(d, range, sizeof range);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, PLOT_TS_W / 2.0, 34, "Spacecraft and surface potential over time", 26, 1, 0.5,
              0.5);
    char cut[64] = "";
    if (!isnan(st->chi2_max))
        snprintf(cut, sizeof cut, ", \xcf\x87\xc2\xb2 \xe2\x89\xa4 %g", st->chi2_max);
    snprintf(buf, sizeof buf, "%s  \xe2\x80\x94  %s  \xe2\x80\x94  %zu sweeps%s",
             st->source ? st->source : "", range, n_ok, cut);
    draw_text(cr, PLOT_TS_W / 2.0, 68, buf, 17, 0, 0.5, 0.5);
    const double x0 = 130, pw = 1400, ph = 320;
    draw_series_panel(cr, d, d->u_sc, d->sc_sun, t0, t1, x0, 120, pw, ph, "U_sc (V)", 0);
    draw_series_panel(cr, d, d->u_surface, d->fp_sun, t0, t1, x0, 480, pw, ph, "U_surface (V)", 1);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, x0 + pw / 2, 480 + ph + 56, "time (UTC)", 17, 0, 0.5, 0.5);
    /* Legend over the top panel's upper right corner. */
    const char *labels[2] = {"sunlit", "shadow"};
    const double *cols[2] = {SUNLIT, SHADOW};
    double lx = x0 + pw - 200, ly = 102;
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    draw_text(cr, lx - 16, ly,
              "illumination of the spacecraft (U_sc) and of the footpoint (U_surface):", 14, 0, 1,
              0.5);
    for (int c = 0; c < 2; c++) {
        cairo_set_source_rgb(cr, cols[c][0], cols[c][1], cols[c][2]);
        cairo_arc(cr, lx + c * 100, ly, 6, 0, 2 * M_PI);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        draw_text(cr, lx + c * 100 + 12, ly, labels[c], 15, 0, 0, 0.5);
    }
    return finish_png(s, cr, path, st->format, err);
}

/* ---- maps of a grid.npz ------------------------------------------------ */

/* Title lines and cells of one grid map; value(k) gives the colour value of
 * cell k (NaN: no data, left dark grey). */
static lp_status render_grid(const plot_grid *g, const plot_style *st, const char *path,
                             const double *value, const char *title, const char *bar_label,
                             const char *units, const char *note, lp_error *err)
{
    size_t nc = g->nlat * g->nlon, n_ok = 0;
    for (size_t k = 0; k < nc; k++)
        n_ok += isfinite(value[k]);
    if (n_ok == 0)
        return lp_error_set(err, LP_ERR_RANGE, "%s: no cell has a finite %s: nothing to map",
                            st->source ? st->source : "grid", g->key);
    color_scale sc;
    color_scale_auto(value, nc, st->vmin, st->vmax, &sc);
    cairo_surface_t *s;
    cairo_t *cr;
    lp_status rc = new_canvas(PLOT_MAP_W, PLOT_MAP_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    const double x0 = PLOT_MAP_X0, y0 = PLOT_MAP_Y0, pw = PLOT_MAP_PW, ph = PLOT_MAP_PH;
    char buf[768];
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    draw_text(cr, x0 + pw / 2, 38, title, 26, 1, 0.5, 0.5);
    snprintf(buf, sizeof buf,
             "%s  \xe2\x80\x94  %g\xc2\xb0 cells, %zu of %zu with data, %.0f rows%s%s",
             st->source ? st->source : "", g->res, n_ok, nc, g->rows_total,
             g->selection[0] ? "  \xe2\x80\x94  " : "", g->selection);
    draw_text(cr, x0 + pw / 2, 74, buf, 17, 0, 0.5, 0.5);
    map_frame_background(cr);
    double cw = pw / (double)g->nlon, ch = ph / (double)g->nlat;
    for (size_t i = 0; i < g->nlat; i++)
        for (size_t j = 0; j < g->nlon; j++) {
            double v = value[i * g->nlon + j], rgb[3];
            if (!isfinite(v))
                continue;
            color_scale_rgb(&sc, v, rgb);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            /* Row 0 is the southernmost; cells overlap by a hair so no seams show. */
            double px = x0 + (double)j * cw, py = y0 + ph - (double)(i + 1) * ch;
            cairo_rectangle(cr, px, py, cw + 0.3, ch + 0.3);
            cairo_fill(cr);
        }
    map_frame_overlay(cr);
    char lim[96];
    snprintf(lim, sizeof lim, "%s%s",
             sc.automatic ? " (2nd to 98th percentile of cells, rounded)" : "", note);
    map_colorbar(cr, &sc, bar_label, units, lim);
    return finish_png(s, cr, path, st->format, err);
}

lp_status plot_render_grid_map(const plot_grid *g, const plot_style *st, const char *path,
                               lp_error *err)
{
    const char *q = g->key, *units = "V", *what = "U_surface";
    if (!strncmp(q, "u_sc_", 5))
        what = "U_sc";
    else if (!strncmp(q, "t_e_", 4))
        what = "T_e", units = "eV";
    const char *stat = strrchr(q, '_') ? strrchr(q, '_') + 1 : q;
    if (strstr(q, "wmean_sigma"))
        stat = "sigma of the weighted mean";
    else if (strstr(q, "wmean"))
        stat = "weighted mean";
    char title[160], label[96];
    snprintf(title, sizeof title, "%s per %g\xc2\xb0 cell (%s)", what, g->res, stat);
    snprintf(label, sizeof label, "%s %s (%s)", what, stat, units);
    return render_grid(g, st, path, g->value, title, label, units, "", err);
}

lp_status plot_render_grid_count(const plot_grid *g, const plot_style *st, const char *path,
                                 lp_error *err)
{
    size_t nc = g->nlat * g->nlon;
    double *lg = malloc(nc * sizeof *lg);
    if (!lg)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < nc; k++)
        lg[k] = g->count[k] > 0 ? log10(g->count[k]) : NAN;
    /* Counts are never negative: a sequential scale from the automatic
     * limits (the user's --vmin/--vmax apply to the statistic map). */
    plot_style cst = *st;
    cst.vmin = cst.vmax = NAN;
    char title[128];
    snprintf(title, sizeof title, "Footpoint rows per %g\xc2\xb0 cell", g->res);
    lp_status rc =
        render_grid(g, &cst, path, lg, title, "log10(rows per cell)", "", "; 0 = 1 row", err);
    free(lg);
    return rc;
}

#endif
