/* Simulated plasma environment and spacecraft charging truth (docs/physics.md
 * §5, §6, §8): the environment from the Moon's place around the Earth
 * (solar wind, magnetosheath, tail lobes, plasma sheet), the ambient
 * electron distribution per sweep (a kappa, or in the solar wind of a
 * core-halo run a Maxwellian core plus a kappa halo), and U_sc from the
 * charging model of docs/physics.md §6 applied to that ambient distribution. */
#ifndef LPMAP_SIM_SIM_PLASMA_H
#define LPMAP_SIM_SIM_PLASMA_H

#include "core/rng.h"

/* Which plasma a run simulates (`lpmap simulate --plasma`). */
typedef enum { SIM_PLASMA_KAPPA = 0, SIM_PLASMA_CORE_HALO = 1 } sim_plasma_kind;

/* "kappa" / "core-halo"; NULL outside the enum. */
const char *sim_plasma_kind_name(int kind);
/* Parse a --plasma value; -1 when unknown. */
int sim_plasma_kind_parse(const char *s, sim_plasma_kind *out);

/* The ambient (undisturbed) electrons of one sweep: a kappa component of
 * density density - core_density with (kappa, theta), plus a Maxwellian core
 * (core_density, core_te_ev; zero in a kappa plasma, so an initializer that
 * only sets the first five fields describes a pure kappa). */
typedef struct {
    int environment;     /* ENV_* of constants.h (never ENV_WAKE: that is the footpoint) */
    double density;      /* total, m^-3 */
    double kappa;        /* index of the kappa component */
    double te_ev;        /* effective T_e (eV): density-weighted mean of the components */
    double theta;        /* m/s, of the kappa component */
    double core_density; /* m^-3, Maxwellian core (0: none) */
    double core_te_ev;   /* eV */
} sim_plasma;

/* Environment from the angle (deg) between the Moon's geocentric direction
 * and the anti-Sun direction, then the distribution drawn in the
 * environment's ranges (phase RNG_PHASE_SIM+0 of the sweep's stream,
 * counters 0 and, for the core-halo solar wind, 1). With SIM_PLASMA_KAPPA
 * every environment is a kappa; with SIM_PLASMA_CORE_HALO the solar wind is
 * a core-halo plasma and the other environments stay kappa. */
void sim_plasma_draw(double tail_angle_deg, sim_plasma_kind kind, rng_key key, sim_plasma *out);

/* Omnidirectional differential flux of the ambient electrons at energy E
 * (eV), #/(cm^2 s eV). */
double sim_plasma_flux(const sim_plasma *p, double energy_ev);

/* Omnidirectional Maxwellian flux of density n (m^-3) and temperature T (eV). */
double sim_maxwell_flux(double n, double te_ev, double energy_ev);

/* Current balance J_i + J_see - J_e (A/m^2) of a shadowed spacecraft at
 * U in the ambient plasma. U < 0: electrons of ambient energy E > |U| reach
 * it (J_e, and J_see with the Sternglass yield at the impact energy E - |U|),
 * ions at T_i = te_ev attracted (the charging model of docs/physics.md §6
 * written in the ambient parameters; for a kappa plasma it equals
 * charging_current_balance(n, kappa, T - U/(kappa - 1.5), U), the spectrum
 * a spacecraft at U measures). U > 0 (§6.3): every ambient electron reaches
 * it at E + U, ions are repelled (Boltzmann, exp(-U/T_i)) and only
 * exp(-U/SEE_T_EV) of the secondaries escape. */
double sim_shadow_balance(const sim_plasma *p, double u);

/* U_sc of the charging model (physics/charging.h, docs/physics.md §6) for the
 * ambient plasma: sunlit, the J-U inversion of the electron current of the
 * ambient spectrum (100-point Simpson over 10 eV..20 keV, as the pipeline's
 * refit); shadowed, the root of sim_shadow_balance that a spacecraft charging
 * from 0 V reaches: the first one below 0 V when the balance is negative at
 * 0 V, the first one above when it is positive (hot plasma-sheet electrons
 * whose secondary yield exceeds 1). NaN where the model has no root. */
double sim_usc_truth(const sim_plasma *p, int sunlit);

#endif
