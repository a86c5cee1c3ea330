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

/* Still here until the DE and kappa-fit rewrite lands (then fit-layer
 * headers: fit/de_core.h, fit/kappa_fit.h). The loss-cone fit's own tuning
 * is fit/losscone_tuning.h, the model's shape physics/losscone_model.h, the
 * charging model's physics/charging.h. */

/* Optimizer shared by both fits (docs/physics.md §4.4) */
#define LC_CHI2_BAD 1e30 /* non-finite chi2 inside the optimizer */
#define DE_MUTATION 0.5
#define DE_CROSSOVER 0.9
#define DE_ATOL 1e-3
#define DE_MIN_GENERATIONS 10

/* Kappa fit (docs/physics.md §5) */
#define KAPPA_MIN 2.5
#define KAPPA_MAX 6.0
#define KAPPA_LOG10_THETA_MIN 6.0
#define KAPPA_LOG10_THETA_MAX 8.0
#define KAPPA_DE_POPULATION 30
#define KAPPA_DE_MAX_GENERATIONS 100
#define KAPPA_CHI2_GOOD_MAX 657000.0
#define KAPPA_GAIN_ERR 0.05
#define KAPPA_GEOM_ERR 0.10

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
