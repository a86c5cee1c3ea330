/* Simulated plasma environment and spacecraft charging truth (docs/physics.md
 * §5, §6, §8): the environment from the Moon's place around the Earth
 * (solar wind, magnetosheath, tail lobes, plasma sheet), kappa parameters
 * per sweep, and U_sc from the charging model of docs/physics.md §6. */
#ifndef LPMAP_SIM_SIM_PLASMA_H
#define LPMAP_SIM_SIM_PLASMA_H

#include "core/rng.h"

typedef struct {
    int environment; /* ENV_* of constants.h (never ENV_WAKE: that is the footpoint) */
    double density;  /* m^-3 */
    double kappa;
    double te_ev;
    double theta; /* m/s, from kappa and te_ev */
} sim_plasma;

/* Environment from the angle (deg) between the Moon's geocentric direction
 * and the anti-Sun direction, then kappa parameters drawn in the
 * environment's ranges (phase RNG_PHASE_SIM+0 of the sweep's stream). */
void sim_plasma_draw(double tail_angle_deg, rng_key key, sim_plasma *out);

/* U_sc of the charging model (physics/charging.h, docs/physics.md §6) for the
 * injected plasma: sunlit, the J-U inversion of the electron current of the
 * ambient spectrum (100-point Simpson, as the pipeline's refit); shadowed,
 * the current balance. NaN where the model has no root. */
double sim_usc_truth(const sim_plasma *p, int sunlit);

#endif
