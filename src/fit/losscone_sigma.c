/* Surface-potential estimate and sigma (see losscone_sigma.h). The
 * halekas/lillis chi2 sums squared residuals without per-bin errors, so the
 * bins' variance is estimated from the fit (chi2_min / (bins - 3)); the
 * counts deviance has its own scale (variance 1, more where the fit shows
 * extra scatter). The profile chi2 over U, read as a likelihood
 * exp(-Δχ²/(2·variance)) with a flat prior in U, gives the estimate (its
 * mean) and the statistical sigma (its standard deviation), on a grid
 * spanning twice the distance at which the profile first rises by one
 * variance each side (docs/decisions.md "U_surface: the profile mean"). The
 * U_sc part: the fit re-polished with U_sc ± δ (the exact line searches of
 * losscone_polish.h), its slope dU/dU_sc times σ(U_sc). */
#include "fit/losscone_sigma.h"

#include <math.h>
#include <stdlib.h>

#include "fit/losscone_polish.h"

#define LCS_MAX_DOUBLINGS 16
/* the grid: 15 points over twice the doubling bracket each side, the
 * same profile evaluations the bisected 1-sigma edges took before
 * (docs/performance.md "Wake: the profile mean") */
#define LCS_GRID 15
#define LCS_GRID_SPAN 2.0
#define LCS_SLOPE_TRIES 4 /* dU/dU_sc: the step halved up to 3 times */

/* chi2 at u with r re-fitted exactly (the amplitude held). The counts
 * objective re-fits the beam amplitude too, then r again: the beam's
 * energy moves with u (centre U_sc - u, 15 eV wide), so with the amplitude
 * held the profile would measure the beam's shape, not the data's
 * information on u. */
static double profile_at(const lc_prepared *p, const losscone_settings *s, double u, double r,
                         double a)
{
    double rb = lc_polish_line(p, &s->shape, LC_LINE_R, u, r, a, s->r_min, s->r_max);
    double f = lc_chi2(p, &s->shape, u, rb, a), f0 = lc_chi2(p, &s->shape, u, r, a);
    if (f0 < f) {
        f = f0;
        rb = r;
    }
    if (s->method != FIT_METHOD_COUNTS || s->beam_amp_fixed)
        return f;
    double alo = s->a_min, ahi = s->a_max;
    double ab = lc_polish_amp(p, &s->shape, u, rb, alo, ahi);
    double fa = lc_chi2(p, &s->shape, u, rb, ab);
    if (fa < f) {
        f = fa;
        a = ab;
        double r2 = lc_polish_line(p, &s->shape, LC_LINE_R, u, rb, a, s->r_min, s->r_max);
        double f2 = lc_chi2(p, &s->shape, u, r2, a);
        f = f2 < f ? f2 : f;
    }
    return f;
}

/* Distance from u0 of the first doubling step at which the profile
 * exceeds `lim` towards dir (the edge lies between it and half of it), or
 * the distance to the bound of U when that comes first. */
static double profile_bracket(const lc_prepared *p, const losscone_settings *s, double u0, double r,
                              double a, double lim, int dir)
{
    double bound = dir > 0 ? s->u_max : s->u_min;
    double h = fmax(0.25, 0.002 * fabs(u0)), in = 0.0;
    for (int k = 0; k < LCS_MAX_DOUBLINGS; k++, h *= 2.0) {
        double u = u0 + dir * h;
        if ((dir > 0 && u >= bound) || (dir < 0 && u <= bound))
            return fabs(bound - u0);
        if (profile_at(p, s, u, r, a) > lim)
            return h;
        in = h;
    }
    return in;
}

/* Mean and standard deviation of U under the profile likelihood
 * exp(-(chi2(U) - chi2_min) / (2 var)) on LCS_GRID points over [ulo, uhi]
 * (f0: the fit's chi2, so the weights never overflow). */
static void profile_moments(const lc_prepared *p, const losscone_settings *s, double ulo,
                            double uhi, double r, double a, double f0, double var, double *mean,
                            double *sd)
{
    double f[LCS_GRID], fmin = f0;
    for (int g = 0; g < LCS_GRID; g++) {
        f[g] = profile_at(p, s, ulo + (uhi - ulo) * g / (LCS_GRID - 1), r, a);
        fmin = f[g] < fmin ? f[g] : fmin;
    }
    double w = 0.0, wu = 0.0, wuu = 0.0;
    for (int g = 0; g < LCS_GRID; g++) {
        double u = ulo + (uhi - ulo) * g / (LCS_GRID - 1), wg = exp(-0.5 * (f[g] - fmin) / var);
        w += wg;
        wu += wg * u;
        wuu += wg * u * u;
    }
    *mean = wu / w;
    *sd = sqrt(fmax(wuu / w - *mean * *mean, 0.0));
}

/* u within 1e-4 of the U range from a bound (where an optimizer that ends
 * on the bound stops; pipeline/results.c flags it) */
static int u_at_bound(const losscone_settings *s, double u)
{
    double tol = 1e-4 * (s->u_max - s->u_min);
    return fabs(u - s->u_min) <= tol || fabs(u - s->u_max) <= tol;
}

/* U of the fit re-polished with the spacecraft potential set to usc; p
 * receives the sweep's layout at usc, selected from `all` (the layout
 * with every row: U_sc only masks whole rows, so no re-preparation). */
static double refit_u(const losscone_settings *s, const lc_prepared *all, const losscone_result *r,
                      double usc, lc_prepared *p)
{
    losscone_prepared_select(all, usc, p);
    if (p->n_bins == 0)
        return NAN;
    double lo[3] = {s->u_min, s->r_min, s->beam_amp_fixed ? s->beam_amp : s->a_min};
    double hi[3] = {s->u_max, s->r_max, s->beam_amp_fixed ? s->beam_amp : s->a_max};
    double x[3] = {r->u_surface, r->bs_over_bm, r->beam_amp};
    double f = lc_chi2(p, &s->shape, x[0], x[1], x[2]);
    lc_polish_lines(p, &s->shape, lo, hi, x, &f);
    return x[0];
}

double losscone_u_sigma(const losscone_settings *s, const losscone_sweep *sw,
                        const losscone_result *r, double usc_sigma, double *estimate)
{
    if (estimate)
        *estimate = NAN;
    if (r->status != LC_FITTED || !isfinite(r->u_surface) || !isfinite(r->chi2))
        return NAN;
    lc_prepared *p = malloc(sizeof *p);
    lc_prepared *all = malloc(sizeof *all);
    double sigma = NAN;
    if (!p || !all)
        goto done;
    /* one preparation for the three U_sc values below (sw->u_sc, ± d) */
    losscone_prepare_chi2_rows(s, sw, all);
    losscone_prepared_select(all, sw->u_sc, p);
    if (p->n_bins <= 3)
        goto done;
    double u = r->u_surface, rr = r->bs_over_bm, a = r->beam_amp;
    double f0 = lc_chi2(p, &s->shape, u, rr, a);
    double var = f0 / (p->n_bins - 3);
    /* counts: a Poisson deviance, so Δ = 1 is 1σ; scaled by the deviance
     * per degree of freedom where that exceeds 1 (scatter beyond counting
     * noise, quasi-Poisson) — below 1 at low counts, where it is no
     * estimate of the scatter */
    if (s->method == FIT_METHOD_COUNTS)
        var = var > 1.0 ? var : 1.0;
    if (!(var > 0.0) || !isfinite(var))
        goto done;
    double lim = f0 + var;
    /* the chi2 is piecewise constant in U (bins cross the cone edge one
     * by one), so its minimum is a flat cell, often at one side of a
     * lopsided profile: the profile's mean uses all of it */
    double h0 = fmax(0.25, 0.002 * fabs(u));
    double lo = fmax(LCS_GRID_SPAN * profile_bracket(p, s, u, rr, a, lim, -1), h0);
    double hi = fmax(LCS_GRID_SPAN * profile_bracket(p, s, u, rr, a, lim, +1), h0);
    double mean, stat;
    profile_moments(p, s, fmax(u - lo, s->u_min), fmin(u + hi, s->u_max), rr, a, f0, var, &mean,
                    &stat);
    double sys = 0.0;
    if (isfinite(usc_sigma) && usc_sigma > 0.0) {
        /* dU/dU_sc over ±2σ(U_sc); where a side has no fit (U_sc + d above
         * the lowest energy: no bins), halved steps, then the side that has
         * one, and without any 1 (the beam moves with U_sc − U): never a
         * silent 0 (docs/decisions.md "U_surface sigma: U_sc's part") */
        double d = fmax(2.0 * usc_sigma, 0.2), slope = NAN;
        for (int k = 0; k < LCS_SLOPE_TRIES && isnan(slope); k++, d *= 0.5) {
            double up = refit_u(s, all, r, sw->u_sc + d, p);
            double um = refit_u(s, all, r, sw->u_sc - d, p);
            if (isfinite(up) && isfinite(um))
                slope = (up - um) / (2.0 * d);
            else if (k == LCS_SLOPE_TRIES - 1)
                slope = isfinite(up)   ? (up - r->u_surface) / d
                        : isfinite(um) ? (r->u_surface - um) / d
                                       : 1.0;
        }
        sys = slope * usc_sigma;
    }
    sigma = sqrt(stat * stat + sys * sys);
    if (estimate && isfinite(sigma))
        *estimate = u_at_bound(s, u) ? u : mean; /* a fit on a bound stays flagged there */
done:
    free(p);
    free(all);
    return sigma;
}
