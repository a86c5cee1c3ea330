/* Polish of a loss-cone fit (ours, docs/decisions.md "Loss-cone polish"):
 * deterministic exact line searches that start from the best point of
 * LHS + DE and only ever accept a lower chi2.
 *
 * Why: without the beam the chi2 is piecewise constant in (U, r), with
 * cells as narrow as one bin's cone crossing; best/1/bin DE converges on
 * a neighbouring cell about one sweep in ten. Along one parameter the
 * exact minimum is cheap: a bin leaves the reflected side when
 * x = r (1 + U/E') passes sin²(pitch), so along r (or U) each row's bins
 * cross in pitch order, and a merge over the rows' cursors visits every
 * cell of the line once, with an O(1) chi2 update per crossing.
 *
 * Header-only and free of scratch arrays (15 row cursors), so the CUDA
 * fp64 kernel runs the same code in one thread per block. */
#ifndef LPMAP_FIT_LOSSCONE_POLISH_H
#define LPMAP_FIT_LOSSCONE_POLISH_H

#include <math.h>

#include "core/hostdev.h"
#include "fit/de_core.h"
#include "fit/losscone_chi2.h"
#include "fit/losscone_fit.h"

/* Effort, tuned on the standard bench set (docs/performance.md): more
 * rounds or amplitude steps found no better answers there. */
#define LC_POLISH_CYCLES 2     /* rounds of line searches at most */
#define LC_POLISH_AMP_GRID 5   /* coarse samples of the beam amplitude */
#define LC_POLISH_AMP_STEPS 12 /* golden-section steps after the grid */
#define LC_POLISH_SIMPLEX 40   /* (U, A) simplex iterations, final stage */

#define LC_POLISH_LHS_STARTS 3 /* extra starts: the next-best LHS samples */
#define LC_POLISH_MAX_STARTS 8

enum { LC_LINE_R = 0, LC_LINE_U = 1 };

/* DE convergence window of a fit: docs/physics.md's one generation when the
 * polish follows, DE_DEFAULT_WINDOW without it (docs/decisions.md). */
LP_HD int losscone_de_window(const losscone_settings *s)
{
    return s->polish ? 1 : DE_DEFAULT_WINDOW;
}

/* Keep the `cap` lowest values seen, ascending; among equal values the
 * earlier sample first (the LHS argmin rule). Entering needs a value below
 * the worst kept once the list is full. */
LP_HD void lc_top_insert(double *top_f, int *top_i, int *n, int cap, double f, int idx)
{
    if (*n == cap && !(f < top_f[cap - 1]))
        return;
    int j = *n < cap ? (*n)++ : cap - 1;
    while (j > 0 && f < top_f[j - 1]) {
        top_f[j] = top_f[j - 1];
        top_i[j] = top_i[j - 1];
        j--;
    }
    top_f[j] = f;
    top_i[j] = idx;
}

/* Per-bin term with model `base` plus a beam g·gauss (g = 0: none). */
LP_HD double lc_polish_term(const lc_prepared *p, int i, double base, double c_base, double g)
{
    double d;
    if (p->method == FIT_METHOD_COUNTS) { /* 2[k ln(k/μ) − k + μ], μ = n·model */
        const double k = p->value[i], model = base + g * p->gauss[i];
        const double lm = k > 0.0 ? k * log(model) : 0.0;
        (void)c_base;
        return 2.0 * (lc_counts_c0(k, p->expn[i]) - lm + p->expn[i] * model);
    }
    if (p->method == FIT_METHOD_LILLIS) {
        d = p->value[i] - (base + g * p->gauss[i]);
    } else {
        double t = g * p->gauss[i] / (base + LP_EPS);
        d = p->value[i] - c_base - lc_log1p_beam(t);
    }
    return d * d;
}

/* The beam's energy factor A·exp(-½ze²) of a row at surface potential u
 * (0 when the beam is off). */
LP_HD double lc_polish_row_beam(const lc_prepared *p, const losscone_shape *s, int row, double u,
                                double a)
{
    const double du = p->u_sc - u;
    if (!(a > 0.0 && s->beam_width_ev > 0.0 && du > 0.0))
        return 0.0;
    const double center = du > s->beam_width_ev ? du : s->beam_width_ev;
    const double ze = (p->energy[row] - center) / s->beam_width_ev;
    return a * exp(-0.5 * ze * ze);
}

/* First bin of a row whose beam g·gauss is not negligible (as
 * lc_chi2_sum_bounded decides it); the row's end when none is. */
LP_HD int lc_beam_start(const lc_prepared *p, const losscone_shape *s, int row, double g)
{
    const int lo = p->row_start[row], hi = p->row_start[row + 1];
    if (!(g > LC_BEAM_NEGLIGIBLE))
        return hi;
    const double za = sqrt(2.0 * log(g / LC_BEAM_NEGLIGIBLE));
    return lc_lower_bound(p->pitch, lo, hi, 180.0 - za * s->beam_sigma_deg);
}

/* Crossing point of bin i of a row along the searched parameter: r where
 * r·c = sin², or U where r (1 + U/E') = sin². */
LP_HD double lc_polish_crossing(const lc_prepared *p, int which, int i, double ep, double c,
                                double r)
{
    return which == LC_LINE_R ? p->sin2[i] / c : ep * (p->sin2[i] / r - 1.0);
}

/* Exact minimum along r (which = LC_LINE_R) or U (LC_LINE_U) over
 * [lo, hi], the other parameters at (u, r, a). Along r it is exact; along
 * U the beam is held at its value at the starting u (the caller verifies
 * every proposal with lc_chi2). Returns the middle of the best cell. */
LP_HD double lc_polish_line(const lc_prepared *p, const losscone_shape *s, int which, double u,
                            double r, double a, double lo, double hi)
{
    const int m = p->method;
    const double c_in = lc_model_value(m, 1.0), c_out = lc_model_value(m, s->background);
    const double l_in = lc_model_log(m, 1.0), l_out = lc_model_log(m, s->background);
    /* per row: next bin to cross, first bin above 90°, crossing of the
     * next bin; rows kept in `order` sorted by that crossing */
    int cur[LP_N_ENERGIES], first[LP_N_ENERGIES], order[LP_N_ENERGIES], n_act = 0;
    double ep_row[LP_N_ENERGIES], c_row[LP_N_ENERGIES], g_row[LP_N_ENERGIES], next[LP_N_ENERGIES];
    int beam_from[LP_N_ENERGIES]; /* first bin the beam reaches */
    const double u0 = which == LC_LINE_U ? lo : u, r0 = which == LC_LINE_R ? lo : r;
    double total = 0.0;
    for (int row = 0; row < p->n_rows; row++) {
        const int b_lo = p->row_start[row], b_hi = p->row_start[row + 1];
        const double ep = lc_row_ep(p, row);
        const double c = 1.0 + u / ep;
        const double x = lc_cone_x(ep, u0, r0);
        const double g = lc_polish_row_beam(p, s, row, u, a);
        const int k = lc_row_split(p, row, x);
        const int jb = lc_beam_start(p, s, row, g); /* bins [jb, hi) see the beam */
        ep_row[row] = ep;
        c_row[row] = c;
        g_row[row] = g;
        beam_from[row] = jb;
        first[row] = p->row_obl[row];
        const int kn = k < jb ? k : jb;
        total +=
            lc_segment(p, row, b_lo, kn, c_in, l_in) + lc_segment(p, row, kn, jb, c_out, l_out);
        for (int i = jb; i < b_hi; i++)
            total += i < k ? lc_polish_term(p, i, 1.0, c_in, g)
                           : lc_polish_term(p, i, s->background, c_out, g);
        /* along r a row with c <= 0 stays at x = 0: nothing crosses */
        cur[row] = (which == LC_LINE_R && !(c > 0.0)) ? first[row] - 1 : k - 1;
        if (cur[row] < first[row])
            continue;
        next[row] = lc_polish_crossing(p, which, cur[row], ep, c, r);
        int j = n_act++;
        while (j > 0 && next[order[j - 1]] > next[row]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = row;
    }
    double best = total, best_lo = lo, best_hi = hi;
    int open = 1; /* the best cell's upper end is still to be found */
    while (n_act > 0) {
        const int row = order[0];
        const double t = next[row];
        if (!(t < hi))
            break;
        if (open && t > best_lo) {
            best_hi = t;
            open = 0;
        }
        const int i = cur[row];
        const double g = g_row[row];
        if (i < beam_from[row] && m == FIT_METHOD_COUNTS) {
            total += 2.0 * (p->expn[i] * (c_out - c_in) - p->value[i] * (l_out - l_in));
        } else if (i < beam_from[row]) {
            const double d_in = p->value[i] - c_in, d_out = p->value[i] - c_out;
            total += d_out * d_out - d_in * d_in;
        } else {
            total +=
                lc_polish_term(p, i, s->background, c_out, g) - lc_polish_term(p, i, 1.0, c_in, g);
        }
        /* advance the row and move it to its place in `order` */
        int j = 0;
        if (--cur[row] >= first[row]) {
            const double nt = lc_polish_crossing(p, which, cur[row], ep_row[row], c_row[row], r);
            next[row] = nt;
            while (j + 1 < n_act && next[order[j + 1]] < nt) {
                order[j] = order[j + 1];
                j++;
            }
            order[j] = row;
        } else {
            for (j = 0; j + 1 < n_act; j++)
                order[j] = order[j + 1];
            n_act--;
        }
        if (total < best && t >= lo) {
            best = total;
            best_lo = t;
            best_hi = hi;
            open = 1;
        }
    }
    return 0.5 * (best_lo + best_hi);
}

/* chi2 sum at fixed (U, r) as a function of the beam amplitude: the part
 * no beam can touch (any A <= a_max) is summed once, the rest per call. */
typedef struct {
    double fixed; /* bins the beam never reaches */
    int n;        /* rows the beam may reach */
    int row[LP_N_ENERGIES], j[LP_N_ENERGIES], k[LP_N_ENERGIES], hi[LP_N_ENERGIES];
    double e[LP_N_ENERGIES]; /* the row's beam energy factor at A = 1 */
} lc_amp_ctx;

LP_HD void lc_amp_prepare(const lc_prepared *p, const losscone_shape *s, double u, double r,
                          double a_max, lc_amp_ctx *c)
{
    const int m = p->method;
    const double c_in = lc_model_value(m, 1.0), c_out = lc_model_value(m, s->background);
    const double l_in = lc_model_log(m, 1.0), l_out = lc_model_log(m, s->background);
    c->fixed = 0.0;
    c->n = 0;
    for (int row = 0; row < p->n_rows; row++) {
        const int lo = p->row_start[row], hi = p->row_start[row + 1];
        const double x = lc_cone_x(lc_row_ep(p, row), u, r);
        const int k = lc_row_split(p, row, x);
        const double e = lc_polish_row_beam(p, s, row, u, 1.0);
        const int j = lc_beam_start(p, s, row, a_max * e); /* reach at the largest A */
        const int kn = k < j ? k : j;
        c->fixed +=
            lc_segment(p, row, lo, kn, c_in, l_in) + lc_segment(p, row, kn, j, c_out, l_out);
        if (j < hi) {
            c->row[c->n] = row;
            c->j[c->n] = j;
            c->k[c->n] = k > j ? k : j;
            c->hi[c->n] = hi;
            c->e[c->n] = e;
            c->n++;
        }
    }
}

LP_HD double lc_amp_chi2(const lc_prepared *p, const losscone_shape *s, const lc_amp_ctx *c,
                         double a)
{
    const int m = p->method;
    const double c_in = lc_model_value(m, 1.0), c_out = lc_model_value(m, s->background);
    const double l_in = lc_model_log(m, 1.0), l_out = lc_model_log(m, s->background);
    double total = c->fixed;
    for (int q = 0; q < c->n; q++) {
        const double g = a * c->e[q];
        total +=
            lc_beam_segment(p, m, c->row[q], c->j[q], c->k[q], 1.0, c_in, l_in, g) +
            lc_beam_segment(p, m, c->row[q], c->k[q], c->hi[q], s->background, c_out, l_out, g);
    }
    return total / lc_chi2_scale(p);
}

/* Best beam amplitude in [a_lo, a_hi] at (u, r): a coarse grid, then a
 * golden-section search around the best grid point. */
LP_HD double lc_polish_amp(const lc_prepared *p, const losscone_shape *s, double u, double r,
                           double a_lo, double a_hi)
{
    lc_amp_ctx ctx;
    lc_amp_prepare(p, s, u, r, a_hi, &ctx);
    if (ctx.n == 0)
        return a_lo; /* no masked bin sees the beam: the amplitude is free */
    const double h = (a_hi - a_lo) / (double)(LC_POLISH_AMP_GRID - 1);
    double best_a = a_lo, best_f = lc_amp_chi2(p, s, &ctx, a_lo);
    for (int k = 1; k < LC_POLISH_AMP_GRID; k++) {
        double a = a_lo + h * (double)k;
        double f = lc_amp_chi2(p, s, &ctx, a);
        if (f < best_f) {
            best_f = f;
            best_a = a;
        }
    }
    const double gr = 0.6180339887498949;
    double lo = best_a - h > a_lo ? best_a - h : a_lo, hi = best_a + h < a_hi ? best_a + h : a_hi;
    double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo);
    double f1 = lc_amp_chi2(p, s, &ctx, x1), f2 = lc_amp_chi2(p, s, &ctx, x2);
    for (int k = 0; k < LC_POLISH_AMP_STEPS; k++) {
        if (f1 < f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - gr * (hi - lo);
            f1 = lc_amp_chi2(p, s, &ctx, x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + gr * (hi - lo);
            f2 = lc_amp_chi2(p, s, &ctx, x2);
        }
    }
    if (f1 < best_f) {
        best_f = f1;
        best_a = x1;
    }
    if (f2 < best_f)
        best_a = x2;
    return best_a;
}

/* Accept (u, r, a) when its exact chi2 beats *f. */
LP_HD int lc_polish_try(const lc_prepared *p, const losscone_shape *s, double u, double r, double a,
                        double *x, double *f)
{
    const double c = lc_chi2_bounded(p, s, u, r, a, *f);
    if (!(c < *f))
        return 0;
    x[0] = u;
    x[1] = r;
    x[2] = a;
    *f = c;
    return 1;
}

/* Nelder-Mead over (U, r, A) from x with initial steps `step`: the beam's
 * energy position moves with U, so U, A (and r, through the cone cells
 * the beam bins sit in) trade off continuously; a simplex follows such
 * valleys where the line searches cannot. Bounds by clamping. */
LP_HD int lc_polish_simplex(const lc_prepared *p, const losscone_shape *s, const double *lo,
                            const double *hi, const double *step, int iterations, double *x,
                            double *f)
{
    double v[4][3], fv[4];
    for (int k = 0; k < 4; k++) {
        for (int d = 0; d < 3; d++) {
            double y = x[d] + (k == d + 1 ? step[d] : 0.0);
            v[k][d] = y < lo[d] ? lo[d] : (y > hi[d] ? hi[d] : y);
        }
        fv[k] = k ? lc_chi2(p, s, v[k][0], v[k][1], v[k][2]) : *f;
    }
    for (int it = 0; it < iterations; it++) {
        for (int a = 1; a < 4; a++) /* insertion sort: v[0] best, v[3] worst */
            for (int b = a; b > 0 && fv[b] < fv[b - 1]; b--) {
                for (int d = 0; d < 3; d++) {
                    double t = v[b][d];
                    v[b][d] = v[b - 1][d];
                    v[b - 1][d] = t;
                }
                double t = fv[b];
                fv[b] = fv[b - 1];
                fv[b - 1] = t;
            }
        double cen[3], tr[4][3];
        const double coef[4] = {1.0, 2.0, 0.5, -0.5}; /* reflect, expand, contract out/in */
        for (int d = 0; d < 3; d++)
            cen[d] = (v[0][d] + v[1][d] + v[2][d]) / 3.0;
        for (int k = 0; k < 4; k++)
            for (int d = 0; d < 3; d++) {
                double y = cen[d] + coef[k] * (cen[d] - v[3][d]);
                tr[k][d] = y < lo[d] ? lo[d] : (y > hi[d] ? hi[d] : y);
            }
        double fr = lc_chi2(p, s, tr[0][0], tr[0][1], tr[0][2]), ft = fr;
        int take = -1;
        if (fr < fv[0]) {
            double fe = lc_chi2(p, s, tr[1][0], tr[1][1], tr[1][2]);
            take = fe < fr ? 1 : 0;
            ft = fe < fr ? fe : fr;
        } else if (fr < fv[2]) {
            take = 0;
        } else {
            const int kc = fr < fv[3] ? 2 : 3;
            double fc = lc_chi2(p, s, tr[kc][0], tr[kc][1], tr[kc][2]);
            if (fc < (fr < fv[3] ? fr : fv[3])) {
                take = kc;
                ft = fc;
            }
        }
        if (take >= 0) {
            for (int d = 0; d < 3; d++)
                v[3][d] = tr[take][d];
            fv[3] = ft;
        } else { /* shrink towards the best */
            for (int k = 1; k < 4; k++) {
                for (int d = 0; d < 3; d++)
                    v[k][d] = 0.5 * (v[0][d] + v[k][d]);
                fv[k] = lc_chi2(p, s, v[k][0], v[k][1], v[k][2]);
            }
        }
    }
    int b = 0;
    for (int k = 1; k < 4; k++)
        if (fv[k] < fv[b])
            b = k;
    if (!(fv[b] < *f))
        return 0;
    for (int d = 0; d < 3; d++)
        x[d] = v[b][d];
    *f = fv[b];
    return 1;
}

/* Line-search rounds from x = (U, r, A) with chi2 *f inside [lo, hi] (A
 * pinned when lo[2] == hi[2]): r exact; U with the beam held; U then r
 * with the beam off; the amplitude. Until a round changes nothing.
 * Only lower chi2 values are accepted. Returns the accepted moves. */
LP_HD int lc_polish_lines(const lc_prepared *p, const losscone_shape *s, const double *lo,
                          const double *hi, double *x, double *f)
{
    int moves = 0;
    for (int cycle = 0; cycle < LC_POLISH_CYCLES; cycle++) {
        int improved = 0;
        double r = lc_polish_line(p, s, LC_LINE_R, x[0], x[1], x[2], lo[1], hi[1]);
        improved += lc_polish_try(p, s, x[0], r, x[2], x, f);
        double u = lc_polish_line(p, s, LC_LINE_U, x[0], x[1], x[2], lo[0], hi[0]);
        improved += lc_polish_try(p, s, u, x[1], x[2], x, f);
        if (hi[2] > lo[2]) {
            if (x[2] > lo[2]) {
                double u0 = lc_polish_line(p, s, LC_LINE_U, x[0], x[1], lo[2], lo[0], hi[0]);
                double r0 = lc_polish_line(p, s, LC_LINE_R, u0, x[1], lo[2], lo[1], hi[1]);
                improved += lc_polish_try(p, s, u0, r0, lo[2], x, f);
            }
            double a = lc_polish_amp(p, s, x[0], x[1], lo[2], hi[2]);
            improved += lc_polish_try(p, s, x[0], x[1], a, x, f);
        }
        moves += improved;
        if (!improved)
            break;
    }
    return moves;
}

/* The final stage on the chosen point: the (U, A) simplex where a beam is
 * fitted, then line searches again if it moved. */
LP_HD int lc_polish_final(const lc_prepared *p, const losscone_shape *s, const double *lo,
                          const double *hi, double *x, double *f)
{
    if (!(hi[2] > lo[2] && x[2] > lo[2]))
        return 0;
    const double step[3] = {2.0, 0.005, 0.2}; /* V, r, A */
    int moves = lc_polish_simplex(p, s, lo, hi, step, LC_POLISH_SIMPLEX, x, f);
    if (moves)
        moves += lc_polish_lines(p, s, lo, hi, x, f);
    return moves;
}

#endif
