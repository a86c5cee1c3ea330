/* Automatic colour scales of the maps (`lpmap plot`): limits from robust
 * percentiles (2nd and 98th) of the data, rounded outwards to nice values; a
 * diverging scale with its neutral centre at 0 only when the limits straddle
 * 0 (each side stretched to its own limit, so the hue always gives the
 * sign), otherwise a sequential scale (viridis) over the limits. Shared by
 * the footpoint map and the binned grid maps. Pure maths, no cairo needed. */
#ifndef LPMAP_PLOT_COLOR_SCALE_H
#define LPMAP_PLOT_COLOR_SCALE_H

#include <stddef.h>

#define COLOR_SCALE_P_LO 0.02
#define COLOR_SCALE_P_HI 0.98

typedef struct {
    double vmin, vmax;
    int diverging; /* 1: centre at 0 (vmin < 0 < vmax) */
    int automatic; /* 1: a limit came from the percentiles */
} color_scale;

/* Scale for the finite values of v[0..n); user_vmin / user_vmax (NaN: auto)
 * override the percentile limits. Always returns vmax > vmin. */
void color_scale_auto(const double *v, size_t n, double user_vmin, double user_vmax,
                      color_scale *out);

/* Position in [0, 1] of u on the scale (clamped). */
double color_scale_position(const color_scale *s, double u);

/* sRGB in [0, 1] of u on the scale. */
void color_scale_rgb(const color_scale *s, double u, double rgb[3]);

/* Sequential perceptually uniform map (viridis, interpolated between 11
 * of its published stops) at t in [0, 1]. */
void colormap_sequential(double t, double rgb[3]);

#endif
