/* Diverging colormap for `lpmap plot` (docs/plot.md): Moreland's
 * "cool to warm" map built in the Msh space derived from CIELAB, so the
 * lightness changes evenly from blue through a neutral centre to red and the
 * two halves are perceptually symmetric. Pure maths, no cairo needed. */
#ifndef LPMAP_PLOT_COLORMAP_H
#define LPMAP_PLOT_COLORMAP_H

#define COLORMAP_SIZE 256

/* Colour at t in [0,1] (clamped; NaN -> grey) as sRGB in [0,1]. */
void colormap_diverging(double t, double rgb[3]);

/* Fill a COLORMAP_SIZE-entry table (rgb[i*3 + c]). */
void colormap_diverging_table(double *rgb);

/* CIELAB (D65) of an sRGB colour; exposed for the tests. */
void colormap_srgb_to_lab(const double rgb[3], double lab[3]);

#endif
