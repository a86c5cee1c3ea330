/* Simulated ER sweeps (docs/physics.md §1-§5): the standard channel table,
 * channel azimuths, the sweep energies, and one sweep's measured flux —
 * the ambient spectrum carried to the charged spacecraft (Liouville), seen
 * through the instrument response, the loss-cone + beam reflection of
 * losscone_model.h, Poisson counting noise. */
#ifndef LPMAP_SIM_SIM_SPECTRA_H
#define LPMAP_SIM_SIM_SPECTRA_H

#include "core/constants.h"
#include "core/rng.h"
#include "physics/instrument.h"
#include "sim/sim_plasma.h"

/* Elevations of the 88 channels in the order theta.tab lists them. */
void sim_standard_theta(double theta_deg[LP_N_CHANNELS]);
/* Instrument constants for that table (docs/physics.md §1). */
void sim_standard_instrument(er_instrument *inst);

/* The 15 sweep energies (eV, descending); the table changes once, at
 * unix day `table_change_day`, as the real sweep table did. */
void sim_sweep_energies(double unix_s, double energy[LP_N_ENERGIES]);

/* Channel azimuths of each row: band of n channels (each sign) gets 360 j/n plus the
 * spin phase of the row (phase RNG_PHASE_SIM+2). */
void sim_sweep_azimuths(const double theta_deg[LP_N_CHANNELS], rng_key key,
                        double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS]);

/* How the ambient spectrum reaches the detector through U_sc. */
typedef enum {
    /* physical: f is conserved along the trajectory, so an ambient electron
     * of energy E - U_sc is measured at E and J(E) = E/(E - U_sc) J_amb(E - U_sc),
     * sunlit or shadowed (the mission simulator) */
    SIM_MAP_LIOUVILLE = 0,
    /* the fitter's own model: J(E) = J_amb(E - U_sc) when sunlit, J_amb(E)
     * in shadow (model-consistent sweeps for the fit benchmarks and tests) */
    SIM_MAP_SHIFT_SUNLIT = 1
} sim_energy_mapping;

typedef struct {
    sim_plasma plasma;
    int mapping;       /* sim_energy_mapping */
    int sunlit;        /* spacecraft illumination */
    double u_sc;       /* V */
    int polarity;      /* +1/-1: field line hits the Moon along polarity*B; 0: none */
    double u_surface;  /* V (ignored when polarity == 0) */
    double bs_over_bm; /* r */
    double beam_amp;   /* A */
    double b_scd[3];   /* field, SCD (nT) */
} sim_sweep_truth;

/* Mean incident omnidirectional flux at the sweep energies (#/(cm^2 s eV)):
 * the ambient spectrum mapped through U_sc as t->mapping says, seen
 * through the instrument response W of docs/physics.md §5. */
void sim_incident_flux(const sim_sweep_truth *t, const double energy[LP_N_ENERGIES],
                       double omni[LP_N_ENERGIES]);

/* Expected (noise-free) flux of every (row, channel): incident/(4 pi) x
 * loss-cone model. */
void sim_sweep_mean_flux(const er_instrument *inst, const sim_sweep_truth *t,
                         const double energy[LP_N_ENERGIES],
                         const double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS],
                         double flux[LP_N_ENERGIES][LP_N_CHANNELS]);

/* Measured flux of every (row, channel): the mean flux turned into Poisson
 * counts (phase RNG_PHASE_SIM+1) and back into flux. */
void sim_sweep_flux(const er_instrument *inst, const sim_sweep_truth *t,
                    const double energy[LP_N_ENERGIES],
                    const double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS], rng_key key,
                    double flux[LP_N_ENERGIES][LP_N_CHANNELS]);

/* Poisson deviate of mean lambda from the counter stream (key, phase, a, b). */
double sim_poisson(double lambda, rng_key key, uint64_t phase, uint64_t a, uint64_t b);

#endif
