/* `lpmap plot` output formats and cairo's presence (docs/plot.md); without
 * cairo every product is LP_ERR_UNSUPPORTED with plot_enable_hint(). The
 * products are plot_map.c, plot_hist.c, plot_timeseries.c and
 * plot_grid_map.c, on the page and axes of plot_page.c. */
#include "plot/plot_render.h"

#include <string.h>

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

#endif
