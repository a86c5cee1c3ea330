/* Simulated plasma environment and charging truth (see sim_plasma.h).
 * U_sc comes from the charging model of physics/charging.h applied to the
 * ambient distribution (not to what a charged spacecraft measures). */
#include <math.h>
#include <string.h>

#include "core/constants.h"
#include "physics/charging.h"
#include "physics/kappa_model.h"
#include "sim/sim_plasma.h"

const char *sim_plasma_kind_name(int kind)
{
    switch (kind) {
    case SIM_PLASMA_KAPPA: return "kappa";
    case SIM_PLASMA_CORE_HALO: return "core-halo";
    default: return NULL;
    }
}

int sim_plasma_kind_parse(const char *s, sim_plasma_kind *out)
{
    if (!strcmp(s, "kappa"))
        *out = SIM_PLASMA_KAPPA;
    else if (!strcmp(s, "core-halo"))
        *out = SIM_PLASMA_CORE_HALO;
    else
        return -1;
    return 0;
}

static double lerp_log(double lo, double hi, double u)
{
    return exp(log(lo) + (log(hi) - log(lo)) * u);
}

/* Solar-wind core-halo ranges (docs/simulate.md "Plasma" cites the
 * statistics they span): core 10-25 eV holding 92-97 % of n, halo 3-7
 * times hotter with kappa 3-6. */
#define CH_CORE_TE_MIN 10.0
#define CH_CORE_TE_MAX 25.0
#define CH_HALO_FRAC_MIN 0.03
#define CH_HALO_FRAC_MAX 0.08
#define CH_HALO_RATIO_MIN 3.0
#define CH_HALO_RATIO_MAX 7.0
#define CH_HALO_KAPPA_MIN 3.0
#define CH_HALO_KAPPA_MAX 6.0

void sim_plasma_draw(double tail_angle_deg, sim_plasma_kind kind, rng_key key, sim_plasma *out)
{
    double u[4];
    rng_uniform4(key, RNG_PHASE_SIM + 0, 0, 0, 0, u);
    double a = fabs(tail_angle_deg);
    out->core_density = 0.0;
    out->core_te_ev = 0.0;
    if (a < 6.0) {
        out->environment = ENV_PLASMA_SHEET;
        out->density = lerp_log(1e5, 5e5, u[0]);
        out->te_ev = lerp_log(200.0, 600.0, u[1]);
    } else if (a < 20.0) {
        out->environment = ENV_TAIL_LOBES;
        out->density = lerp_log(5e4, 2e5, u[0]);
        out->te_ev = lerp_log(90.0, 140.0, u[1]);
    } else if (a < 35.0) {
        out->environment = ENV_MAGNETOSHEATH;
        out->density = lerp_log(3e6, 8e6, u[0]);
        out->te_ev = lerp_log(35.0, 70.0, u[1]);
    } else {
        out->environment = ENV_SOLAR_WIND;
        out->density = lerp_log(2e6, 6e6, u[0]);
        out->te_ev = lerp_log(12.0, 25.0, u[1]);
    }
    out->kappa = 3.0 + 2.5 * u[2];
    out->theta = kappa_theta_from_temperature(out->kappa, out->te_ev);
    if (kind != SIM_PLASMA_CORE_HALO || out->environment != ENV_SOLAR_WIND)
        return;
    double w[4];
    rng_uniform4(key, RNG_PHASE_SIM + 0, 1, 0, 0, w);
    double tc = lerp_log(CH_CORE_TE_MIN, CH_CORE_TE_MAX, u[1]);
    double frac = CH_HALO_FRAC_MIN + (CH_HALO_FRAC_MAX - CH_HALO_FRAC_MIN) * u[3];
    double th = tc * (CH_HALO_RATIO_MIN + (CH_HALO_RATIO_MAX - CH_HALO_RATIO_MIN) * w[0]);
    out->kappa = CH_HALO_KAPPA_MIN + (CH_HALO_KAPPA_MAX - CH_HALO_KAPPA_MIN) * w[1];
    out->theta = kappa_theta_from_temperature(out->kappa, th);
    out->core_density = (1.0 - frac) * out->density;
    out->core_te_ev = tc;
    out->te_ev = (1.0 - frac) * tc + frac * th;
}

double sim_maxwell_flux(double n, double te_ev, double energy_ev)
{
    /* f = n (m/(2 pi T))^{3/2} exp(-E/T) with m in eV s^2/m^2; J = 4 pi 1e-4 f v^2 / m */
    double m = LP_ELECTRON_MASS_EV_S2_M2;
    double f = n * pow(m / (2.0 * LP_PI * te_ev), 1.5) * exp(-energy_ev / te_ev);
    double v2 = 2.0 * energy_ev / m;
    return 4.0 * LP_PI * 1e-4 * f * v2 / m;
}

double sim_plasma_flux(const sim_plasma *p, double energy_ev)
{
    double j = kappa_flux(p->density - p->core_density, p->kappa, p->theta, energy_ev);
    if (p->core_density > 0.0)
        j += sim_maxwell_flux(p->core_density, p->core_te_ev, energy_ev);
    return j;
}

/* sim_plasma_flux with the normalizations hoisted out of an energy loop
 * (the current balance evaluates 500 energies per trial U). */
typedef struct {
    double kappa_norm, k_theta2, kappa_exp; /* n_k A_k, kappa theta^2, -kappa-1 */
    double core_norm, core_te;              /* n_c (m/(2 pi T))^{3/2}, T */
} flux_coef;

static flux_coef flux_coef_of(const sim_plasma *p)
{
    flux_coef c;
    c.kappa_norm = (p->density - p->core_density) * exp(kappa_log_norm(p->kappa, p->theta));
    c.k_theta2 = p->kappa * p->theta * p->theta;
    c.kappa_exp = -p->kappa - 1.0;
    c.core_norm =
        p->core_density > 0.0
            ? p->core_density * pow(LP_ELECTRON_MASS_EV_S2_M2 / (2.0 * LP_PI * p->core_te_ev), 1.5)
            : 0.0;
    c.core_te = p->core_te_ev;
    return c;
}

static double flux_eval(const flux_coef *c, double energy_ev)
{
    double v2 = 2.0 * energy_ev / LP_ELECTRON_MASS_EV_S2_M2;
    double f = c->kappa_norm * exp(c->kappa_exp * log1p(v2 / c->k_theta2));
    if (c->core_norm > 0.0)
        f += c->core_norm * exp(-energy_ev / c->core_te);
    return 4.0 * LP_PI * 1e-4 * f * v2 / LP_ELECTRON_MASS_EV_S2_M2;
}

double sim_shadow_balance(const sim_plasma *p, double u)
{
    const double q = LP_ELEMENTARY_CHARGE_C;
    const flux_coef fc = flux_coef_of(p);
    double e[SC_BALANCE_POINTS], phi[SC_BALANCE_POINTS], see[SC_BALANCE_POINTS];
    /* electrons below |U| are turned back before reaching a negative
     * spacecraft: the grid starts at |U| itself (a fixed grid masked at |U|
     * drops the piece up to its next point, a sawtooth of ~1-2 % in U_sc) */
    double e0 = u < 0.0 && -u > SC_BALANCE_E_MIN_EV ? -u : SC_BALANCE_E_MIN_EV;
    if (e0 >= SC_BALANCE_E_MAX_EV)
        e0 = SC_BALANCE_E_MAX_EV;
    logspace(e0, SC_BALANCE_E_MAX_EV, SC_BALANCE_POINTS, e);
    for (int i = 0; i < SC_BALANCE_POINTS; i++) {
        phi[i] = 0.25 * flux_eval(&fc, e[i]) * 1e4;
        see[i] = charging_sternglass(e[i] + u) * phi[i]; /* at the impact energy */
    }
    double je = q * trapezoid_integrate(e, phi, SC_BALANCE_POINTS);
    double jsee = q * trapezoid_integrate(e, see, SC_BALANCE_POINTS);
    double ti = p->te_ev + LP_EPS;
    double ji0 = q * p->density * sqrt(q * ti / (2.0 * LP_PI * LP_PROTON_MASS_KG));
    if (u > 0.0) /* ions repelled, secondaries below U return (§6.3) */
        return ji0 * exp(-u / ti) + jsee * exp(-u / SEE_T_EV) - je;
    return ji0 * sqrt(1.0 - u / ti) + jsee - je;
}

static double shadow_fn(double u, void *ctx)
{
    return sim_shadow_balance(ctx, u);
}

double sim_usc_truth(const sim_plasma *p, int sunlit)
{
    if (sunlit) {
        double e[SC_JE_POINTS_REFIT], y[SC_JE_POINTS_REFIT];
        logspace(SC_JE_E_MIN_EV, SC_JE_E_MAX_EV, SC_JE_POINTS_REFIT, e);
        for (int i = 0; i < SC_JE_POINTS_REFIT; i++)
            y[i] = sim_plasma_flux(p, e[i]);
        double je =
            LP_ELEMENTARY_CHARGE_C * 1e4 * 0.25 * simpson_integrate(e, y, SC_JE_POINTS_REFIT);
        return charging_invert_photo(je);
    }
    if (!isfinite(p->density) || !isfinite(p->kappa) || !isfinite(p->te_ev))
        return NAN;
    sim_plasma c = *p;
    double f0 = shadow_fn(0.0, &c);
    if (f0 > 0.0) {
        /* more secondaries and ions than electrons at 0 V: the spacecraft
         * charges positive until the returning secondaries balance it */
        double lo = 0.0, hi = 0.25, fhi = shadow_fn(hi, &c);
        while (fhi > 0.0 && hi < SC_SHADOW_U_MAX) {
            lo = hi;
            hi *= 2.0;
            fhi = shadow_fn(hi, &c);
        }
        if (fhi > 0.0)
            return NAN;
        return brent_root(shadow_fn, &c, lo, hi, SC_BRENT_XTOL, SC_BRENT_MAXITER, NULL);
    }
    double lo = SC_SHADOW_U_MIN, hi = 0.0;
    double flo = shadow_fn(lo, &c), fhi = f0;
    for (int k = 0; k < SC_BRACKET_TRIES && (flo > 0) == (fhi > 0); k++) {
        lo *= SC_BRACKET_GROW;
        flo = shadow_fn(lo, &c);
    }
    if ((flo > 0) == (fhi > 0))
        return NAN;
    return brent_root(shadow_fn, &c, lo, hi, SC_BRENT_XTOL, SC_BRENT_MAXITER, NULL);
}
