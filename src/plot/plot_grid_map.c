/* The maps of a grid.npz of `lpmap grid` for `lpmap plot` (docs/plot.md):
 * the chosen statistic per cell, and the rows per cell (log scale). */
#include "plot/plot_render.h"

#ifdef LPMAP_HAVE_CAIRO

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot_page.h"

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
    lp_status rc = plot_page_open(PLOT_MAP_W, PLOT_MAP_H, st->format, path, &s, &cr, err);
    if (rc != LP_OK)
        return rc;
    const double x0 = PLOT_MAP_X0, y0 = PLOT_MAP_Y0, pw = PLOT_MAP_PW, ph = PLOT_MAP_PH;
    char buf[768];
    snprintf(buf, sizeof buf,
             "%s  \xe2\x80\x94  %g\xc2\xb0 cells, %zu of %zu with data, %.0f rows%s%s",
             st->source ? st->source : "", g->res, n_ok, nc, g->rows_total,
             g->selection[0] ? "  \xe2\x80\x94  " : "", g->selection);
    plot_page_titles(cr, x0 + pw / 2, 38, 74, title, buf);
    plot_map_frame_background(cr);
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
    plot_map_frame_overlay(cr);
    char lim[96];
    snprintf(lim, sizeof lim, "%s%s",
             sc.automatic ? " (2nd to 98th percentile of cells, rounded)" : "", note);
    plot_map_colorbar(cr, &sc, bar_label, units, lim);
    return plot_page_close(s, cr, path, st->format, err);
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
