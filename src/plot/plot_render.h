/* Rendering for `lpmap plot` (docs/plot.md) with cairo, as PNG, SVG or
 * PDF: the global equirectangular U_surface map, the U_surface / U_sc
 * histograms split by illumination, the U_sc / U_surface time series, and
 * the maps of a grid.npz. Without cairo at build time every function returns
 * LP_ERR_UNSUPPORTED with plot_enable_hint(). */
#ifndef LPMAP_PLOT_PLOT_RENDER_H
#define LPMAP_PLOT_PLOT_RENDER_H

#include "core/status.h"
#include "plot/plot_data.h"
#include "plot/plot_grid.h"

/* Image sizes in pixels (the tests check them). */
#define PLOT_MAP_W 1600
#define PLOT_MAP_H 860
#define PLOT_HIST_W 1600
#define PLOT_HIST_H 700
#define PLOT_TS_W 1600
#define PLOT_TS_H 900

/* Map geometry: plot area and colour bar, in pixels (for the tests). */
#define PLOT_MAP_X0 110
#define PLOT_MAP_Y0 110
#define PLOT_MAP_PW 1200
#define PLOT_MAP_PH 600
#define PLOT_CBAR_X0 1370
#define PLOT_CBAR_W 34

/* Output formats (cairo draws all three). */
enum { PLOT_FORMAT_PNG = 0, PLOT_FORMAT_SVG, PLOT_FORMAT_PDF };

typedef struct {
    double vmin, vmax;  /* colour limits; NaN: automatic (color_scale.h) */
    double chi2_max;    /* NaN when no cut (mentioned in the titles) */
    const char *source; /* NPZ name shown in the titles */
    int format;         /* PLOT_FORMAT_* (0: PNG) */
} plot_style;

/* "png", "svg", "pdf" -> PLOT_FORMAT_*; -1 when unknown. */
int plot_format_parse(const char *s);
const char *plot_format_extension(int format);

int plot_render_available(void);
/* Release cairo's process-wide font caches (call once, after the last
 * render, so leak checkers see a clean exit). */
void plot_render_release(void);
/* How to get a build with plotting ("apt-get install ... and rebuild"). */
const char *plot_enable_hint(void);

/* Each writes PATH atomically (PATH.part then rename). An empty product
 * (nothing finite to draw) is LP_ERR_RANGE with a message saying why. */
lp_status plot_render_map(const plot_data *d, const plot_style *st, const char *path,
                          lp_error *err);
lp_status plot_render_hist(const plot_data *d, const plot_style *st, const char *path,
                           lp_error *err);
lp_status plot_render_timeseries(const plot_data *d, const plot_style *st, const char *path,
                                 lp_error *err);

/* Maps of a grid.npz of `lpmap grid` (plot_grid.h): the chosen statistic
 * per cell, and the number of rows per cell (log scale). */
lp_status plot_render_grid_map(const plot_grid *g, const plot_style *st, const char *path,
                               lp_error *err);
lp_status plot_render_grid_count(const plot_grid *g, const plot_style *st, const char *path,
                                 lp_error *err);

#endif
