/* Instrument facts and physical constants of docs/physics.md, with their
 * sections. Model and fit tuning lives with the layer that owns it (see
 * below); settings a scientist may vary are defaults there, overridable
 * from the command line (the fit/kappa settings structs). */
#ifndef LPMAP_CORE_CONSTANTS_H
#define LPMAP_CORE_CONSTANTS_H

/* Instrument (docs/physics.md §1) */
#define LP_N_ENERGIES 15    /* rows per sweep */
#define LP_N_CHANNELS 88    /* look directions */
#define LP_N_BANDS 4        /* |theta| bands */
#define LP_ACCUM_TIME_S 2.5 /* accumulation time per spin sector */
#define LP_GEOM_FACTOR 0.02 /* cm^2 sr */
#define LP_EPS 1e-6         /* log and division guard */

/* Physical constants */
#define LP_MOON_RADIUS_KM 1737.4
#define LP_ELECTRON_MASS_KG 9.1093837015e-31
#define LP_PROTON_MASS_KG 1.67262192369e-27
#define LP_ELEMENTARY_CHARGE_C 1.602176634e-19
#define LP_ELECTRON_MASS_EV_S2_M2 5.685630e-12 /* for v = sqrt(2E/m) */
#define LP_PI 3.14159265358979323846

/* Sweep cleaning (docs/physics.md §1) */
#define LP_B_MIN_NT 1e-9
#define LP_B_MAX_NT 1e3

/* Tuning lives with its layer: the optimizer fit/de_core.h, the kappa fit
 * fit/kappa_fit.h, the loss-cone fit fit/losscone_tuning.h, the model's
 * shape physics/losscone_model.h, the charging model physics/charging.h. */

/* Environment classes (docs/physics.md §8) */
#define ENV_UNKNOWN 0
#define ENV_SOLAR_WIND 1
#define ENV_MAGNETOSHEATH 2
#define ENV_TAIL_LOBES 3
#define ENV_PLASMA_SHEET 4
#define ENV_WAKE 5
#define ENV_TE_SOLAR_WIND_MAX 30.0
#define ENV_TE_MAGNETOSHEATH_MAX 80.0
#define ENV_TE_TAIL_LOBES_MAX 150.0

#endif
