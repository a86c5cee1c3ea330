/* Loss-cone fitting on the CPU (docs/physics.md §4): sweep preparation, the
 * masks of both objectives, and the launcher that runs the one fit body
 * (fit/lc_body_impl.h: LHS, DE, polish, U-width QC) one sweep per OpenMP
 * thread. */
#include "fit/losscone_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/cancel.h"
#include "core/rng.h"
#include "fit/lc_body.h"
#include "fit/lhs_core.h"
#include "fit/losscone_chi2.h"
#include "physics/normalize.h"
#include "physics/pitch.h"

void losscone_settings_init(losscone_settings *s)
{
    memset(s, 0, sizeof *s);
    s->method = FIT_METHOD_HALEKAS;
    s->shape = losscone_shape_default();
    s->u_min = LC_U_MIN;
    s->u_max = LC_U_MAX;
    s->r_min = LC_R_MIN;
    s->r_max = LC_R_MAX;
    s->a_min = LC_A_MIN;
    s->a_max = LC_A_MAX;
    s->lhs_samples = LC_LHS_SAMPLES;
    s->population = LC_DE_POPULATION;
    s->max_generations = LC_DE_MAX_GENERATIONS;
    s->min_generations = DE_MIN_GENERATIONS;
    s->mutation = DE_MUTATION;
    s->crossover = DE_CROSSOVER;
    s->atol = DE_ATOL;
    s->polish = 1;
    s->polish_starts = LC_POLISH_LHS_STARTS;
    s->u_width_dchi2 = U_WIDTH_DCHI2;
    s->u_width_identifiable_max_v = U_WIDTH_IDENTIFIABLE_MAX_V;
    s->seed = 42;
}

/* Fill everything but the pitch angles (NaN beyond n_rows); pitch_deg of
 * rows < n_rows is set by the caller, then the normalization is taken. */
static void prepare_rows(const er_instrument *inst, int n_rows, const double *energy,
                         const double (*flux)[LP_N_CHANNELS], double u_sc, uint64_t sweep_id,
                         losscone_sweep *out)
{
    out->sweep_id = sweep_id;
    out->n_rows = n_rows;
    out->u_sc = u_sc;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        out->integration_s[c] = inst->integration_s[c];
    for (int r = 0; r < LP_N_ENERGIES; r++) {
        out->energy[r] = r < n_rows ? energy[r] : NAN;
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            out->pitch_deg[r][c] = NAN;
            out->norm[r][c] = NAN;
            out->flux[r][c] = r < n_rows ? flux[r][c] : NAN;
        }
    }
}

void losscone_prepare_sweep(const er_instrument *inst, norm_mode mode, incident_stat stat,
                            int n_rows, const double *energy, const double (*b_scd)[3],
                            const int *polarity, const double (*flux)[LP_N_CHANNELS],
                            const double (*phi_deg)[LP_N_CHANNELS], double u_sc, uint64_t sweep_id,
                            losscone_sweep *out)
{
    if (n_rows > LP_N_ENERGIES)
        n_rows = LP_N_ENERGIES;
    prepare_rows(inst, n_rows, energy, flux, u_sc, sweep_id, out);
    for (int r = 0; r < n_rows; r++)
        pitch_row(inst, b_scd[r], polarity ? polarity[r] : PITCH_POLARITY_DEFAULT, phi_deg[r],
                  out->pitch_deg[r]);
    normalize_sweep(mode, stat, n_rows, out->flux, out->pitch_deg, out->norm);
}

void losscone_prepare_sweep_pitched(const er_instrument *inst, norm_mode mode, incident_stat stat,
                                    int n_rows, const double *energy,
                                    const double (*pitch_deg)[LP_N_CHANNELS],
                                    const double (*flux)[LP_N_CHANNELS], double u_sc,
                                    uint64_t sweep_id, losscone_sweep *out)
{
    if (n_rows > LP_N_ENERGIES)
        n_rows = LP_N_ENERGIES;
    prepare_rows(inst, n_rows, energy, flux, u_sc, sweep_id, out);
    for (int r = 0; r < n_rows; r++)
        memcpy(out->pitch_deg[r], pitch_deg[r], sizeof out->pitch_deg[r]);
    normalize_sweep(mode, stat, n_rows, out->flux, out->pitch_deg, out->norm);
}

/* Mask of docs/physics.md §4.3 for bin (r, c) at spacecraft potential u_sc
 * (lc_bin_masked: one source with the CUDA kernels). */
static int bin_masked(const losscone_settings *s, const losscone_sweep *sw, double u_sc, int r,
                      int c, double row_max_incident)
{
    if (s->method == FIT_METHOD_COUNTS) /* row_max_incident: the row's rate */
        return lc_bin_masked_counts(sw->energy[r], u_sc, sw->pitch_deg[r][c], sw->flux[r][c],
                                    sw->integration_s[c], row_max_incident);
    return lc_bin_masked(s->method == FIT_METHOD_LILLIS, sw->energy[r], u_sc, sw->pitch_deg[r][c],
                         sw->norm[r][c], sw->flux[r][c], row_max_incident);
}

static double row_max_incident(const losscone_sweep *sw, int r)
{
    return lc_row_max_incident(sw->flux[r], sw->pitch_deg[r]);
}

/* What bin_masked needs of a row: lillis its largest incident flux,
 * counts its incident count rate, halekas nothing. */
static double row_stat(const losscone_settings *s, const losscone_sweep *sw, int r)
{
    if (s->method == FIT_METHOD_COUNTS)
        return lc_row_rate(sw->flux[r], sw->pitch_deg[r], sw->integration_s, sw->energy[r]);
    return s->method == FIT_METHOD_LILLIS ? row_max_incident(sw, r) : 0.0;
}

/* Pitch key with NaN last. */
static double pitch_key(double pitch)
{
    return isnan(pitch) ? INFINITY : pitch;
}

/* Build the fast chi2 layout of one sweep with the mask taken at mask_usc
 * (sw->u_sc; -inf for every row, losscone_prepare_chi2_rows). */
static void prepare_chi2(const losscone_settings *s, const losscone_sweep *sw, double mask_usc,
                         lc_prepared *p)
{
    p->method = (int)s->method;
    p->n_rows = sw->n_rows;
    p->u_sc = sw->u_sc;
    int n = 0;
    /* Channels by pitch: an insertion sort per row, starting from the
     * previous row's order (cheap when the rows' pitch patterns agree;
     * with the spin moving them it costs about what a merge sort did,
     * docs/performance.md). */
    int order[LP_N_CHANNELS];
    for (int c = 0; c < LP_N_CHANNELS; c++)
        order[c] = c;
    for (int r = 0; r < sw->n_rows; r++) {
        const double *pitch = sw->pitch_deg[r];
        for (int i = 1; i < LP_N_CHANNELS; i++) {
            int c = order[i], j = i;
            double key = pitch_key(pitch[c]);
            while (j > 0 && pitch_key(pitch[order[j - 1]]) > key) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = c;
        }
        p->energy[r] = sw->energy[r];
        p->row_start[r] = n;
        p->row_obl[r] = n;
        const double mx = row_stat(s, sw, r);
        const int counts = s->method == FIT_METHOD_COUNTS;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0;
        p->sum0[n + r] = 0.0;
        p->sum1[n + r] = 0.0;
        p->sum2[n + r] = 0.0;
        for (int i = 0; i < LP_N_CHANNELS; i++) {
            const int c = order[i];
            if (!bin_masked(s, sw, mask_usc, r, c, mx))
                continue;
            const double v = counts ? lc_counts(sw->flux[r][c], sw->energy[r], sw->integration_s[c])
                                    : lc_value(p->method, sw->norm[r][c]);
            /* counts: n = rate · G·E·t_c */
            const double en =
                counts ? mx * (LP_GEOM_FACTOR * sw->energy[r] * sw->integration_s[c]) : 0.0;
            p->pitch[n] = pitch[c];
            p->value[n] = v;
            p->expn[n] = en;
            p->gauss[n] = 180.0 - pitch[c] < LC_BEAM_PITCH_ZMAX * s->shape.beam_sigma_deg
                              ? lc_beam_pitch_factor(&s->shape, pitch[c])
                              : 0.0;
            if (pitch[c] > 90.0) {
                const double sp = sin(pitch[c] * (LP_PI / 180.0));
                p->sin2[n] = sp * sp;
            } else {
                p->sin2[n] = 1.0;
                p->row_obl[r] = n + 1;
            }
            if (counts) {
                s0 += lc_counts_c0(v, en);
                s1 += v;
                s2 += en;
            } else {
                s1 += v;
                s2 += v * v;
            }
            n++;
            p->sum0[n + r] = s0;
            p->sum1[n + r] = s1;
            p->sum2[n + r] = s2;
        }
    }
    p->row_start[sw->n_rows] = n;
    p->n_bins = n;
    for (int r = 0; r < sw->n_rows; r++) { /* bucket counts for lc_row_split */
        const int base = p->row_obl[r], end = p->row_start[r + 1];
        int i = base;
        for (int k = LC_SPLIT_BUCKETS + 1; k >= 0; k--) {
            const double edge = (double)k / LC_SPLIT_BUCKETS;
            while (i < end && p->sin2[i] >= edge) /* sin² falls along the row */
                i++;
            p->split_ge[r][k] = (unsigned char)(i - base);
        }
    }
}

/* The fast chi2 layout of one sweep (also used by the CUDA backend's host
 * packing, so both paths fit the same bins). */
void losscone_prepare_chi2(const losscone_settings *s, const losscone_sweep *sw, lc_prepared *p)
{
    prepare_chi2(s, sw, sw->u_sc, p);
}

void losscone_prepare_chi2_rows(const losscone_settings *s, const losscone_sweep *sw,
                                lc_prepared *all)
{
    prepare_chi2(s, sw, -INFINITY, all);
}

/* A row's bins, prefix sums and split counts depend on the row alone
 * (the pitch order is built over every row, masked or not), so a valid
 * row is copied and shifted; an invalid one is what prepare_chi2 leaves
 * of a row without bins: its leading zero and zero split counts. */
void losscone_prepared_select(const lc_prepared *all, double u_sc, lc_prepared *p)
{
    p->method = all->method;
    p->n_rows = all->n_rows;
    p->u_sc = u_sc;
    int n = 0;
    for (int r = 0; r < all->n_rows; r++) {
        const int a0 = all->row_start[r];
        const int nb = losscone_energy_valid(all->energy[r], u_sc) ? all->row_start[r + 1] - a0 : 0;
        p->energy[r] = all->energy[r];
        p->row_start[r] = n;
        p->row_obl[r] = n + (nb ? all->row_obl[r] - a0 : 0);
        const size_t bytes = (size_t)nb * sizeof(double);
        memcpy(&p->pitch[n], &all->pitch[a0], bytes);
        memcpy(&p->value[n], &all->value[a0], bytes);
        memcpy(&p->gauss[n], &all->gauss[a0], bytes);
        memcpy(&p->sin2[n], &all->sin2[a0], bytes);
        memcpy(&p->expn[n], &all->expn[a0], bytes);
        /* prefix sums: the leading zero and one per bin, at index bin + row */
        const size_t sums = bytes + sizeof(double);
        memcpy(&p->sum0[n + r], &all->sum0[a0 + r], sums);
        memcpy(&p->sum1[n + r], &all->sum1[a0 + r], sums);
        memcpy(&p->sum2[n + r], &all->sum2[a0 + r], sums);
        if (nb)
            memcpy(p->split_ge[r], all->split_ge[r], sizeof p->split_ge[r]);
        else
            memset(p->split_ge[r], 0, sizeof p->split_ge[r]);
        n += nb;
    }
    p->row_start[all->n_rows] = n;
    p->n_bins = n;
}

double losscone_chi2_brute(const losscone_settings *s, const losscone_sweep *sw, double u, double r,
                           double a)
{
    double total = 0.0;
    int n = 0;
    for (int row = 0; row < sw->n_rows; row++) {
        double mx = row_stat(s, sw, row);
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            if (!bin_masked(s, sw, sw->u_sc, row, c, mx))
                continue;
            double model = losscone_model(&s->shape, sw->energy[row], sw->pitch_deg[row][c],
                                          sw->u_sc, u, r, a);
            if (s->method == FIT_METHOD_COUNTS) { /* Poisson deviance, bin by bin */
                double k = lc_counts(sw->flux[row][c], sw->energy[row], sw->integration_s[c]);
                double mu = mx * LP_GEOM_FACTOR * sw->energy[row] * sw->integration_s[c] * model;
                total += 2.0 * ((k > 0.0 ? k * log(k / mu) : 0.0) - k + mu);
                n++;
                continue;
            }
            double v = lc_value((int)s->method, sw->norm[row][c]);
            total += lc_term((int)s->method, v, model);
            n++;
        }
    }
    if (s->method == FIT_METHOD_LILLIS)
        total /= (double)(n - 3 > 1 ? n - 3 : 1);
    return total;
}

void losscone_lhs_samples(const losscone_settings *s, double *out)
{
    double lo[3] = {s->u_min > LC_LHS_U_MIN ? s->u_min : LC_LHS_U_MIN, s->r_min, s->a_min};
    double hi[3] = {s->u_max < LC_LHS_U_MAX ? s->u_max : LC_LHS_U_MAX, s->r_max, s->a_max};
    lhs_fill(rng_make_key(s->seed, RNG_STREAM_SHARED), RNG_PHASE_LC_LHS, s->lhs_samples, 3, lo, hi,
             out);
    if (s->beam_amp_fixed)
        for (int i = 0; i < s->lhs_samples; i++)
            out[3 * i + 2] = s->beam_amp;
}

static void result_nan(losscone_result *out)
{
    memset(out, 0, sizeof *out);
    lcg_not_fitted_f64(out);
}

int losscone_settings_valid(const losscone_settings *s)
{
    return s->lhs_samples >= 1 && s->population >= 4 && s->population <= DE_MAX_POPULATION &&
           s->polish_starts >= 0 && s->polish_starts <= LC_POLISH_MAX_STARTS;
}

void losscone_fit_one(const losscone_settings *s, const double *lhs, const losscone_sweep *sw,
                      losscone_result *out)
{
    result_nan(out);
    if (!losscone_settings_valid(s))
        return;
    lcg_config c;
    lcg_config_init(s, &c);
    lcg_host_f64 *h = lcg_host_new_f64(s->lhs_samples);
    if (h)
        lcg_fit_scratch_f64(&c, lhs, sw, h, out);
    lcg_host_free_f64(h);
}

lp_status losscone_fit_cpu(const losscone_settings *s, const losscone_sweep *sweeps, size_t n,
                           int threads, losscone_result *out, lp_error *err)
{
    if (!losscone_settings_valid(s))
        return lp_error_set(err, LP_ERR_USAGE, "bad loss-cone optimizer settings");
    double *lhs = malloc((size_t)s->lhs_samples * 3 * sizeof *lhs);
    if (!lhs)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory (LHS samples)");
    losscone_lhs_samples(s, lhs);
    lcg_config c;
    lcg_config_init(s, &c);
    int cancelled = 0, nomem = 0;
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(| : cancelled, nomem)
    {
        /* each thread is a block of one running the fit body */
        lcg_host_f64 *h = lcg_host_new_f64(s->lhs_samples);
        if (!h)
            nomem = 1;
#pragma omp for schedule(dynamic, 4)
        for (size_t i = 0; i < n; i++) {
            result_nan(&out[i]);
            if (nomem || cancel_requested()) {
                cancelled |= cancel_requested();
                continue;
            }
            lcg_fit_scratch_f64(&c, lhs, &sweeps[i], h, &out[i]);
        }
        lcg_host_free_f64(h);
    }
    free(lhs);
    if (nomem)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory (fit scratch)");
    if (cancelled)
        return lp_error_set(err, LP_ERR_CANCELLED, "interrupted");
    return LP_OK;
}

double losscone_chi2_fast(const losscone_settings *s, const losscone_sweep *sw, double u, double r,
                          double a)
{
    lc_prepared *p = malloc(sizeof *p);
    if (!p)
        return NAN;
    losscone_prepare_chi2(s, sw, p);
    double c = lc_chi2(p, &s->shape, u, r, a);
    free(p);
    return c;
}
