/* The page and axes every `lpmap plot` product draws on (docs/plot.md):
 * a white canvas written atomically as PNG, SVG or PDF, the title lines,
 * text, nice ticks, the illumination colours, and the equirectangular frame
 * and colour bar the two kinds of map share. Only with cairo; each product
 * has its own file (plot_map.c, plot_hist.c, plot_timeseries.c,
 * plot_grid_map.c). */
#ifndef LPMAP_PLOT_PLOT_PAGE_H
#define LPMAP_PLOT_PLOT_PAGE_H

#include <stddef.h>

#include <cairo.h>

#include "core/status.h"
#include "plot/color_scale.h"
#include "plot/plot_data.h"
#include "plot/plot_render.h"

/* Okabe-Ito colours for the two illumination classes. */
extern const double PLOT_SUNLIT[3];
extern const double PLOT_SHADOW[3];

/* A w x h canvas (pixels, or points for SVG/PDF) for PATH, drawn into
 * PATH.part: white background, mitre joins. */
lp_status plot_page_open(int w, int h, int format, const char *path, cairo_surface_t **s,
                         cairo_t **cr, lp_error *err);
/* Finishes the picture and renames PATH.part to PATH (removes it on error). */
lp_status plot_page_close(cairo_surface_t *s, cairo_t *cr, const char *path, int format,
                          lp_error *err);
/* The bold title and the line under it, centred on cx. */
void plot_page_titles(cairo_t *cr, double cx, double y_title, double y_sub, const char *title,
                      const char *sub);
/* The line under the title of a batch-NPZ product: "SOURCE — FIRST to LAST
 * — COUNTS[, chi2 <= X]" (dates unknown without rows_utc; the cut only when
 * the style has one). */
void plot_data_subtitle(const plot_data *d, const plot_style *st, const char *counts, char *buf,
                        size_t n);

/* Text anchored at (x, y): ax 0 left / 0.5 centre / 1 right; ay likewise
 * on the glyph box (0 top, 0.5 middle, 1 bottom). */
void plot_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double ax,
               double ay);
/* Centred text turned 90 degrees counter-clockwise (axis titles). */
void plot_text_vertical(cairo_t *cr, double x, double y, const char *s, double size);

/* A round step (1, 2, 2.5, 5 x 10^k) giving at most about max_ticks ticks. */
double plot_nice_step(double span, int max_ticks);
/* Ticks at multiples of a nice step within [lo, hi] (at most 32); returns the count. */
int plot_nice_ticks(double lo, double hi, int max_ticks, double *ticks);
/* "%g" with a typographic minus sign (U+2212). */
void plot_format_tick(double v, char *buf, size_t n);
/* A horizontal grid line at height py across [x0, x0 + pw] in the given
 * grey, and the value's tick label left of x0. */
void plot_y_gridline(cairo_t *cr, double x0, double pw, double py, double grey, double value);
/* q-quantile (0..1) of the finite values of v; NaN when none. */
double plot_quantile(const double *v, size_t n, double q);

/* The equirectangular frame of both maps (PLOT_MAP_* geometry): the dark
 * plot area (no data) before the points or cells, then the 30 degree grid,
 * labels and axis titles over them. */
void plot_map_frame_background(cairo_t *cr);
void plot_map_frame_overlay(cairo_t *cr);
/* Colour bar right of the map with ticks and its label, and the line under
 * the map stating the limits and the kind of scale. */
void plot_map_colorbar(cairo_t *cr, const color_scale *sc, const char *label, const char *units,
                       const char *limits_note);

#endif
