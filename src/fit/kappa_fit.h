/* Kappa-distribution fits (docs/physics.md §5): per-sweep data preparation and
 * the DE fit. Pipeline-facing API pinned by the integrator; implemented in
 * kappa_fit.c. */
#ifndef LPMAP_FIT_KAPPA_FIT_H
#define LPMAP_FIT_KAPPA_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/constants.h"
#include "core/status.h"
#include "physics/instrument.h"

/* Kappa fit tuning (docs/physics.md §5) */
#define KAPPA_MIN 2.5
#define KAPPA_MAX 6.0
#define KAPPA_LOG10_THETA_MIN 6.0
#define KAPPA_LOG10_THETA_MAX 8.0
#define KAPPA_DE_POPULATION 30
#define KAPPA_DE_MAX_GENERATIONS 100
#define KAPPA_CHI2_GOOD_MAX 657000.0
#define KAPPA_GAIN_ERR 0.05
#define KAPPA_GEOM_ERR 0.10

typedef struct {
    double kappa_min, kappa_max, log10_theta_min, log10_theta_max;
    int population;      /* 30 */
    int max_generations; /* 100 */
    int min_generations;
    double mutation, crossover, atol;
    double chi2_good_max; /* 657000 */
    uint64_t seed;
} kappa_settings;

void kappa_settings_init(kappa_settings *s);

/* Prepared data of one sweep (docs/physics.md §5 "Data per sweep"). */
typedef struct {
    uint64_t sweep_id;
    uint64_t rng_phase_init, rng_phase_gen; /* which streams (first fit or refit) */
    int n_rows;
    double energy[LP_N_ENERGIES];
    double omni_flux[LP_N_ENERGIES]; /* J_d */
    double weight[LP_N_ENERGIES];    /* w = 1/(sigma_lnJ + EPS) */
    double density;                  /* fixed n estimate, m^-3 */
} kappa_data;

typedef struct {
    double kappa, theta, te_ev, density, chi2;
    int good; /* chi2 < chi2_good_max */
    int generations;
} kappa_result;

/* Build kappa_data from one sweep's rows: energies, raw flux and pitch
 * angles computed with the default b = -B/|B|. */
void kappa_prepare(const er_instrument *inst, int n_rows, const double *energy,
                   const double (*flux)[LP_N_CHANNELS], const double (*pitch_deg)[LP_N_CHANNELS],
                   uint64_t sweep_id, kappa_data *out);

/* Fit n prepared sweeps on the CPU (OpenMP over sweeps). */
lp_status kappa_fit_cpu(const kappa_settings *s, const kappa_data *data, size_t n, int threads,
                        kappa_result *out, lp_error *err);

#endif
