/* Loss-cone chi2 of one sweep for many candidates, exact and fast
 * (docs/physics.md §4.3, "algorithmic freedom"). A sweep is prepared once: its
 * masked bins, per row sorted by pitch, with prefix sums of the data value
 * v (ln(norm+EPS) for halekas, norm for lillis) and of v². The counts
 * objective (consistent physics, docs/physics-modes.md "Surface potential")
 * is the Poisson deviance Σ 2[k ln(k/μ) − k + μ], μ = n·model, n the
 * row's incident count rate times the bin's exposure: its prefix sums are
 * of k ln(k/n) − k, k and n, so a segment of constant model m costs
 * 2[S0 − ln(m)·Sk + m·Sn]. Without the beam
 * a row's model takes two values split by the cone edge, so the row's chi2
 * is one binary search plus prefix-sum algebra; bins near 180° where the
 * beam is non-negligible (A·g > 1e-17) are evaluated one by one. The
 * result equals the brute-force sum (losscone_chi2_brute) to round-off.
 * Header-only: the CUDA kernels use the same code. */
#ifndef LPMAP_FIT_LOSSCONE_CHI2_H
#define LPMAP_FIT_LOSSCONE_CHI2_H

#include <math.h>

#include "core/constants.h"
#include "core/hostdev.h"
#include "fit/fit_types.h"
#include "fit/losscone_tuning.h"
#include "physics/losscone_model.h"

#define LC_MAX_BINS (LP_N_ENERGIES * LP_N_CHANNELS)
#define LC_SPLIT_BUCKETS 64
#define LC_BEAM_NEGLIGIBLE 1e-17
/* Beyond this many σ_α from 180° the beam's pitch factor (< 6e-32) is
 * stored as 0: no amplitude within reason makes it count. */
#define LC_BEAM_PITCH_ZMAX 12.0

typedef struct {
    int method; /* fit_method */
    int n_rows;
    int n_bins; /* masked bins in all */
    double u_sc;
    double energy[LP_N_ENERGIES];
    int row_start[LP_N_ENERGIES + 1]; /* bins of row r: [row_start[r], row_start[r+1]) */
    int row_obl[LP_N_ENERGIES];       /* first bin of row r with pitch > 90° */
    /* per row: how many bins above 90° have sin² >= k/LC_SPLIT_BUCKETS
     * (k = 0..LC_SPLIT_BUCKETS+1), to start the cone-split search close */
    unsigned char split_ge[LP_N_ENERGIES][LC_SPLIT_BUCKETS + 2];
    double pitch[LC_MAX_BINS]; /* ascending within a row */
    double value[LC_MAX_BINS]; /* v */
    double gauss[LC_MAX_BINS]; /* exp(-½((pitch-180)/σ_α)²): the beam's pitch factor
                                  (0 beyond LC_BEAM_PITCH_ZMAX σ_α) */
    double sin2[LC_MAX_BINS];  /* sin²(pitch) above 90° (the cone test without asin), else 1 */
    double expn[LC_MAX_BINS];  /* counts: n, the expected counts at model 1; value = k */
    /* prefix sums with a leading zero per row: index row_start[r] + r + k */
    double sum1[LC_MAX_BINS + LP_N_ENERGIES];
    double sum2[LC_MAX_BINS + LP_N_ENERGIES];
    double sum0[LC_MAX_BINS + LP_N_ENERGIES]; /* counts: Σ k ln(k/n) − k (sum1 Σk, sum2 Σn) */
} lc_prepared;

/* Mask of one bin (docs/physics.md §4.3), shared by the CPU fitter and the CUDA kernels: the pitch
 * finite and valid(E); halekas: norm finite and > 0; lillis: raw flux
 * finite and > 0, norm finite, 0.07 < F/M < 0.79 with M > 0 the row's
 * largest finite incident raw flux. */
LP_HD int lc_bin_masked(int lillis, double energy, double u_sc, double pitch, double norm,
                        double flux, double row_max_incident)
{
    if (!isfinite(pitch) || !losscone_energy_valid(energy, u_sc))
        return 0;
    if (!lillis)
        return isfinite(norm) && norm > 0.0;
    if (!isfinite(flux) || !(flux > 0.0) || !isfinite(norm) || !(row_max_incident > 0.0))
        return 0;
    double q = flux / row_max_incident;
    return q > LILLIS_RATIO_LO && q < LILLIS_RATIO_HI;
}

/* Counts of a bin: flux·G·E·t_c, rounded (the counts the flux came from,
 * docs/physics.md §1); negative fluxes count 0. */
LP_HD double lc_counts(double flux, double energy, double integration_s)
{
    return rint((flux > 0.0 ? flux : 0.0) * LP_GEOM_FACTOR * energy * integration_s);
}

/* Incident count rate of a row for the counts objective: Σk / Σ G·E·t_c
 * over the channels with pitch < 90° (model 1 there, whatever U, r, A),
 * the maximum-likelihood flux per sr of the ambient electrons; 0 when no
 * such channel counted anything. */
LP_HD double lc_row_rate(const double *flux, const double *pitch_deg, const double *integration_s,
                         double energy)
{
    double k = 0.0, e = 0.0;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        if (pitch_deg[c] < 90.0 && isfinite(flux[c]) && integration_s[c] > 0.0) {
            k += lc_counts(flux[c], energy, integration_s[c]);
            e += LP_GEOM_FACTOR * energy * integration_s[c];
        }
    return k > 0.0 && e > 0.0 ? k / e : 0.0;
}

/* Mask of the counts objective: the pitch finite, valid(E), a finite
 * flux (zero counts included: they are data), an exposure, and a row that
 * counted incident electrons. */
LP_HD int lc_bin_masked_counts(double energy, double u_sc, double pitch, double flux,
                               double integration_s, double row_rate)
{
    return isfinite(pitch) && losscone_energy_valid(energy, u_sc) && isfinite(flux) &&
           integration_s > 0.0 && row_rate > 0.0;
}

/* k ln(k/n) − k of a counts bin (0 ln 0 = 0). */
LP_HD double lc_counts_c0(double k, double n)
{
    return k > 0.0 ? k * log(k / n) - k : 0.0;
}

/* Largest finite raw flux over the incident channels (pitch < 90 deg) of a
 * row; -inf when there is none. */
LP_HD double lc_row_max_incident(const double *flux, const double *pitch_deg)
{
    double m = -INFINITY;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        if (pitch_deg[c] < 90.0 && isfinite(flux[c]) && flux[c] > m)
            m = flux[c];
    return m;
}

/* The beam's pitch factor of a bin (precomputed once per sweep). */
LP_HD double lc_beam_pitch_factor(const losscone_shape *s, double pitch)
{
    double za = (pitch - 180.0) / s->beam_sigma_deg;
    return exp(-0.5 * za * za);
}

/* Data value of a bin for a method. */
LP_HD double lc_value(int method, double norm)
{
    return method == FIT_METHOD_LILLIS ? norm : log(norm + LP_EPS);
}

/* Per-bin chi2 term given the model value. */
LP_HD double lc_term(int method, double v, double model)
{
    return method == FIT_METHOD_LILLIS ? losscone_term_lillis(v, model)
                                       : losscone_term_halekas(v, model);
}

/* Model value as it enters the term: ln(m+EPS) for halekas, m for lillis
 * and counts. */
LP_HD double lc_model_value(int method, double model)
{
    return method != FIT_METHOD_HALEKAS ? model : log(model + LP_EPS);
}

/* ln(model) where the counts objective needs it (0 for the others, which
 * do not read it). */
LP_HD double lc_model_log(int method, double model)
{
    return method == FIT_METHOD_COUNTS ? log(model) : 0.0;
}

/* log1p(t) for small t >= 0 by its Taylor series, truncated where the
 * first omitted term is far below the round-off of the logarithms it is
 * added to: 2 terms below LC_LOG1P_TINY_MAX (t³/3 < 4e-25), 3 below
 * LC_LOG1P_SMALL_MAX (t⁴/4 < 3e-21), 6 below LC_LOG1P_SERIES_MAX
 * (t⁷/7 < 2e-22). */
#define LC_LOG1P_SERIES_MAX 1e-3
#define LC_LOG1P_TINY_MAX 1e-8
#define LC_LOG1P_SMALL_MAX 1e-5
LP_HD double lc_log1p_tiny(double t)
{
    return t * (1.0 - 0.5 * t);
}

LP_HD double lc_log1p_3(double t)
{
    return t * (1.0 - t * (0.5 - t * (1.0 / 3.0)));
}

LP_HD double lc_log1p_small(double t)
{
    return t * (1.0 - t * (0.5 - t * (1.0 / 3.0 - t * (0.25 - t * (0.2 - t * (1.0 / 6.0))))));
}

/* log1p(t), t >= 0, by the tier that fits t (one bin at a time; the
 * chi2's beam loops below run the tiers as separate loops instead). */
LP_HD double lc_log1p_beam(double t)
{
    return t < LC_LOG1P_TINY_MAX     ? lc_log1p_tiny(t)
           : t < LC_LOG1P_SMALL_MAX  ? lc_log1p_3(t)
           : t < LC_LOG1P_SERIES_MAX ? lc_log1p_small(t)
                                     : log1p(t);
}

/* First index in [lo, hi) with pitch > x (upper bound). */
LP_HD int lc_upper_bound(const double *pitch, int lo, int hi, double x)
{
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (pitch[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First index in [lo, hi) with pitch >= x (lower bound). */
LP_HD int lc_lower_bound(const double *pitch, int lo, int hi, double x)
{
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (pitch[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Sum of the terms over bins [a, b) of row r with the model value c
 * (lc_model_value; lc its ln for counts) via the prefix sums: (v - c)²,
 * or the counts deviance 2[k ln(k/n) − k − k ln c + n c]. */
LP_HD double lc_segment(const lc_prepared *p, int r, int a, int b, double c, double lc)
{
    if (b <= a)
        return 0.0;
    int ia = a + r, ib = b + r; /* bin i of row r has its prefix at i + r */
    double s1 = p->sum1[ib] - p->sum1[ia], s2 = p->sum2[ib] - p->sum2[ia];
    if (p->method == FIT_METHOD_COUNTS)
        return 2.0 * ((p->sum0[ib] - p->sum0[ia]) - lc * s1 + c * s2);
    return s2 - 2.0 * c * s1 + (double)(b - a) * c * c;
}

/* E' = max(E - U_sc, floor) of a row (docs/physics.md §4.1). */
LP_HD double lc_row_ep(const lc_prepared *p, int row)
{
    double ep = p->energy[row] - p->u_sc;
    return ep < LC_E_FLOOR ? LC_E_FLOOR : ep;
}

/* x = clamp(r (1 + U/E'), 0, 1): sin² of the loss-cone angle. */
LP_HD double lc_cone_x(double ep, double u, double r)
{
    double x = r * (1.0 + u / ep);
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
}

/* First bin of row `row` outside the loss cone for x = r (1 + U/E'): a
 * bin is inside (model 1) when pitch <= 180° - asin(√x), i.e. when
 * pitch <= 90° or sin²(pitch) >= x. Only bins above 90° can be outside,
 * and along them sin² falls with pitch, so a binary search over those
 * finds the split (equal to the angle test except within round-off of the
 * edge). */
LP_HD int lc_row_split(const lc_prepared *p, int row, double x)
{
    /* x in bucket b = floor(x·NB): every bin with sin² >= (b+2)/NB is
     * inside and every bin with sin² < (b-1)/NB outside (one bucket of
     * margin either side for the rounding of x·NB), so a short scan
     * between the two counts finds the split the binary search would. */
    const int base = p->row_obl[row];
    int b = (int)(x * (double)LC_SPLIT_BUCKETS);
    b = b < 0 ? 0 : (b > LC_SPLIT_BUCKETS ? LC_SPLIT_BUCKETS : b);
    const unsigned char *ge = p->split_ge[row];
    int i = base + ge[b + 2 > LC_SPLIT_BUCKETS + 1 ? LC_SPLIT_BUCKETS + 1 : b + 2];
    const int end = base + ge[b > 0 ? b - 1 : 0];
    while (i < end && p->sin2[i] >= x)
        i++;
    return i;
}

/* Sum of terms over bins [a, b) of one row that get the beam g·gauss on
 * top of the model value `base` (c = lc_model_value(base)). For halekas,
 * ln(base + beam + EPS) = c + log1p(t) with t = beam / (base + EPS): a short
 * series while t is small (most beam bins; t grows with pitch along the
 * row, so the series bins come first), a log1p beyond. */
LP_HD double lc_beam_segment(const lc_prepared *p, int method, int row, int a, int b, double base,
                             double c, double lc, double g)
{
    double total = 0.0;
    if (method == FIT_METHOD_COUNTS) {
        /* 2[c0 − k ln(base) − k log1p(t) + n base + n·g·gauss], t = g·gauss/base:
         * the no-beam segment plus a correction per bin (no log where k = 0) */
        const double scale = g / base;
        for (int i = a; i < b; i++) {
            double d = p->expn[i] * (g * p->gauss[i]);
            if (p->value[i] > 0.0)
                d -= p->value[i] * lc_log1p_beam(scale * p->gauss[i]);
            total += d;
        }
        return lc_segment(p, row, a, b, c, lc) + 2.0 * total;
    }
    if (method == FIT_METHOD_LILLIS) {
        for (int i = a; i < b; i++) {
            double d = p->value[i] - (base + g * p->gauss[i]);
            total += d * d;
        }
        return total;
    }
    const double scale = g / (base + LP_EPS);
    int i = a;
    for (; i < b; i++) { /* the lc_log1p_beam tiers, one loop each */
        double t = scale * p->gauss[i];
        if (t >= LC_LOG1P_TINY_MAX)
            break;
        double d = p->value[i] - c - lc_log1p_tiny(t);
        total += d * d;
    }
    for (; i < b; i++) {
        double t = scale * p->gauss[i];
        if (t >= LC_LOG1P_SMALL_MAX)
            break;
        double d = p->value[i] - c - lc_log1p_3(t);
        total += d * d;
    }
    for (; i < b; i++) {
        double t = scale * p->gauss[i];
        if (t >= LC_LOG1P_SERIES_MAX)
            break;
        double d = p->value[i] - c - lc_log1p_small(t);
        total += d * d;
    }
    for (; i < b; i++) {
        double d = p->value[i] - c - log1p(scale * p->gauss[i]);
        total += d * d;
    }
    return total;
}

/* Raw chi2 sum (not reduced) of a candidate (U, r, A), or, as soon as
 * the partial sum exceeds `bound`, that partial sum (a value > bound: every
 * term is >= 0, so the full sum would exceed it too). The optimizer passes
 * the value a candidate must beat, so losing candidates cost a fraction of
 * a full evaluation; INFINITY gives the full sum. The cheap no-beam parts
 * of all rows come first, the beam bins (logs) last. */
LP_HD double lc_chi2_sum_bounded(const lc_prepared *p, const losscone_shape *s, double u, double r,
                                 double a, double bound)
{
    const int m = p->method;
    const double c_in = lc_model_value(m, 1.0), c_out = lc_model_value(m, s->background);
    const double l_in = lc_model_log(m, 1.0), l_out = lc_model_log(m, s->background);
    const double du = p->u_sc - u;
    const int beam_on = a > 0.0 && s->beam_width_ev > 0.0 && du > 0.0;
    const double center = du > s->beam_width_ev ? du : s->beam_width_ev;
    /* ln(A / negligible): rows with ½ze² above it get no beam (and no exp). */
    const double log_a = beam_on ? log(a / LC_BEAM_NEGLIGIBLE) : 0.0;
    /* beam rows, evaluated after the rest: first bin with the beam, cone
     * split, beam energy factor */
    int beam_row[LP_N_ENERGIES], beam_j[LP_N_ENERGIES], beam_k[LP_N_ENERGIES];
    double beam_g[LP_N_ENERGIES];
    int n_beam = 0;
    double total = 0.0;
    for (int row = 0; row < p->n_rows; row++) {
        int lo = p->row_start[row], hi = p->row_start[row + 1];
        if (hi == lo)
            continue;
        double e = p->energy[row];
        double x = lc_cone_x(lc_row_ep(p, row), u, r);
        int j = hi; /* bins [j, hi) get the beam explicitly */
        double g = 0.0;
        if (beam_on) {
            double ze = (e - center) / s->beam_width_ev, hz = 0.5 * ze * ze;
            if (hz < log_a) {
                g = a * exp(-hz);
                double za = sqrt(2.0 * (log_a - hz)); /* beam·gauss < negligible beyond */
                j = lc_lower_bound(p->pitch, lo, hi, 180.0 - za * s->beam_sigma_deg);
            }
        }
        int k = lc_row_split(p, row, x); /* [lo,k): inside (model 1) */
        int kn = k < j ? k : j;
        total += lc_segment(p, row, lo, kn, c_in, l_in) + lc_segment(p, row, kn, j, c_out, l_out);
        if (total > bound)
            return total;
        if (j < hi) {
            beam_row[n_beam] = row;
            beam_j[n_beam] = j;
            beam_k[n_beam] = k > j ? k : j;
            beam_g[n_beam] = g;
            n_beam++;
        }
    }
    for (int b = 0; b < n_beam && !(total > bound); b++) {
        const int row = beam_row[b], hi = p->row_start[row + 1];
        total += lc_beam_segment(p, m, row, beam_j[b], beam_k[b], 1.0, c_in, l_in, beam_g[b]);
        total += lc_beam_segment(p, m, row, beam_k[b], hi, s->background, c_out, l_out, beam_g[b]);
    }
    return total;
}

/* Raw chi2 sum (not reduced) of a candidate (U, r, A). */
LP_HD double lc_chi2_sum(const lc_prepared *p, const losscone_shape *s, double u, double r,
                         double a)
{
    return lc_chi2_sum_bounded(p, s, u, r, a, INFINITY);
}

/* Degrees of freedom the lillis sum is divided by (1 for halekas). */
LP_HD double lc_chi2_scale(const lc_prepared *p)
{
    int dof = p->n_bins - 3;
    return p->method == FIT_METHOD_LILLIS ? (double)(dof > 1 ? dof : 1) : 1.0;
}

/* The objective the optimizer minimizes: halekas sum, or lillis reduced. */
LP_HD double lc_chi2(const lc_prepared *p, const losscone_shape *s, double u, double r, double a)
{
    return lc_chi2_sum(p, s, u, r, a) / lc_chi2_scale(p);
}

/* lc_chi2, or some value > bound once the candidate is known to be worse
 * than bound (see lc_chi2_sum_bounded). A value <= bound is exact. */
LP_HD double lc_chi2_bounded(const lc_prepared *p, const losscone_shape *s, double u, double r,
                             double a, double bound)
{
    const double scale = lc_chi2_scale(p);
    /* the margin keeps the early exit strictly on the far side of bound
     * despite the rounding of bound * scale */
    const double sum = lc_chi2_sum_bounded(p, s, u, r, a, bound * scale * (1.0 + 1e-12));
    return sum / scale;
}

#endif
