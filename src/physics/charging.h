/* Spacecraft charging (docs/physics.md §6): photoemission J-U curve and its
 * inversion, electron current from a kappa spectrum, secondary emission,
 * the shadowed current balance, and the Brent root finder they use. */
#ifndef LPMAP_PHYSICS_CHARGING_H
#define LPMAP_PHYSICS_CHARGING_H

/* The charging model's constants and its solvers' tuning (docs/physics.md
 * §6); the fitter (fit/scpot_body.h) and the simulator use the same. */
#define SC_JE_E_MIN_EV 10.0 /* electron-current integral, eV */
#define SC_JE_E_MAX_EV 20000.0
#define SC_JE_POINTS 10
#define SC_JE_POINTS_REFIT 100
#define SC_PHOTO_J1 1.07e-6 /* photoemission J-U curve, A/m^2 */
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
/* Positive shadowed charging (docs/physics.md §6.3): secondaries leave the
 * surface as a 2 eV Maxwellian (Whipple 1981, Rep. Prog. Phys. 44, 1197),
 * so above 0 V only exp(-U/T_s) of them escape; the root is searched from
 * 0 V up to SC_SHADOW_U_MAX. */
#define SEE_T_EV 2.0
#define SC_SHADOW_U_MAX 150.0

/* Brent's method on [a, b] (f(a), f(b) of opposite sign). Returns the root,
 * or NaN without a sign change. *iterations (may be NULL) gets the count. */
double brent_root(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol,
                  int max_iter, int *iterations);

/* Simpson's rule on non-uniform points (scipy's classic simpson with
 * even='avg' for an even number of points, as the original used). */
double simpson_integrate(const double *x, const double *y, int n);
double trapezoid_integrate(const double *x, const double *y, int n);

/* n log-spaced values from lo to hi inclusive. */
void logspace(double lo, double hi, int n, double *out);

/* Photoemission current density J_ph(U), A/m^2. */
double charging_photo_current(double u);
/* U (V) in [0, 150] with J_ph(U) = j; NaN without a root. */
double charging_invert_photo(double j);
/* Electron current to the spacecraft e·1e4·¼∫J(E)dE over n_points
 * log-spaced energies 10 eV .. 20 keV (Simpson), A/m^2. */
double charging_electron_current(double density, double kappa, double theta, int n_points);
/* Sternglass secondary yield δ(E). */
double charging_sternglass(double e_ev);
/* F(U) = J_i + J_see - J_e at a trial U < 0 (A/m^2), from (n, κ, T_e). */
double charging_current_balance(double density, double kappa, double te_ev, double u);
/* Shadowed U_sc: root of F on [-1500, 0] with bracket growth; NaN if none. */
double charging_shadow_potential(double density, double kappa, double te_ev);

#endif
