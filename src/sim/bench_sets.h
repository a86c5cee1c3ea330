/* The standard benchmark sets of docs/bench.md (`losscone`, `kappa`):
 * seeded sweeps with known truth made by the simulator's forward models. */
#ifndef LPMAP_SIM_BENCH_SETS_H
#define LPMAP_SIM_BENCH_SETS_H

#include <stdint.h>

#include "core/constants.h"
#include "core/status.h"
#include "fit/losscone_fit.h"
#include "physics/instrument.h"

typedef struct {
    double u_surface, bs_over_bm, beam_amp, u_sc;
    double density, kappa, te_ev;
    double b_scd[3];
    double energy[LP_N_ENERGIES];
    double phi[LP_N_ENERGIES][LP_N_CHANNELS];
    double flux[LP_N_ENERGIES][LP_N_CHANNELS];
} bench_sweep;

/* Sweep i of the standard set for `seed` (streams RNG_PHASE_SIM+10, +1, +2; sweep keys (seed, i));
 * with_losscone 0 gives the bare incident spectra of the kappa set (no loss cone, U_sc = 0). */
void bench_set_sweep(uint64_t seed, uint64_t i, int with_losscone, const er_instrument *inst,
                     bench_sweep *out);

/* Sweep i of the standard loss-cone set prepared for the fit as `lpmap
 * bench losscone` fits it (ratio normalization, mean incident statistic,
 * polarity +1 on every row); truth (NULL: not wanted) gets (U, r, A).
 * LP_ERR_NOMEM when the scratch sweep cannot be allocated. */
lp_status bench_set_losscone_sweep(uint64_t seed, uint64_t i, const er_instrument *inst,
                                   losscone_sweep *out, double truth[3]);

#endif
