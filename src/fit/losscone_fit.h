/* Loss-cone fitting (docs/physics.md §2-§4): per-sweep inputs prepared on the
 * CPU (pitch angles, normalization), settings, results, and the CPU fitter.
 * Pipeline-facing API pinned by the integrator; implemented in
 * losscone_fit.c (+ physics/pitch.c, physics/normalize.c). */
#ifndef LPMAP_FIT_LOSSCONE_FIT_H
#define LPMAP_FIT_LOSSCONE_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/constants.h"
#include "core/status.h"
#include "fit/fit_types.h"
#include "fit/losscone_chi2.h"
#include "fit/losscone_tuning.h"
#include "physics/instrument.h"
#include "physics/losscone_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    fit_method method;
    losscone_shape shape;
    double u_min, u_max, r_min, r_max, a_min, a_max; /* bounds (docs/physics.md §4.2) */
    int beam_amp_fixed;                              /* 1: A pinned to beam_amp */
    double beam_amp;
    int lhs_samples;     /* 400 */
    int population;      /* 50 */
    int max_generations; /* 500 */
    int min_generations; /* 10 */
    double mutation, crossover, atol;
    int polish;          /* 1: exact line-search polish after DE (ours) */
    int polish_starts;   /* extra polish starts: the next-best LHS samples */
    int emit_u_width_qc; /* lillis only */
    double u_width_dchi2, u_width_identifiable_max_v;
    uint64_t seed;
} losscone_settings;

/* Defaults of docs/physics.md §4, with the polish on. */
void losscone_settings_init(losscone_settings *s);

/* One sweep's fit input. Unused rows/bins are NaN. */
typedef struct {
    uint64_t sweep_id; /* the random stream (docs/decisions.md "Sweep streams") */
    int n_rows;        /* rows used, <= LP_N_ENERGIES */
    double u_sc;       /* spacecraft potential of the sweep (NaN: not fitted) */
    double energy[LP_N_ENERGIES];
    double pitch_deg[LP_N_ENERGIES][LP_N_CHANNELS];
    double norm[LP_N_ENERGIES][LP_N_CHANNELS]; /* normalized flux */
    double flux[LP_N_ENERGIES][LP_N_CHANNELS]; /* raw flux (lillis mask, counts) */
    double integration_s[LP_N_CHANNELS];       /* t_c: counts = flux·G·E·t_c (counts) */
} losscone_sweep;

typedef enum {
    LC_NOT_FITTED = 0, /* empty mask / too few bins / U_sc NaN: all outputs NaN */
    LC_FITTED = 1,
    LC_INVALID = 2 /* lillis chi2_red > 2: parameters NaN, chi2 kept */
} losscone_status;

typedef struct {
    double u_surface, bs_over_bm, beam_amp, chi2;
    int generations;
    losscone_status status;
    double u_width;     /* U-width QC (NaN unless requested) */
    int u_identifiable; /* u_width <= threshold */
    double u_sigma;     /* 1-sigma of u_surface incl. U_sc's (consistent mode; else NaN) */
} losscone_result;

/* 1 when the optimizer settings are usable: LHS samples >= 1, population
 * 4..DE_MAX_POPULATION, polish starts 0..LC_POLISH_MAX_STARTS. */
int losscone_settings_valid(const losscone_settings *s);

/* Fit n sweeps on the CPU (OpenMP over sweeps, `threads` 0 = all cores).
 * Results depend only on (settings, sweep), never on threads or order.
 * Checks the cancellation flag between sweeps (LP_ERR_CANCELLED). */
lp_status losscone_fit_cpu(const losscone_settings *s, const losscone_sweep *sweeps, size_t n,
                           int threads, losscone_result *out, lp_error *err);

/* Build a sweep's fit input from its rows (docs/physics.md §2-§3): pitch angles
 * with the row polarities (PITCH_POLARITY_DEFAULT for b = -B/|B|), the
 * normalization, the raw flux; energies below U_sc stay (the mask drops
 * them). */
void losscone_prepare_sweep(const er_instrument *inst, norm_mode mode, incident_stat stat,
                            int n_rows, const double *energy, const double (*b_scd)[3],
                            const int *polarity, const double (*flux)[LP_N_CHANNELS],
                            const double (*phi_deg)[LP_N_CHANNELS], double u_sc, uint64_t sweep_id,
                            losscone_sweep *out);
/* The same with the rows' pitch angles already computed (the batch computes
 * them once per day for both the U_sc and the loss-cone stage,
 * docs/performance.md "Pitch angles once per day"). */
void losscone_prepare_sweep_pitched(const er_instrument *inst, norm_mode mode, incident_stat stat,
                                    int n_rows, const double *energy,
                                    const double (*pitch_deg)[LP_N_CHANNELS],
                                    const double (*flux)[LP_N_CHANNELS], double u_sc,
                                    uint64_t sweep_id, losscone_sweep *out);

/* Fit one sweep (the CPU path; lhs = the run's shared LHS sample set of
 * s->lhs_samples x 3 values from losscone_lhs_samples). Settings that
 * losscone_settings_valid refuses give an all-NaN result. */
void losscone_fit_one(const losscone_settings *s, const double *lhs, const losscone_sweep *sw,
                      losscone_result *out);

/* The shared LHS sample set of a run (docs/physics.md §4.4 phase 1). */
void losscone_lhs_samples(const losscone_settings *s, double *out /* lhs_samples*3 */);

/* Brute-force chi2 (the test oracle): model per bin, 15x88 logs. */
double losscone_chi2_brute(const losscone_settings *s, const losscone_sweep *sw, double u, double r,
                           double a);

/* The fast exact chi2 of losscone_chi2.h on one candidate (prepares the
 * sweep each call: for tests and tools, not for loops). */
double losscone_chi2_fast(const losscone_settings *s, const losscone_sweep *sw, double u, double r,
                          double a);

/* The fast-chi2 layout of one sweep: its masked bins (docs/physics.md §4.3)
 * sorted by pitch per row, with prefix sums (fit/losscone_chi2.h). */
void losscone_prepare_chi2(const losscone_settings *s, const losscone_sweep *sw, lc_prepared *p);

/* The same layout with every row's bins, whatever U_sc: U_sc masks whole
 * rows only (valid(E) = E >= U_sc), so the layout for any U_sc is a
 * selection of these rows (losscone_prepared_select). For callers that
 * need the sweep at several U_sc (the σ's U_sc part, losscone_sigma.c). */
void losscone_prepare_chi2_rows(const losscone_settings *s, const losscone_sweep *sw,
                                lc_prepared *all);

/* p = losscone_prepare_chi2 of the sweep with U_sc set to u_sc, bit for
 * bit, from `all` (losscone_prepare_chi2_rows): the rows valid at u_sc
 * copied, the others left empty. */
void losscone_prepared_select(const lc_prepared *all, double u_sc, lc_prepared *p);

#ifdef __cplusplus
}
#endif

#endif
