/* The footpoint map of `lpmap plot` (docs/plot.md): U_surface of every
 * fitted row at its footpoint, equirectangular, automatic colour scale of
 * color_scale.h. */
#include "plot/plot_render.h"

#ifdef LPMAP_HAVE_CAIRO

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_page.h"

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
    lp_status rc = plot_page_open(PLOT_MAP_W, PLOT_MAP_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    const double x0 = PLOT_MAP_X0, y0 = PLOT_MAP_Y0, pw = PLOT_MAP_PW, ph = PLOT_MAP_PH;

    size_t sweeps = 0;
    for (size_t k = 0; k < d->n_sweeps; k++) {
        size_t i = d->sweep_row[k];
        if (isfinite(d->u_surface[i]))
            sweeps++;
    }
    char buf[512], counts[96];
    snprintf(counts, sizeof counts, "%zu footpoints, %zu fitted sweeps", n_pts, sweeps);
    plot_data_subtitle(d, st, counts, buf, sizeof buf);
    plot_page_titles(cr, x0 + pw / 2, 38, 74, "Lunar surface potential at magnetic footpoints",
                     buf);

    /* Plot area background (dark, so the light centre of the colormap stands
     * out) and points. */
    plot_map_frame_background(cr);
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

    plot_map_frame_overlay(cr);
    plot_map_colorbar(cr, &sc, "U_surface (V)", "V",
                      sc.automatic ? " (2nd to 98th percentile, rounded)" : "");
    return plot_page_close(s, cr, path, st->format, err);
}

#endif
