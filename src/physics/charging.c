/* Spacecraft charging models (docs/physics.md §6). */
#include "physics/charging.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>

#include "core/constants.h"
#include "physics/kappa_model.h"

/* Brent's method in the form of scipy.optimize.brentq (the original's root
 * finder; same steps, so the same root where F has several sign changes,
 * e.g. the energy-grid jumps of the current balance): xpre/xcur are the
 * last two estimates, xblk the bracketing end; rtol = 4 DBL_EPSILON. */
double brent_root(double (*f)(double x, void *ctx), void *ctx, double a, double b, double xtol,
                  int max_iter, int *iterations)
{
    const double rtol = 4.0 * DBL_EPSILON;
    double xpre = a, xcur = b, xblk = 0.0, fblk = 0.0, spre = 0.0, scur = 0.0;
    double fpre = f(xpre, ctx), fcur = f(xcur, ctx);
    if (iterations)
        *iterations = 0;
    if (fpre == 0.0)
        return xpre;
    if (fcur == 0.0)
        return xcur;
    if (!isfinite(fpre) || !isfinite(fcur) || signbit(fpre) == signbit(fcur))
        return NAN;
    for (int it = 1; it <= max_iter; it++) {
        if (iterations)
            *iterations = it;
        if (fpre != 0.0 && fcur != 0.0 && signbit(fpre) != signbit(fcur)) {
            xblk = xpre;
            fblk = fpre;
            spre = scur = xcur - xpre;
        }
        if (fabs(fblk) < fabs(fcur)) {
            xpre = xcur;
            xcur = xblk;
            xblk = xpre;
            fpre = fcur;
            fcur = fblk;
            fblk = fpre;
        }
        double delta = 0.5 * (xtol + rtol * fabs(xcur));
        double sbis = 0.5 * (xblk - xcur);
        if (fcur == 0.0 || fabs(sbis) < delta)
            return xcur;
        if (fabs(spre) > delta && fabs(fcur) < fabs(fpre)) {
            double stry;
            if (xpre == xblk) { /* secant */
                stry = -fcur * (xcur - xpre) / (fcur - fpre);
            } else { /* inverse quadratic extrapolation */
                double dpre = (fpre - fcur) / (xpre - xcur);
                double dblk = (fblk - fcur) / (xblk - xcur);
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre));
            }
            if (2.0 * fabs(stry) < fmin(fabs(spre), 3.0 * fabs(sbis) - delta)) {
                spre = scur;
                scur = stry;
            } else {
                spre = sbis;
                scur = sbis;
            }
        } else {
            spre = sbis;
            scur = sbis;
        }
        xpre = xcur;
        fpre = fcur;
        xcur += fabs(scur) > delta ? scur : (sbis > 0 ? delta : -delta);
        fcur = f(xcur, ctx);
        if (!isfinite(fcur))
            return NAN;
    }
    return xcur;
}

/* Simpson over intervals [start, stop) in pairs (non-uniform spacing). */
static double simpson_pairs(const double *x, const double *y, int start, int stop)
{
    double s = 0.0;
    for (int i = start; i + 2 <= stop; i += 2) {
        double h0 = x[i + 1] - x[i], h1 = x[i + 2] - x[i + 1];
        double hs = h0 + h1, hp = h0 * h1, hd = h0 / h1;
        s += hs / 6.0 * (y[i] * (2.0 - 1.0 / hd) + y[i + 1] * hs * hs / hp + y[i + 2] * (2.0 - hd));
    }
    return s;
}

double simpson_integrate(const double *x, const double *y, int n)
{
    if (n < 2)
        return 0.0;
    if (n == 2)
        return 0.5 * (x[1] - x[0]) * (y[0] + y[1]);
    if (n % 2 == 1)
        return simpson_pairs(x, y, 0, n - 1);
    double first =
        simpson_pairs(x, y, 0, n - 2) + 0.5 * (x[n - 1] - x[n - 2]) * (y[n - 1] + y[n - 2]);
    double last = simpson_pairs(x, y, 1, n - 1) + 0.5 * (x[1] - x[0]) * (y[1] + y[0]);
    return 0.5 * (first + last);
}

double trapezoid_integrate(const double *x, const double *y, int n)
{
    double s = 0.0;
    for (int i = 0; i + 1 < n; i++)
        s += 0.5 * (x[i + 1] - x[i]) * (y[i] + y[i + 1]);
    return s;
}

void logspace(double lo, double hi, int n, double *out)
{
    double a = log10(lo), b = log10(hi);
    for (int i = 0; i < n; i++)
        out[i] = pow(10.0, n > 1 ? a + (b - a) * i / (n - 1) : a);
}

double charging_photo_current(double u)
{
    return SC_PHOTO_J1 * exp(-u / SC_PHOTO_U1) + SC_PHOTO_J2 * exp(-u / SC_PHOTO_U2);
}

static double photo_residual(double u, void *ctx)
{
    return charging_photo_current(u) - *(double *)ctx;
}

double charging_invert_photo(double j)
{
    if (!isfinite(j) || j <= 0.0)
        return NAN;
    return brent_root(photo_residual, &j, 0.0, SC_SUNLIT_U_MAX, 1e-12, 200, NULL);
}

double charging_electron_current(double density, double kappa, double theta, int n_points)
{
    double e[SC_JE_POINTS_REFIT > SC_BALANCE_POINTS ? SC_JE_POINTS_REFIT : SC_BALANCE_POINTS];
    double y[sizeof e / sizeof e[0]];
    if (n_points < 2 || n_points > (int)(sizeof e / sizeof e[0]))
        return NAN;
    logspace(SC_JE_E_MIN_EV, SC_JE_E_MAX_EV, n_points, e);
    for (int i = 0; i < n_points; i++)
        y[i] = kappa_flux(density, kappa, theta, e[i]);
    return LP_ELEMENTARY_CHARGE_C * 1e4 * 0.25 * simpson_integrate(e, y, n_points);
}

double charging_sternglass(double e_ev)
{
    if (!(e_ev > 0.0))
        return 0.0;
    double x = e_ev / SEE_E_MAX_EV;
    return 7.4 * SEE_DELTA_MAX * x * exp(-2.0 * sqrt(x));
}

/* The balance's energy grid (logspace) and the model's v² on it: the same
 * for every call, so computed once (the same doubles as computing them per
 * call; docs/performance.md). */
static double balance_e[SC_BALANCE_POINTS], balance_v2[SC_BALANCE_POINTS];
static pthread_once_t balance_grid_once = PTHREAD_ONCE_INIT;

static void balance_grid_init(void)
{
    logspace(SC_BALANCE_E_MIN_EV, SC_BALANCE_E_MAX_EV, SC_BALANCE_POINTS, balance_e);
    for (int i = 0; i < SC_BALANCE_POINTS; i++)
        balance_v2[i] = kappa_v2(balance_e[i]);
}

double charging_current_balance(double density, double kappa, double te_ev, double u)
{
    const double q = LP_ELEMENTARY_CHARGE_C;
    double tp = te_ev + u / (kappa - 1.5);
    if (tp <= 0.0)
        return 1e12; /* J_i = 1e12, J_e = J_see = 0 */
    double theta = kappa_theta_from_temperature(kappa, tp);
    double e[SC_BALANCE_POINTS], phi[SC_BALANCE_POINTS], see[SC_BALANCE_POINTS];
    pthread_once(&balance_grid_once, balance_grid_init);
    double au = fabs(u);
    int k = 0;
    /* kappa_flux with its normalization hoisted out of the 500-point loop */
    double norm = density * exp(kappa_log_norm(kappa, theta)), kt2 = kappa * theta * theta;
    for (int i = 0; i < SC_BALANCE_POINTS; i++) {
        if (balance_e[i] < au)
            continue;
        e[k] = balance_e[i];
        double v2 = balance_v2[i];
        double flux = 4.0 * LP_PI * 1e-4 * norm * exp((-kappa - 1.0) * log1p(v2 / kt2)) * v2 /
                      LP_ELECTRON_MASS_EV_S2_M2;
        phi[k] = 0.25 * flux * 1e4;
        see[k] = charging_sternglass(balance_e[i] - au) * phi[k];
        k++;
    }
    double je = q * trapezoid_integrate(e, phi, k);
    double jsee = q * trapezoid_integrate(e, see, k);
    double ti = tp + LP_EPS;
    double ji = q * density * sqrt(q * ti / (2.0 * LP_PI * LP_PROTON_MASS_KG)) *
                sqrt(fmax(0.0, 1.0 - u / ti));
    return ji + jsee - je;
}

typedef struct {
    double n, kappa, te;
} balance_ctx;

static double balance_fn(double u, void *ctx)
{
    const balance_ctx *c = ctx;
    return charging_current_balance(c->n, c->kappa, c->te, u);
}

double charging_shadow_potential(double density, double kappa, double te_ev)
{
    if (!isfinite(density) || !isfinite(kappa) || !isfinite(te_ev))
        return NAN;
    balance_ctx c = {density, kappa, te_ev};
    double lo = SC_SHADOW_U_MIN, hi = 0.0;
    double flo = balance_fn(lo, &c), fhi = balance_fn(hi, &c);
    for (int k = 0; k < SC_BRACKET_TRIES && (flo > 0) == (fhi > 0); k++) {
        lo *= SC_BRACKET_GROW;
        flo = balance_fn(lo, &c);
    }
    if ((flo > 0) == (fhi > 0))
        return NAN;
    return brent_root(balance_fn, &c, lo, hi, SC_BRENT_XTOL, SC_BRENT_MAXITER, NULL);
}
