/* One simulated sweep end to end (docs/simulate.md): geometry from
 * the analytic mission through the pipeline's own geometry functions
 * (geometry.h), field, plasma, U_sc and U_surface truth, then the measured
 * rows with the real files' warts. */
#ifndef LPMAP_SIM_SIM_SWEEP_H
#define LPMAP_SIM_SIM_SWEEP_H

#include <stdint.h>

#include "geometry/geometry.h"
#include "physics/instrument.h"
#include "sim/sim_spectra.h"

/* The truth.csv record of a sweep (docs/formats.md §7). */
typedef struct {
    int64_t spec_no;
    char utc[32];
    double footpoint_lat, footpoint_lon;
    int polarity;
    double u_surface, bs_over_bm, beam_amp, u_spacecraft;
    double density, kappa, te_ev; /* total n, kappa of the kappa component, effective T_e */
    int spacecraft_in_sun, footpoint_in_sun;
    int core_halo;                     /* this sweep's plasma: 1 core-halo, 0 kappa */
    double core_density, core_te_ev;   /* Maxwellian core (0 / NaN in a kappa sweep) */
    double kappa_density, kappa_te_ev; /* the kappa component (the halo, or all of n) */
} sim_truth_row;

/* Measured rows of one sweep as they go into the file. */
typedef struct {
    double unix_s;
    char utc[32];
    int64_t spec_no;
    double b_scd[3]; /* as printed (4 decimals) */
    double energy[LP_N_ENERGIES];
    double flux[LP_N_ENERGIES][LP_N_CHANNELS];
    double phi[LP_N_ENERGIES][LP_N_CHANNELS];
    uint8_t flux_fill[LP_N_ENERGIES][LP_N_CHANNELS];
    uint8_t phi_fill[LP_N_ENERGIES][LP_N_CHANNELS];
} sim_sweep_rows;

typedef struct {
    uint64_t seed;
    const er_instrument *inst;
    const attitude_table *attitude; /* ET times */
    int plasma;                     /* sim_plasma_kind */
} sim_context;

/* Simulate the sweep of global index `sweep_index` at unix time `unix_s`
 * with file-local number spec_no. Deterministic in (seed, sweep_index). */
void sim_sweep_generate(const sim_context *ctx, uint64_t sweep_index, double unix_s,
                        int64_t spec_no, sim_sweep_rows *rows, sim_truth_row *truth);

/* The truth CSV header and one line (no trailing newline in the header
 * string; the line function adds '\n'). SIM_TRUTH_HEADER_V1 is the first 14
 * columns (docs/simulate.md), which older truth files end with. */
extern const char SIM_TRUTH_HEADER[];
extern const char SIM_TRUTH_HEADER_V1[];
int sim_truth_format(char *buf, size_t size, const sim_truth_row *t);

#endif
