/* Every physics constant and default of docs/physics.md, in one table, with
 * its section. Settings a scientist may vary are defaults here and are
 * overridable from the command line (see the fit/kappa settings structs). */
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

/* Loss-cone model (docs/physics.md §4.1-4.2) */
#define LC_BACKGROUND 0.05
#define LC_BEAM_WIDTH_EV 15.0
#define LC_BEAM_PITCH_SIGMA_DEG 7.5
#define LC_U_MIN -2000.0
#define LC_U_MAX 20.0
#define LC_R_MIN 0.3
#define LC_R_MAX 1.1
#define LC_A_MIN 0.0
#define LC_A_MAX 5.0
#define LC_E_FLOOR 1e-12
#define LC_LHS_U_MIN -1000.0 /* LHS phase clips U to [max(U_min,-1000), min(U_max,0)] */
#define LC_LHS_U_MAX 0.0
#define LC_CHI2_BAD 1e30 /* non-finite chi2 inside the optimizer */

/* Lillis objective (docs/physics.md §4.3) */
#define LILLIS_RATIO_LO 0.07
#define LILLIS_RATIO_HI 0.79
#define LILLIS_MIN_BINS 5
#define LILLIS_CHI2_MAX 2.0

/* Optimizer (docs/physics.md §4.4) */
#define LC_LHS_SAMPLES 400
#define LC_DE_POPULATION 50
#define LC_DE_MAX_GENERATIONS 500
#define DE_MUTATION 0.5
#define DE_CROSSOVER 0.9
#define DE_ATOL 1e-3
#define DE_MIN_GENERATIONS 10
#define U_WIDTH_DCHI2 0.001
#define U_WIDTH_IDENTIFIABLE_MAX_V 200.0

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

/* Spacecraft charging (docs/physics.md §6) */
#define SC_JE_E_MIN_EV 10.0
#define SC_JE_E_MAX_EV 20000.0
#define SC_JE_POINTS 10
#define SC_JE_POINTS_REFIT 100
#define SC_PHOTO_J1 1.07e-6 /* A/m^2 */
#define SC_PHOTO_U1 5.0
#define SC_PHOTO_J2 1.6e-8
#define SC_PHOTO_U2 60.0
#define SC_SUNLIT_U_MAX 150.0
#define SC_SHADOW_U_MIN -1500.0
#define SC_BRENT_XTOL 1e-3
#define SC_BRENT_MAXITER 200
#define SC_BRACKET_GROW 1.5
#define SC_BRACKET_TRIES 10
#define SC_BALANCE_E_MIN_EV 1.0
#define SC_BALANCE_E_MAX_EV 20000.0
#define SC_BALANCE_POINTS 500
#define SEE_DELTA_MAX 1.5 /* Sternglass: 7.4 * delta_max * (E/E_max) exp(-2 sqrt(E/E_max)) */
#define SEE_E_MAX_EV 500.0

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
