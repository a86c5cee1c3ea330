/* Automatic colour scales (see color_scale.h). */
#include "plot/color_scale.h"

#include <math.h>
#include <stdlib.h>

#include "plot/colormap.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double sorted_quantile(const double *c, size_t m, double q)
{
    double pos = q * (double)(m - 1);
    size_t i = (size_t)pos;
    return i + 1 < m ? c[i] + (pos - (double)i) * (c[i + 1] - c[i]) : c[i];
}

/* 1, 2, 2.5 or 5 times a power of ten, about span/5. */
static double nice_step(double span)
{
    double raw = span / 5, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

void color_scale_auto(const double *v, size_t n, double user_vmin, double user_vmax,
                      color_scale *out)
{
    double lo = NAN, hi = NAN;
    double *c = malloc((n ? n : 1) * sizeof *c);
    size_t m = 0;
    if (c) {
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i]))
                c[m++] = v[i];
        if (m) {
            qsort(c, m, sizeof *c, cmp_double);
            lo = sorted_quantile(c, m, COLOR_SCALE_P_LO);
            hi = sorted_quantile(c, m, COLOR_SCALE_P_HI);
        }
        free(c);
    }
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = -1;
        hi = 1;
    }
    if (!(hi > lo)) { /* constant data: a band around the value */
        double w = fabs(lo) > 0 ? 0.1 * fabs(lo) : 1;
        lo -= w;
        hi += w;
    }
    double step = nice_step(hi - lo);
    lo = floor(lo / step) * step + 0.0; /* + 0.0: no "-0" label */
    hi = ceil(hi / step) * step + 0.0;
    out->automatic = isnan(user_vmin) || isnan(user_vmax);
    out->vmin = isnan(user_vmin) ? lo : user_vmin;
    out->vmax = isnan(user_vmax) ? hi : user_vmax;
    if (!(out->vmax > out->vmin)) { /* one limit given beyond the automatic other */
        if (isnan(user_vmin))
            out->vmin = out->vmax - (hi - lo);
        else
            out->vmax = out->vmin + (hi - lo);
    }
    out->diverging = out->vmin < 0 && out->vmax > 0;
}

double color_scale_position(const color_scale *s, double u)
{
    double t;
    if (s->diverging)
        t = u < 0 ? 0.5 * (u - s->vmin) / -s->vmin : 0.5 + 0.5 * u / s->vmax;
    else
        t = (u - s->vmin) / (s->vmax - s->vmin);
    return t < 0 ? 0 : t > 1 ? 1 : t;
}

void color_scale_rgb(const color_scale *s, double u, double rgb[3])
{
    double t = color_scale_position(s, u);
    if (s->diverging)
        colormap_diverging(t, rgb);
    else
        colormap_sequential(t, rgb);
}

void colormap_sequential(double t, double rgb[3])
{
    /* viridis (van der Walt & Smith, matplotlib) at t = 0, 0.1, ..., 1. */
    static const double stops[11][3] = {
        {0.267004, 0.004874, 0.329415}, {0.282623, 0.140926, 0.457517},
        {0.253935, 0.265254, 0.529983}, {0.206756, 0.371758, 0.553117},
        {0.163625, 0.471133, 0.558148}, {0.127568, 0.566949, 0.550556},
        {0.134692, 0.658636, 0.517649}, {0.266941, 0.748751, 0.440573},
        {0.477504, 0.821444, 0.318195}, {0.741388, 0.873449, 0.149561},
        {0.993248, 0.906157, 0.143936}};
    if (isnan(t)) {
        rgb[0] = rgb[1] = rgb[2] = 0.5;
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double x = t * 10;
    int i = (int)x;
    if (i >= 10)
        i = 9;
    double f = x - i;
    for (int k = 0; k < 3; k++)
        rgb[k] = stops[i][k] + f * (stops[i + 1][k] - stops[i][k]);
}
