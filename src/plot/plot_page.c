/* The page and axes of the `lpmap plot` products (see plot_page.h):
 * layout constants are in pixels (points for SVG/PDF) of a fixed-size
 * picture; fonts are DejaVu Sans via fontconfig. */
#ifdef LPMAP_HAVE_CAIRO

#include "plot/plot_page.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

const double PLOT_SUNLIT[3] = {0.90, 0.62, 0.0};
const double PLOT_SHADOW[3] = {0.0, 0.45, 0.70};
static const char *const FONT = "DejaVu Sans";

/* ---- text and ticks ---------------------------------------------------- */

/* Text anchored at (x, y): ax 0 left / 0.5 centre / 1 right; ay likewise
 * on the glyph box (0 top, 0.5 middle, 1 bottom). */
void plot_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double ax,
               double ay)
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

void plot_text_vertical(cairo_t *cr, double x, double y, const char *s, double size)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -M_PI / 2);
    plot_text(cr, 0, 0, s, size, 0, 0.5, 0.5);
    cairo_restore(cr);
}

double plot_nice_step(double span, int max_ticks)
{
    if (!(span > 0))
        return 1;
    double raw = span / max_ticks, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/* Ticks at multiples of a nice step within [lo, hi]; returns the count. */
int plot_nice_ticks(double lo, double hi, int max_ticks, double *ticks)
{
    double step = plot_nice_step(hi - lo, max_ticks);
    int n = 0;
    for (double t = ceil(lo / step - 1e-9) * step; t <= hi + 1e-9 * step && n < 32; t += step)
        ticks[n++] = fabs(t) < 1e-9 * step ? 0 : t;
    return n;
}

void plot_y_gridline(cairo_t *cr, double x0, double pw, double py, double grey, double value)
{
    char buf[64];
    cairo_set_source_rgb(cr, grey, grey, grey);
    cairo_move_to(cr, x0, floor(py) + 0.5);
    cairo_line_to(cr, x0 + pw, floor(py) + 0.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_format_tick(value, buf, sizeof buf);
    plot_text(cr, x0 - 8, py, buf, 15, 0, 1, 0.5);
}

/* "%g" with a typographic minus sign (U+2212). */
void plot_format_tick(double v, char *buf, size_t n)
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
double plot_quantile(const double *v, size_t n, double q)
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

void plot_page_titles(cairo_t *cr, double cx, double y_title, double y_sub, const char *title,
                      const char *sub)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text(cr, cx, y_title, title, 26, 1, 0.5, 0.5);
    plot_text(cr, cx, y_sub, sub, 17, 0, 0.5, 0.5);
}

void plot_data_subtitle(const plot_data *d, const plot_style *st, const char *counts, char *buf,
                        size_t n)
{
    char range[96], cut[64] = "";
    if (d->utc_first[0] && d->utc_last[0])
        snprintf(range, sizeof range, "%.10s to %.10s", d->utc_first, d->utc_last);
    else
        snprintf(range, sizeof range, "dates unknown");
    if (!isnan(st->chi2_max))
        snprintf(cut, sizeof cut, ", \xcf\x87\xc2\xb2 \xe2\x89\xa4 %g", st->chi2_max);
    snprintf(buf, n, "%s  \xe2\x80\x94  %s  \xe2\x80\x94  %s%s", st->source ? st->source : "",
             range, counts, cut);
}

/* ---- the page -------------------------------------------------------- */

/* Every picture goes to PATH.part and is renamed into place when complete.
 * PNG: an image surface written at the end; SVG and PDF: the vector surface
 * writes PATH.part itself as it is finished. */
static int part_path(const char *path, char *tmp, size_t n)
{
    return snprintf(tmp, n, "%s.part", path) < (int)n ? 0 : -1;
}

lp_status plot_page_close(cairo_surface_t *s, cairo_t *cr, const char *path, int format,
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

lp_status plot_page_open(int w, int h, int format, const char *path, cairo_surface_t **s,
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

/* ---- the equirectangular frame of the maps ---------------------------- */

void plot_map_frame_background(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.32, 0.32, 0.32);
    cairo_rectangle(cr, PLOT_MAP_X0, PLOT_MAP_Y0, PLOT_MAP_PW, PLOT_MAP_PH);
    cairo_fill(cr);
}

void plot_map_frame_overlay(cairo_t *cr)
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
        plot_format_tick(lon, buf, sizeof buf - 2);
        strcat(buf, "\xc2\xb0");
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        plot_text(cr, px, y0 + ph + 16, buf, 15, 0, 0.5, 0.5);
    }
    for (int lat = -90; lat <= 90; lat += 30) {
        double py = y0 + (90 - lat) / 180.0 * ph;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.3);
        cairo_move_to(cr, x0, floor(py) + 0.5);
        cairo_line_to(cr, x0 + pw, floor(py) + 0.5);
        cairo_stroke(cr);
        plot_format_tick(lat, buf, sizeof buf - 2);
        strcat(buf, "\xc2\xb0");
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        plot_text(cr, x0 - 10, py, buf, 15, 0, 1, 0.5);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_rectangle(cr, x0, y0, pw, ph);
    cairo_stroke(cr);
    plot_text(cr, x0 + pw / 2, y0 + ph + 50,
              "Longitude (\xc2\xb0"
              "E, IAU_MOON)",
              17, 0, 0.5, 0.5);
    plot_text_vertical(cr, x0 - 68, y0 + ph / 2, "Latitude (\xc2\xb0N)", 17);
}

void plot_map_colorbar(cairo_t *cr, const color_scale *sc, const char *label, const char *units,
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
    int nt = plot_nice_ticks(vmin, vmax, 8, ticks);
    for (int k = 0; k < nt; k++) {
        double py = y0 + (vmax - ticks[k]) / (vmax - vmin) * ph;
        cairo_move_to(cr, cx + cw, floor(py) + 0.5);
        cairo_line_to(cr, cx + cw + 6, floor(py) + 0.5);
        cairo_stroke(cr);
        plot_format_tick(ticks[k], buf, sizeof buf);
        plot_text(cr, cx + cw + 10, py, buf, 15, 0, 0, 0.5);
    }
    plot_text_vertical(cr, cx + cw + 105, y0 + ph / 2, label, 17);
    char lo_txt[32], hi_txt[32];
    plot_format_tick(vmin, lo_txt, sizeof lo_txt);
    plot_format_tick(vmax, hi_txt, sizeof hi_txt);
    snprintf(buf, sizeof buf,
             "Colour limits %s to %s%s%s%s; %s. Values beyond the limits take the end colours; "
             "dark grey: no data.",
             lo_txt, hi_txt, units[0] ? " " : "", units, limits_note,
             sc->diverging ? "diverging scale, neutral colour at 0" : "sequential scale");
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    plot_text(cr, PLOT_MAP_X0, PLOT_MAP_H - 40, buf, 14, 0, 0, 0.5);
}

#endif
