/* The "consistent" spacecraft-potential estimator of one sweep, header-only
 * (LP_HD) so that one body serves the CPU per sweep and a device per block.
 *
 * Why it exists: the reference estimator (fit/scpot.c) fits log-flux with
 * EPS weights, fixes n at a ≥ 10 eV flux integral and shifts energies
 * without the Liouville factor, so n, T_e and U_sc are biased (issue #15).
 * Here, per sweep:
 *  - data: the counts K_r of each energy row over the channels outside any
 *    loss cone (pitch < 90° with the footpoint's field direction; all
 *    channels when the field line has no footpoint), and their exposure
 *    G·E_r·Σt_c/(4π);
 *  - model: λ_r = exposure_r · (W·J_meas)(E_r), W the instrument response,
 *    J_meas(E) = E/(E-U)·J_κ(n, κ, θ; E-U) (f conserved along the path:
 *    Liouville), 0 for E ≤ U;
 *  - likelihood: Poisson deviance on the counts (zero counts count), with
 *    n profiled in closed form (n̂ = ΣK / Σλ₁);
 *  - at fixed U, (κ, log10 θ) by a grid, then Levenberg-Marquardt with
 *    Fisher scoring on (ln n, κ, ln θ) (deterministic, no random streams);
 *  - U_sc solves U = g(n̂(U), κ̂(U), θ̂(U)) (secant with bracketing and step
 *    halving; shadowed, a scan of U when that fails), g the charging model:
 *    sunlit, the photoemission J-U curve inverted at the electron current
 *    (closed form of ¼e∫J dE over 10 eV..20 keV); shadowed, the current
 *    balance of the ambient spectrum, its first stable root below 0 V (the
 *    one a spacecraft charging from 0 V reaches) among all sign changes;
 *  - σ(U_sc): sandwich covariance of the fixed point's estimating equation
 *    (Poisson Fisher information), through ∇g, inflated by the
 *    overdispersion φ = deviance/dof when φ > 1 (quasi-Poisson), plus the
 *    unseen electrons (below the lowest measured ambient energy) at ±100 %
 *    when the deviance rejects the kappa shape (docs/physics-modes.md).
 * No random numbers, no allocation: a device thread can run scb_estimate.
 */
#ifndef LPMAP_FIT_SCPOT_BODY_H
#define LPMAP_FIT_SCPOT_BODY_H

#include <math.h>
#include <string.h>

#include "core/constants.h"
#include "core/hostdev.h"
#include "physics/charging.h"
#include "physics/kappa_model.h"
#include "fit/fit_types.h"
#include "fit/kappa_fit.h" /* KAPPA_* bounds */

#define SCB_GRID_KAPPA 6
#define SCB_GRID_THETA 17
#define SCB_FP_MAX_ITER 30
#define SCB_FP_TOL_V 0.002 /* fixed point: |g - U| below this + REL·|U| */
#define SCB_FP_TOL_REL 1e-5
#define SCB_MIN_ROWS 4         /* rows with exposure */
#define SCB_MIN_COUNTS 30.0    /* total counts of the used channels */
#define SCB_BALANCE_POINTS 65  /* Simpson points (odd) of the shadowed balance */
#define SCB_SCAN_POINTS 24     /* scan of the balance from -0.05 V to U_MIN */
#define SCB_SCAN_FIT_POINTS 16 /* shadowed fallback: fits from -2 V to U_MIN */

/* The solar-wind core prior of a shadowed sweep whose kappa shape is
 * rejected (docs/physics-modes.md "Unseen core"): halo density fraction
 * n_h/n_e and T_halo/T_core at 1 AU, round medians of Feldman et al. 1975
 * (JGR 80, 4181), Maksimovic et al. 2005 (JGR 110, A09104) and Štverák et
 * al. 2009 (JGR 114, A05104), with log-normal 1-σ factors that span their
 * spreads. Published statistics, not the simulator's draws. */
#define SCB_CORE_HALO_FRAC 0.05
#define SCB_CORE_HALO_FRAC_FACTOR 2.0
#define SCB_CORE_TEMP_RATIO 6.0
#define SCB_CORE_TEMP_RATIO_FACTOR 1.5
#define SCB_CORE_ROUNDS 8       /* U updates of the core prior's fit */
#define SCB_CORE_SEARCH_MAX 12  /* pattern-search steps per U */
#define SCB_CORE_MIN_STEP 0.05  /* smallest step, in prior σ */
#define SCB_CORE_SEARCH_REL 0.1 /* σ of a neighbouring valley, × |U| */
#define SCB_CORE_H 0.15         /* Laplace stencil, in prior σ */
#define SCB_CORE_Z_MAX 3.0      /* f, r within ±3 σ of the prior */
#define SCB_CORE_GRID 7         /* first U: grid points per axis */
#define SCB_CORE_GRID_STEP 0.5  /* its step, in prior σ */

typedef struct {
    double kappa_min, kappa_max, log10_theta_min, log10_theta_max;
    double reject_phi;
    /* unseen-core prior (shadowed, kappa shape rejected): 0 off */
    int core_prior;
    double core_frac, core_frac_factor, core_ratio, core_ratio_factor;
} scb_config;

typedef struct {
    int n_rows;
    int sunlit;
    double energy[LP_N_ENERGIES];
    double counts[LP_N_ENERGIES];
    double exposure[LP_N_ENERGIES]; /* G E Σ t_c / 4π, cm² sr eV s / sr */
    double response[LP_N_ENERGIES * LP_N_ENERGIES];
    /* model: a Maxwellian core of density core_w·n (n the kappa's) at
     * T_kappa/core_ratio beside the kappa (core_w = 0: kappa only; set by
     * scb_estimate under the core prior) */
    double core_w, core_ratio;
    /* shadowed: 0 the negative charging branch (F(0 V) < 0), 1 the positive
     * one (F(0 V) > 0; docs/physics.md §6.3); set by scb_estimate */
    int positive;
} scb_sweep;

/* scb_charging_scaled's regime: sunlit, or which shadowed branch */
#define SCB_SHADOW_NEGATIVE 0
#define SCB_SUNLIT 1
#define SCB_SHADOW_POSITIVE 2

/* scb_result.method (NPZ spec_spacecraft_potential_method) */
#define SCB_METHOD_KAPPA 0      /* the kappa fixed point */
#define SCB_METHOD_CORE_PRIOR 1 /* shadowed: the solar-wind core prior (density, te_ev: total) */
#define SCB_METHOD_INTERVAL 2   /* sunlit, no fixed point: the middle of [0, U without unseen e-] */
/* shadowed, kappa fixed points on both charging branches (u_alt): */
#define SCB_METHOD_TWO_CHOSEN 3 /* the loss-cone fit chose this one (pipeline/fit_stage.c) */
#define SCB_METHOD_TWO_OPEN 4   /* none chosen: the negative one, u_sigma spans both */

typedef enum {
    SCB_OK = 0,
    SCB_NO_DATA,  /* too few rows or counts */
    SCB_REJECTED, /* the best kappa fit is far from the counts */
    SCB_NO_ROOT   /* no self-consistent U / no balance root */
} scb_status;

typedef struct {
    double u_sc, u_sigma, density, kappa, theta, te_ev, deviance, phi;
    double u_model_sigma; /* the part of u_sigma from the unseen electrons (0: none) */
    /* shadowed, two self-consistent potentials (a kappa spectrum measured at
     * U looks like a hotter kappa at 0 V, docs/physics-modes.md "Two
     * charging branches"): u_sc is the negative one, alt (alt.u_sc NaN:
     * none) the positive one with its own fit; u_sigma then spans both,
     * u_own_sigma is u_sc's alone */
    double u_own_sigma;
    usc_candidate alt;
    int method; /* SCB_METHOD_*: how u_sc was obtained */
    int iterations;
    scb_status status;
} scb_result;

LP_HD void scb_config_default(scb_config *c)
{
    c->kappa_min = KAPPA_MIN;
    c->kappa_max = KAPPA_MAX;
    c->log10_theta_min = KAPPA_LOG10_THETA_MIN;
    c->log10_theta_max = KAPPA_LOG10_THETA_MAX;
    c->reject_phi = 1e7; /* deviance/dof above: the kappa fit is rejected */
    c->core_prior = 1;
    c->core_frac = SCB_CORE_HALO_FRAC;
    c->core_frac_factor = SCB_CORE_HALO_FRAC_FACTOR;
    c->core_ratio = SCB_CORE_TEMP_RATIO;
    c->core_ratio_factor = SCB_CORE_TEMP_RATIO_FACTOR;
}

/* Phase-space density normalisation n (m/2πT)^{3/2} of a Maxwellian of
 * density n, temperature t (eV): f = norm·exp(-E/t). */
LP_HD double scb_maxwell_norm(double n, double t)
{
    return n * pow(LP_ELECTRON_MASS_EV_S2_M2 / (2.0 * LP_PI * t), 1.5);
}

/* Shape a_r of the expected counts for n = 1 m^-3 at potential u. */
LP_HD void scb_shape(const scb_sweep *sw, double kappa, double theta, double u, double *a)
{
    double jm[LP_N_ENERGIES];
    double ln_norm = kappa_log_norm(kappa, theta);
    double kt2 = kappa * theta * theta;
    double tc = sw->core_w > 0.0 ? kappa_temperature_ev(kappa, theta) / sw->core_ratio : 1.0;
    double cn = sw->core_w > 0.0 ? scb_maxwell_norm(sw->core_w, tc) : 0.0;
    int n = sw->n_rows;
    for (int j = 0; j < n; j++) {
        double e = sw->energy[j], ea = e - u;
        if (!(ea > 0.0)) {
            jm[j] = 0.0;
            continue;
        }
        double v2 = 2.0 * ea / LP_ELECTRON_MASS_EV_S2_M2;
        double amb = 4.0 * LP_PI * 1e-4 * exp(ln_norm + (-kappa - 1.0) * log1p(v2 / kt2)) * v2 /
                     LP_ELECTRON_MASS_EV_S2_M2;
        if (cn > 0.0)
            amb += 4.0 * LP_PI * 1e-4 * cn * exp(-ea / tc) * v2 / LP_ELECTRON_MASS_EV_S2_M2;
        jm[j] = amb * e / ea; /* Liouville */
    }
    for (int i = 0; i < n; i++) {
        double m = 0.0;
        for (int j = 0; j < n; j++)
            m += sw->response[i * n + j] * jm[j];
        a[i] = m * sw->exposure[i];
    }
}

/* scb_shape and its derivatives in κ (ak) and ln θ (at), analytic (the
 * Levenberg-Marquardt Jacobian: one pass instead of two more shapes). The
 * kappa part exp(L), L = ln_norm − (κ+1) ln(1+y), y = v²/(κθ²):
 * ∂L/∂κ = ∂ln_norm/∂κ − ln(1+y) + (κ+1) y/(κ(1+y)), ∂L/∂ln θ = −3 +
 * 2(κ+1) y/(1+y); the core n_c (m/2πT_c)^{3/2} e^{−E/T_c}, T_c ∝ κθ²/(κ−1.5):
 * ∂ln/∂ln T_c = E/T_c − 3/2, ∂ln T_c/∂κ = 1/κ − 1/(κ−1.5), ∂ln T_c/∂ln θ = 2. */
LP_HD void scb_shape_jac(const scb_sweep *sw, double kappa, double theta, double u, double *a,
                         double *ak, double *at)
{
    double jm[LP_N_ENERGIES], jk[LP_N_ENERGIES], jt[LP_N_ENERGIES];
    double ln_norm = kappa_log_norm(kappa, theta);
    const double hn = 1e-5;
    double dln_k =
        (kappa_log_norm(kappa + hn, theta) - kappa_log_norm(kappa - hn, theta)) / (2 * hn);
    double kt2 = kappa * theta * theta;
    double tc = sw->core_w > 0.0 ? kappa_temperature_ev(kappa, theta) / sw->core_ratio : 1.0;
    double cn = sw->core_w > 0.0 ? scb_maxwell_norm(sw->core_w, tc) : 0.0;
    double dlt_k = 1.0 / kappa - 1.0 / (kappa - 1.5);
    int n = sw->n_rows;
    for (int j = 0; j < n; j++) {
        double e = sw->energy[j], ea = e - u;
        if (!(ea > 0.0)) {
            jm[j] = jk[j] = jt[j] = 0.0;
            continue;
        }
        double v2 = 2.0 * ea / LP_ELECTRON_MASS_EV_S2_M2;
        double y = v2 / kt2, c = 4.0 * LP_PI * 1e-4 * v2 / LP_ELECTRON_MASS_EV_S2_M2 * e / ea;
        double lp = log1p(y), q = (kappa + 1.0) * y / (1.0 + y);
        double kp = exp(ln_norm + (-kappa - 1.0) * lp);
        double m = kp, mk = kp * (dln_k - lp + q / kappa), mt = kp * (-3.0 + 2.0 * q);
        if (cn > 0.0) {
            double cp = cn * exp(-ea / tc), dl = ea / tc - 1.5;
            m += cp;
            mk += cp * dl * dlt_k;
            mt += cp * dl * 2.0;
        }
        jm[j] = c * m;
        jk[j] = c * mk;
        jt[j] = c * mt;
    }
    for (int i = 0; i < n; i++) {
        double m = 0.0, mk = 0.0, mt = 0.0;
        for (int j = 0; j < n; j++) {
            double r = sw->response[i * n + j];
            m += r * jm[j];
            mk += r * jk[j];
            mt += r * jt[j];
        }
        a[i] = m * sw->exposure[i];
        ak[i] = mk * sw->exposure[i];
        at[i] = mt * sw->exposure[i];
    }
}

/* Poisson deviance with n profiled: n̂ = ΣK/Σa, D = 2 Σ K ln(K/(n̂ a)).
 * Returns D (1e30 when the model has no counts where data do). */
LP_HD double scb_profile(const scb_sweep *sw, double kappa, double theta, double u, double *n_out)
{
    double a[LP_N_ENERGIES], sa = 0.0, sk = 0.0;
    scb_shape(sw, kappa, theta, u, a);
    for (int i = 0; i < sw->n_rows; i++) {
        sa += a[i];
        sk += sw->counts[i];
    }
    if (!(sa > 0.0) || !isfinite(sa))
        return 1e30;
    double n = sk / sa, d = 0.0;
    for (int i = 0; i < sw->n_rows; i++) {
        double k = sw->counts[i], l = n * a[i];
        if (k > 0.0) {
            if (!(l > 0.0))
                return 1e30;
            d += k * log(k / l);
        }
    }
    if (n_out)
        *n_out = n;
    return 2.0 * d;
}

LP_HD double scb_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* Deviance of x = (kappa, log10 theta) inside the box (clamped). */
LP_HD double scb_eval(const scb_sweep *sw, const scb_config *c, double u, double *x)
{
    x[0] = scb_clamp(x[0], c->kappa_min, c->kappa_max);
    x[1] = scb_clamp(x[1], c->log10_theta_min, c->log10_theta_max);
    return scb_profile(sw, x[0], pow(10.0, x[1]), u, NULL);
}

LP_HD int scb_solve(int k, double a[3][3], double b[3][3], int nb);

/* Poisson deviance of explicit (ln n, κ, ln θ) at u, and λ. */
LP_HD double scb_deviance(const scb_sweep *sw, const double *p, double u, double *l)
{
    scb_shape(sw, p[1], exp(p[2]), u, l);
    double n = exp(p[0]), d = 0.0;
    for (int i = 0; i < sw->n_rows; i++) {
        double k = sw->counts[i];
        l[i] *= n;
        if (k > 0.0) {
            if (!(l[i] > 0.0))
                return 1e30;
            d += k * log(k / l[i]) - (k - l[i]);
        } else {
            d += l[i];
        }
    }
    return 2.0 * d;
}

/* Levenberg-Marquardt with Fisher scoring on the Poisson deviance over
 * p = (ln n, κ, ln θ) at potential u, from x = (κ, log10 θ) (in/out);
 * κ stays in its box (held on a bound when the step pushes out), θ too.
 * Fisher scoring follows the narrow curved valleys of high-count spectra
 * that a simplex or a grid misses. Returns the deviance. */
LP_HD_NOINLINE double scb_levmar(const scb_sweep *sw, const scb_config *c, double u, double *x)
{
    double n0;
    if (scb_profile(sw, x[0], pow(10.0, x[1]), u, &n0) >= 1e30)
        return 1e30;
    const double ln10 = log(10.0);
    double p[3] = {log(n0), x[0], x[1] * ln10};
    double l[LP_N_ENERGIES], f = scb_deviance(sw, p, u, l), mu = 1e-3;
    for (int it = 0; it < 60; it++) {
        double jac[3][LP_N_ENERGIES], a[LP_N_ENERGIES], ak[LP_N_ENERGIES], at[LP_N_ENERGIES];
        scb_shape_jac(sw, p[1], exp(p[2]), u, a, ak, at);
        double nn = exp(p[0]);
        double g[3] = {0, 0, 0}, h[3][3] = {{0}};
        for (int i = 0; i < sw->n_rows; i++) {
            jac[0][i] = l[i];
            jac[1][i] = nn * ak[i];
            jac[2][i] = nn * at[i];
            if (!(l[i] > 0.0))
                continue;
            double r = 1.0 - sw->counts[i] / l[i];
            for (int a = 0; a < 3; a++) {
                g[a] += 2.0 * r * jac[a][i];
                for (int b = 0; b < 3; b++)
                    h[a][b] += 2.0 * jac[a][i] * jac[b][i] / l[i];
            }
        }
        /* κ held on a bound when the descent points outward */
        int hold = (p[1] <= c->kappa_min && g[1] > 0.0) || (p[1] >= c->kappa_max && g[1] < 0.0);
        int improved = 0;
        for (int tries = 0; tries < 12 && !improved; tries++) {
            double a[3][3], b[3][3] = {{0}};
            for (int r = 0; r < 3; r++) {
                for (int q = 0; q < 3; q++)
                    a[r][q] = h[r][q];
                a[r][r] += mu * (h[r][r] > 0.0 ? h[r][r] : 1.0);
                b[r][0] = -g[r];
            }
            if (hold) {
                for (int q = 0; q < 3; q++)
                    a[1][q] = a[q][1] = 0.0;
                a[1][1] = 1.0;
                b[1][0] = 0.0;
            }
            if (!scb_solve(3, a, b, 1)) {
                mu *= 10.0;
                continue;
            }
            double q[3] = {
                p[0] + b[0][0], scb_clamp(p[1] + b[1][0], c->kappa_min, c->kappa_max),
                scb_clamp(p[2] + b[2][0], c->log10_theta_min * ln10, c->log10_theta_max * ln10)};
            double lq[LP_N_ENERGIES], fq = scb_deviance(sw, q, u, lq);
            if (fq < f) {
                double df = f - fq;
                for (int r = 0; r < 3; r++)
                    p[r] = q[r];
                for (int i = 0; i < sw->n_rows; i++)
                    l[i] = lq[i];
                f = fq;
                mu = mu * 0.3 > 1e-9 ? mu * 0.3 : 1e-9;
                improved = 1 + (df < 1e-7 * (1.0 + f));
            } else {
                mu *= 4.0;
            }
        }
        if (improved != 1)
            break; /* no progress, or converged */
    }
    x[0] = p[1];
    x[1] = p[2] / ln10;
    return f;
}

/* Best (kappa, log10 theta) at potential u: a grid when cold (warm = 0),
 * then Levenberg-Marquardt; x in/out. Returns the deviance. */
LP_HD_NOINLINE double scb_fit_at(const scb_sweep *sw, const scb_config *c, double u, int warm,
                                 double *x)
{
    double dk = (c->kappa_max - c->kappa_min) / (SCB_GRID_KAPPA - 1);
    double dt = (c->log10_theta_max - c->log10_theta_min) / (SCB_GRID_THETA - 1);
    if (!warm) {
        double best = 1e300;
        for (int i = 0; i < SCB_GRID_KAPPA; i++)
            for (int j = 0; j < SCB_GRID_THETA; j++) {
                double y[2] = {c->kappa_min + dk * i, c->log10_theta_min + dt * j};
                double f = scb_eval(sw, c, u, y);
                if (f < best) {
                    best = f;
                    x[0] = y[0];
                    x[1] = y[1];
                }
            }
    }
    return scb_levmar(sw, c, u, x);
}

/* Electron current e·1e4·¼∫J dE over [E0, E1] (A/m²) of a kappa spectrum in
 * closed form: J ∝ E (1+E/a)^{-κ-1}, a = κθ²m/2; with x = 1+E/a,
 * ∫ = a² [x^{1-κ}/(κ-1) - x^{-κ}/κ] evaluated from x1 to x0. */
LP_HD double scb_electron_current(double n, double kappa, double theta, double e0, double e1)
{
    double a = 0.5 * kappa * theta * theta * LP_ELECTRON_MASS_EV_S2_M2; /* eV */
    /* J(E) = C E (1+E/a)^{-κ-1}, C = 4π 1e-4 n N(κ,θ) 2/m² */
    double c = 4.0 * LP_PI * 1e-4 * n * exp(kappa_log_norm(kappa, theta)) * 2.0 /
               (LP_ELECTRON_MASS_EV_S2_M2 * LP_ELECTRON_MASS_EV_S2_M2);
    double x0 = 1.0 + e0 / a, x1 = 1.0 + e1 / a;
    double p0 = pow(x0, -kappa), p1 = pow(x1, -kappa);
    double prim = (x0 * p0 / (kappa - 1.0) - p0 / kappa) - (x1 * p1 / (kappa - 1.0) - p1 / kappa);
    return LP_ELEMENTARY_CHARGE_C * 1e4 * 0.25 * c * a * a * prim;
}

/* U in [0, 150] V with J_ph(U) = j (J_ph decreasing): bisection + Newton. */
LP_HD double scb_invert_photo(double j)
{
    if (!(j > 0.0) || !isfinite(j))
        return NAN;
    double lo = 0.0, hi = SC_SUNLIT_U_MAX;
    double flo = SC_PHOTO_J1 + SC_PHOTO_J2 - j;
    double fhi = SC_PHOTO_J1 * exp(-hi / SC_PHOTO_U1) + SC_PHOTO_J2 * exp(-hi / SC_PHOTO_U2) - j;
    if (flo < 0.0 || fhi > 0.0)
        return NAN;
    double u = 0.5 * (lo + hi);
    for (int it = 0; it < 100; it++) {
        double e1 = SC_PHOTO_J1 * exp(-u / SC_PHOTO_U1), e2 = SC_PHOTO_J2 * exp(-u / SC_PHOTO_U2);
        double f = e1 + e2 - j, df = -e1 / SC_PHOTO_U1 - e2 / SC_PHOTO_U2;
        if (f > 0.0)
            lo = u;
        else
            hi = u;
        double un = u - f / df;
        if (!(un > lo && un < hi))
            un = 0.5 * (lo + hi);
        if (fabs(un - u) < 1e-10)
            return un;
        u = un;
    }
    return u;
}

/* Shadowed current balance F(U) = J_i + J_see - J_e (A/m²) from the
 * ambient spectrum. U < 0: the electrons of ambient energy E > |U| reach the
 * spacecraft (¼·e·1e4·∫J dE), each frees Sternglass secondaries at its
 * arrival energy E - |U|; ions at T_i = T_e (OML attraction). U > 0
 * (docs/physics.md §6.3): every electron arrives, at E + U; ions are
 * repelled (exp(-U/T_i)) and exp(-U/SEE_T_EV) of the secondaries escape. The
 * original's formula (physics/charging.c, the reference physics) also
 * lowers the temperature by U/(κ-1.5), which a Liouville mapping does not
 * do: the electrons that arrive keep the ambient distribution. A
 * Simpson's rule in ln E over SCB_BALANCE_POINTS points from max(|U|, 1 eV)
 * to 20 keV (the integrand is smooth in ln E: ~1e-6 relative). */
LP_HD double scb_balance_scaled(double n, double kappa, double te_ev, double u, double e_lo,
                                double scale, double core_w, double core_ratio)
{
    const double q = LP_ELEMENTARY_CHARGE_C;
    double theta = kappa_theta_from_temperature(kappa, te_ev);
    double au = u < 0.0 ? -u : 0.0; /* electrons below it never arrive */
    double e0 = au > SC_BALANCE_E_MIN_EV ? au : SC_BALANCE_E_MIN_EV, e1 = SC_BALANCE_E_MAX_EV;
    double je = 0.0, jsee = 0.0;
    if (e0 < e1) {
        /* Simpson in ln E: ∫ y dE = ∫ y E d(ln E) */
        double norm = n * exp(kappa_log_norm(kappa, theta)), kt2 = kappa * theta * theta;
        double tc = core_w > 0.0 ? te_ev / core_ratio : 1.0;
        double cn = core_w > 0.0 ? scb_maxwell_norm(n * core_w, tc) : 0.0;
        double a = log(e0), h = (log(e1) - a) / (SCB_BALANCE_POINTS - 1);
        for (int i = 0; i < SCB_BALANCE_POINTS; i++) {
            double e = exp(a + h * i);
            double v2 = 2.0 * e / LP_ELECTRON_MASS_EV_S2_M2;
            double flux = 4.0 * LP_PI * 1e-4 * norm * exp((-kappa - 1.0) * log1p(v2 / kt2)) * v2 /
                          LP_ELECTRON_MASS_EV_S2_M2;
            if (cn > 0.0)
                flux += 4.0 * LP_PI * 1e-4 * cn * exp(-e / tc) * v2 / LP_ELECTRON_MASS_EV_S2_M2;
            double phi = 0.25 * flux * 1e4 * e * (e < e_lo ? scale : 1.0);
            double x = (e + u) / SEE_E_MAX_EV; /* the arrival energy */
            double w = (i == 0 || i == SCB_BALANCE_POINTS - 1) ? 1.0 : (i % 2 ? 4.0 : 2.0);
            je += w * phi;
            jsee += w * (x > 0.0 ? 7.4 * SEE_DELTA_MAX * x * exp(-2.0 * sqrt(x)) : 0.0) * phi;
        }
        je *= h / 3.0;
        jsee *= h / 3.0;
    }
    /* ions: the total density, T_i = the density-weighted T_e */
    double ni = n * (1.0 + core_w);
    double ti =
        (core_w > 0.0 ? (te_ev + core_w * te_ev / core_ratio) / (1.0 + core_w) : te_ev) + LP_EPS;
    double ji0 = q * ni * sqrt(q * ti / (2.0 * LP_PI * LP_PROTON_MASS_KG));
    if (u > 0.0)
        return ji0 * exp(-u / ti) + q * jsee * exp(-u / SEE_T_EV) - q * je;
    return ji0 * sqrt(1.0 - u / ti) + q * jsee - q * je;
}

/* The balance as modelled (no scaling of the unseen part). */
LP_HD double scb_balance(double n, double kappa, double te_ev, double u)
{
    return scb_balance_scaled(n, kappa, te_ev, u, 0.0, 1.0, 0.0, 1.0);
}

/* Illinois (bisection-secant) on a bracket lo < hi with F(lo) > 0 >= F(hi)
 * down to SC_BRENT_XTOL. */
LP_HD double scb_balance_refine(double n, double kappa, double te_ev, double lo, double flo,
                                double hi, double fhi, double e_lo, double scale, double cw,
                                double cr)
{
    int side = 0;
    for (int it = 0; it < 100; it++) {
        double u = (lo * fhi - hi * flo) / (fhi - flo);
        if (!(u > lo && u < hi))
            u = 0.5 * (lo + hi);
        double f = scb_balance_scaled(n, kappa, te_ev, u, e_lo, scale, cw, cr);
        if (f > 0.0) {
            lo = u;
            flo = f;
            if (side == -1)
                fhi *= 0.5;
            side = -1;
        } else {
            hi = u;
            fhi = f;
            if (side == 1)
                flo *= 0.5;
            side = 1;
        }
        if (hi - lo < SC_BRENT_XTOL)
            break;
    }
    return 0.5 * (lo + hi);
}

/* Shadowed U_sc: the root a spacecraft charging from 0 V reaches. F(0) < 0
 * (net electron current): the first stable root of F below 0 V (F < 0
 * above it, F > 0 below), from a log-spaced scan 0 → -1500 V (growing ×1.5
 * up to 10 times, as the reference bracket). F(0) > 0 (secondaries and
 * ions outrun the electrons, hot plasma-sheet electrons): the first root
 * above 0 V, where the returning secondaries balance it, from a doubling
 * scan 0.25 → SC_SHADOW_U_MAX (docs/physics.md §6.3). Both refined by
 * bisection-secant (Illinois). */
LP_HD_NOINLINE double scb_shadow_root(double n, double kappa, double te_ev, double hint,
                                      double e_lo, double scale, double cw, double cr, int positive)
{
    if (!(n > 0.0) || !isfinite(n) || !isfinite(kappa) || !(te_ev > 0.0))
        return NAN;
    double lo = NAN, flo = NAN, hi = NAN, fhi = NAN;
    if (hint < 0.0 && !positive) {
        /* a stable crossing right around the hint (inside the fixed point,
         * where the root moves little between iterations) */
        lo = 1.02 * hint - 0.05;
        hi = fmin(0.98 * hint + 0.05, 0.0);
        flo = scb_balance_scaled(n, kappa, te_ev, lo, e_lo, scale, cw, cr);
        fhi = scb_balance_scaled(n, kappa, te_ev, hi, e_lo, scale, cw, cr);
        if (!(flo > 0.0 && fhi <= 0.0))
            lo = NAN;
    }
    if (isnan(lo)) {
        hi = 0.0;
        fhi = scb_balance_scaled(n, kappa, te_ev, 0.0, e_lo, scale, cw, cr);
        if ((fhi > 0.0) != (positive != 0))
            return NAN; /* the other branch's: F(0) < 0 charges negative, F(0) > 0 positive */
        if (positive) {
            lo = 0.0;
            flo = fhi;
            for (hi = 0.25;; hi *= 2.0) {
                fhi = scb_balance_scaled(n, kappa, te_ev, hi, e_lo, scale, cw, cr);
                if (!(fhi > 0.0))
                    break;
                if (hi >= SC_SHADOW_U_MAX)
                    return NAN;
                lo = hi;
                flo = fhi;
            }
            return scb_balance_refine(n, kappa, te_ev, lo, flo, hi, fhi, e_lo, scale, cw, cr);
        }
    }
    double umin = SC_SHADOW_U_MIN;
    for (int grow = 0; grow <= SC_BRACKET_TRIES && isnan(lo); grow++) {
        double a = grow ? umin / SC_BRACKET_GROW : -0.05;
        for (int k = 1; k <= SCB_SCAN_POINTS; k++) {
            double u = a * pow(umin / a, (double)k / SCB_SCAN_POINTS);
            if (u >= hi)
                continue;
            double f = scb_balance_scaled(n, kappa, te_ev, u, e_lo, scale, cw, cr);
            if (f > 0.0) {
                lo = u;
                flo = f;
                break;
            }
            hi = u;
            fhi = f;
        }
        umin *= SC_BRACKET_GROW;
    }
    if (isnan(lo))
        return NAN;
    return scb_balance_refine(n, kappa, te_ev, lo, flo, hi, fhi, e_lo, scale, cw, cr);
}

/* g: U_sc of the charging model for the ambient (n, κ, θ); `hint` (NaN:
 * none) lets a shadowed root be searched near it first. The _scaled form
 * multiplies the electron flux below the ambient energy e_lo (what the
 * instrument does not see) by `scale`. */
LP_HD_NOINLINE double scb_charging_scaled(int regime, double n, double kappa, double theta,
                                          double hint, double e_lo, double scale, double cw,
                                          double cr)
{
    if (regime == SCB_SUNLIT) {
        double lo = SC_JE_E_MIN_EV, hi = SC_JE_E_MAX_EV;
        double cut = e_lo < lo ? lo : (e_lo > hi ? hi : e_lo);
        return scb_invert_photo(scale * scb_electron_current(n, kappa, theta, lo, cut) +
                                scb_electron_current(n, kappa, theta, cut, hi));
    }
    return scb_shadow_root(n, kappa, kappa_temperature_ev(kappa, theta), hint, e_lo, scale, cw, cr,
                           regime == SCB_SHADOW_POSITIVE);
}

LP_HD int scb_regime(const scb_sweep *sw)
{
    return sw->sunlit ? SCB_SUNLIT : sw->positive ? SCB_SHADOW_POSITIVE : SCB_SHADOW_NEGATIVE;
}

LP_HD double scb_charging(const scb_sweep *sw, double n, double kappa, double theta, double hint)
{
    return scb_charging_scaled(scb_regime(sw), n, kappa, theta, hint, 0.0, 1.0, sw->core_w,
                               sw->core_ratio);
}

/* h(U) = g(fit(U)) - U, with the fit's parameters in x (warm) and *n. */
LP_HD double scb_residual(const scb_sweep *sw, const scb_config *c, double u, int warm, int hint,
                          double *x, double *n, double *dev)
{
    *dev = scb_fit_at(sw, c, u, warm, x);
    scb_profile(sw, x[0], pow(10.0, x[1]), u, n);
    return scb_charging(sw, *n, x[0], pow(10.0, x[1]), hint ? u : NAN) - u;
}

/* Solve 3x3 (or smaller, dim k) A X = B in place (Gauss, partial pivot);
 * returns 0 when singular. */
LP_HD int scb_solve(int k, double a[3][3], double b[3][3], int nb)
{
    for (int col = 0; col < k; col++) {
        int piv = col;
        for (int r = col + 1; r < k; r++)
            if (fabs(a[r][col]) > fabs(a[piv][col]))
                piv = r;
        if (!(fabs(a[piv][col]) > 0.0))
            return 0;
        for (int j = 0; j < k; j++) {
            double t = a[col][j];
            a[col][j] = a[piv][j];
            a[piv][j] = t;
        }
        for (int j = 0; j < nb; j++) {
            double t = b[col][j];
            b[col][j] = b[piv][j];
            b[piv][j] = t;
        }
        for (int r = 0; r < k; r++) {
            if (r == col)
                continue;
            double m = a[r][col] / a[col][col];
            for (int j = 0; j < k; j++)
                a[r][j] -= m * a[col][j];
            for (int j = 0; j < nb; j++)
                b[r][j] -= m * b[col][j];
        }
    }
    for (int r = 0; r < k; r++)
        for (int j = 0; j < nb; j++)
            b[r][j] /= a[r][r];
    return 1;
}

/* Expected counts λ_r for p = (ln n, κ, ln θ) at u. */
LP_HD void scb_lambda(const scb_sweep *sw, const double *p, double u, double *l)
{
    scb_shape(sw, p[1], exp(p[2]), u, l);
    double n = exp(p[0]);
    for (int i = 0; i < sw->n_rows; i++)
        l[i] *= n;
}

LP_HD double scb_g_of(const scb_sweep *sw, const double *p, double hint)
{
    return scb_charging(sw, exp(p[0]), p[1], exp(p[2]), hint);
}

/* σ(U_sc) at the fixed point p̂ = (ln n, κ, ln θ), u = g(p̂): the fixed
 * point solves S(p) = ∂ℓ/∂p (p, g(p)) = 0, so Cov p̂ = A⁻¹ B A⁻ᵀ with
 * B = Jₚᵀ Λ⁻¹ Jₚ (Fisher information at fixed U) and A = Jₚᵀ Λ⁻¹ (Jₚ + J_U ∇gᵀ);
 * σ² = ∇gᵀ Cov ∇g. κ on a bound is held fixed. NaN when singular. */
LP_HD_NOINLINE double scb_sigma(const scb_sweep *sw, const scb_config *c, const double *p, double u)
{
    int idx[3], k = 0;
    idx[k++] = 0;
    if (p[1] > c->kappa_min + 1e-3 && p[1] < c->kappa_max - 1e-3)
        idx[k++] = 1;
    idx[k++] = 2;
    double l0[LP_N_ENERGIES], jp[3][LP_N_ENERGIES], ju[LP_N_ENERGIES], dg[3];
    scb_lambda(sw, p, u, l0);
    const double hp[3] = {1e-4, 1e-4 * p[1], 1e-4};
    for (int a = 0; a < k; a++) {
        int q = idx[a];
        double pp[3] = {p[0], p[1], p[2]}, pm[3] = {p[0], p[1], p[2]};
        pp[q] += hp[q];
        pm[q] -= hp[q];
        double lp[LP_N_ENERGIES], lm[LP_N_ENERGIES];
        scb_lambda(sw, pp, u, lp);
        scb_lambda(sw, pm, u, lm);
        for (int i = 0; i < sw->n_rows; i++)
            jp[a][i] = (lp[i] - lm[i]) / (2.0 * hp[q]);
        /* one-sided where the charging has no root on one side (a sunlit
         * U_sc just above 0 V: a denser plasma would charge it negative) */
        double gp = scb_g_of(sw, pp, u), gm = scb_g_of(sw, pm, u);
        dg[a] = isfinite(gp) && isfinite(gm) ? (gp - gm) / (2.0 * hp[q])
                : isfinite(gp)               ? (gp - u) / hp[q]
                                             : (u - gm) / hp[q];
        if (!isfinite(dg[a]))
            return NAN;
    }
    {
        double lp[LP_N_ENERGIES], lm[LP_N_ENERGIES], hu = 0.01;
        scb_lambda(sw, p, u + hu, lp);
        scb_lambda(sw, p, u - hu, lm);
        for (int i = 0; i < sw->n_rows; i++)
            ju[i] = (lp[i] - lm[i]) / (2.0 * hu);
    }
    double A[3][3] = {{0}}, B[3][3] = {{0}};
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            for (int i = 0; i < sw->n_rows; i++) {
                if (!(l0[i] > 1e-12))
                    continue;
                B[a][b] += jp[a][i] * jp[b][i] / l0[i];
                A[a][b] += jp[a][i] * (jp[b][i] + ju[i] * dg[b]) / l0[i];
            }
    /* X = A⁻¹ B, then Cov = X A⁻ᵀ: σ² = (A⁻ᵀ∇g)ᵀ B (A⁻ᵀ∇g) */
    double At[3][3], y[3][3] = {{0}};
    for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++)
            At[a][b] = A[b][a];
        y[a][0] = dg[a];
    }
    if (!scb_solve(k, At, y, 1))
        return NAN;
    double s2 = 0.0;
    for (int a = 0; a < k; a++)
        for (int b = 0; b < k; b++)
            s2 += y[a][0] * B[a][b] * y[b][0];
    return s2 >= 0.0 && isfinite(s2) ? sqrt(s2) : NAN;
}

/* Secant on h(U) = g(fit(U)) - U from (u0, h0) towards u1, bisecting
 * inside the bracket [blo: h > 0, bhi: h < 0] once known. Returns 1 with
 * *u = g at the last fit (x, n, dev of that fit), 0 when h turns
 * non-finite or it does not converge. */
LP_HD int scb_solve_fixed(const scb_sweep *sw, const scb_config *c, double u0, double h0, double u1,
                          double blo, double bhi, double *x, double *n, double *dev, double *u,
                          int *iterations)
{
    int halvings = 0, hint = 1;
    double x0[2] = {x[0], x[1]};
    for (int it = 1; it < SCB_FP_MAX_ITER; it++) {
        *iterations += 1;
        double h1 = scb_residual(sw, c, u1, 1, hint, x, n, dev);
        if (!isfinite(h1)) {
            /* no charging root for that fit: step back halfway */
            if (++halvings > 8)
                return 0;
            u1 = u0 + 0.5 * (u1 - u0);
            x[0] = x0[0];
            x[1] = x0[1];
            continue;
        }
        x0[0] = x[0];
        x0[1] = x[1];
        double tol = SCB_FP_TOL_V + SCB_FP_TOL_REL * fabs(u1);
        if (fabs(h1) < tol || (!isnan(blo) && !isnan(bhi) && fabs(bhi - blo) < tol)) {
            /* the root near the hint must be the first stable one below 0 V */
            double g =
                sw->sunlit || !hint ? u1 + h1 : scb_charging(sw, *n, x[0], pow(10.0, x[1]), NAN);
            if (fabs(g - (u1 + h1)) < tol) {
                *u = g;
                return 1;
            }
            hint = 0;
            h1 = g - u1;
        }
        if (h1 > 0.0 && (isnan(blo) || u1 > blo))
            blo = u1;
        if (h1 < 0.0 && (isnan(bhi) || u1 < bhi))
            bhi = u1;
        double un = h1 != h0 ? u1 - h1 * (u1 - u0) / (h1 - h0) : u1 + h1;
        if (!isnan(blo) && !isnan(bhi) && !(un > fmin(blo, bhi) && un < fmax(blo, bhi)))
            un = 0.5 * (blo + bhi);
        u0 = u1;
        h0 = h1;
        u1 = un;
    }
    return 0;
}

/* Shadowed fallback: h on a log-spaced scan of U from -2 V down (warm
 * fits), the first sign change from h < 0 to h > 0 brackets the root. */
LP_HD_NOINLINE int scb_solve_scan(const scb_sweep *sw, const scb_config *c, double *x, double *n,
                                  double *dev, double *u, int *iterations)
{
    double prev_u = NAN, prev_h = NAN;
    int warm = 0;
    for (int k = 0; k <= SCB_SCAN_FIT_POINTS; k++) {
        double uk = -2.0 * pow(-SC_SHADOW_U_MIN / 2.0, (double)k / SCB_SCAN_FIT_POINTS);
        double hk = scb_residual(sw, c, uk, warm, 0, x, n, dev);
        *iterations += 1;
        warm = *dev < 1e29;
        if (!isfinite(hk))
            continue;
        if (hk > 0.0 && prev_h < 0.0)
            return scb_solve_fixed(sw, c, uk, hk, prev_u, uk, prev_u, x, n, dev, u, iterations);
        prev_u = uk;
        prev_h = hk;
    }
    return 0;
}

/* The cold fit at 0 V of a shadowed start, shared by both branches (x0:
 * NULL, or a cache that is NaN until the first fit fills it). */
LP_HD void scb_fit_at_zero(const scb_sweep *sw, const scb_config *c, double *x0, double *x)
{
    if (x0 && !isnan(x0[0])) {
        x[0] = x0[0];
        x[1] = x0[1];
        return;
    }
    scb_fit_at(sw, c, 0.0, 0, x);
    if (x0) {
        x0[0] = x[0];
        x0[1] = x[1];
    }
}

/* The self-consistent U of one sweep under its model (sw->core_w):
 * returns 1 with x, n, dev, u; *dev also when it fails. x0: the cache of
 * scb_fit_at_zero (NULL: none). */
LP_HD_NOINLINE int scb_fixed_point(const scb_sweep *sw, const scb_config *c, double u_start,
                                   double *x0, double *x, double *n, double *dev, double *u,
                                   int *it)
{
    int ok = 0;
    /* a fixed-point start (u_start when finite; shadowed: -3 T_e of a fit
     * at 0 V, the usual depth); shadowed, a scan of U when that fails */
    double u0 = 5.0;
    if (isfinite(u_start)) {
        u0 = u_start;
        scb_fit_at(sw, c, u0, 0, x);
    } else if (!sw->sunlit && sw->positive) {
        u0 = 0.0; /* the positive branch's root lies within a few volts of 0 */
        scb_fit_at_zero(sw, c, x0, x);
    } else if (!sw->sunlit) {
        scb_fit_at_zero(sw, c, x0, x);
        double te = kappa_temperature_ev(x[0], pow(10.0, x[1]));
        u0 = isfinite(te) && te > 0.0 ? -3.0 * te : -10.0;
    }
    double h0 = scb_residual(sw, c, u0, !sw->sunlit, 0, x, n, dev);
    *it += 1;
    if (isfinite(h0))
        ok = scb_solve_fixed(sw, c, u0, h0, u0 + h0, h0 > 0.0 ? u0 : NAN, h0 < 0.0 ? u0 : NAN, x, n,
                             dev, u, it);
    if (!ok && !sw->sunlit && !sw->positive)
        ok = scb_solve_scan(sw, c, x, n, dev, u, it);
    return ok;
}

/* σ(U_sc) of the fixed point (statistical, quasi-Poisson inflated). */
LP_HD double scb_sigma_stat(const scb_sweep *sw, const scb_config *c, double n, const double *x,
                            double u, int dof, double phi)
{
    double p[3] = {log(n), x[0], log(pow(10.0, x[1]))};
    double s = scb_sigma(sw, c, p, u);
    if (isfinite(s) && dof > 0 && phi > 1.0)
        s *= sqrt(phi);
    return s;
}

/* Penalised deviance of the halo + core model at U = u with halo
 * fraction e^lf and T_halo/T_core e^lr: the halo's (κ, θ) fitted (x in:
 * the start when warm, out: the fit), n profiled, plus the log-normal
 * prior z_f² + z_r² (docs/decisions.md "Unseen core: f and r fitted").
 * 1e300 when the model has no counts where the data do. */
LP_HD double scb_core_dev(const scb_sweep *sw, const scb_config *c, double lf, double lr, double u,
                          int warm, double *x)
{
    double zf = (lf - log(c->core_frac)) / log(c->core_frac_factor);
    double zr = (lr - log(c->core_ratio)) / log(c->core_ratio_factor);
    if (fabs(zf) > SCB_CORE_Z_MAX || fabs(zr) > SCB_CORE_Z_MAX)
        return 1e300;
    scb_sweep m = *sw;
    double f = exp(lf);
    m.core_w = (1.0 - f) / f;
    m.core_ratio = exp(lr);
    double d = scb_fit_at(&m, c, u, warm, x);
    if (!(d < 1e29))
        return 1e300;
    return d + zf * zf + zr * zr;
}

/* The best (ln f, ln r) candidate so far and its halo fit. */
typedef struct {
    double p, x[2], lf, lr;
} scb_core_best;

/* Try (lf, lr) at u, its halo fitted warm from x; keep it in b when its
 * penalised deviance is lower. */
LP_HD void scb_core_try(const scb_sweep *sw, const scb_config *c, double lf, double lr, double u,
                        const double *x, scb_core_best *b)
{
    double y[2] = {x[0], x[1]};
    double p = scb_core_dev(sw, c, lf, lr, u, 1, y);
    if (p < b->p) {
        b->p = p;
        b->x[0] = y[0];
        b->x[1] = y[1];
        b->lf = lf;
        b->lr = lr;
    }
}

/* At fixed U: the best (ln f, ln r) by a pattern search from (*lf, *lr)
 * (the 8 neighbours at steps sf, sr, each a warm fit from the centre's
 * halo; the steps halve when none is better, down to SCB_CORE_MIN_STEP of
 * the prior's σ). x: the centre's halo in and the best one out. Returns
 * the penalised deviance. */
LP_HD_NOINLINE double scb_core_search(const scb_sweep *sw, const scb_config *c, double u, double sf,
                                      double sr, double *lf, double *lr, double *x)
{
    double p0 = scb_core_dev(sw, c, *lf, *lr, u, 1, x);
    double min_f = SCB_CORE_MIN_STEP * log(c->core_frac_factor);
    for (int it = 0; it < SCB_CORE_SEARCH_MAX && sf >= min_f; it++) {
        scb_core_best b = {p0, {x[0], x[1]}, *lf, *lr};
        for (int k = 0; k < 9; k++)
            if (k != 4)
                scb_core_try(sw, c, *lf + sf * (k / 3 - 1), *lr + sr * (k % 3 - 1), u, x, &b);
        if (b.p < p0) {
            p0 = b.p;
            x[0] = b.x[0];
            x[1] = b.x[1];
            *lf = b.lf;
            *lr = b.lr;
        } else {
            sf *= 0.5;
            sr *= 0.5;
        }
    }
    return p0;
}

/* g(U) of the halo + core model fitted at u (x warm in/out; n out); with
 * hint (not NaN) the balance root is searched near it first (the rounds and
 * the Laplace stencil, where U moves little; ~3x fewer balance sums than
 * the scan from 0 V), the final g without one (the first stable root). */
LP_HD_NOINLINE double scb_core_g(const scb_sweep *sw, const scb_config *c, double lf, double lr,
                                 double u, double hint, double *x, double *n, double *dev)
{
    scb_sweep m = *sw;
    double f = exp(lf);
    m.core_w = (1.0 - f) / f;
    m.core_ratio = exp(lr);
    *dev = scb_fit_at(&m, c, u, 1, x);
    scb_profile(&m, x[0], pow(10.0, x[1]), u, n);
    return *dev < 1e29 ? scb_charging(&m, *n, x[0], pow(10.0, x[1]), hint) : NAN;
}

/* The solar-wind core prior (docs/physics-modes.md "Unseen core"): the
 * shadowed ER sees only electrons above |U| + E_min, a cool core is below
 * it; its tail above E_min and the potential shape the counts. Start: the
 * fixed point at the published medians of the halo fraction f and
 * T_halo/T_core r. Then f and r are fitted with their published
 * log-normal spread as a penalty (docs/decisions.md "Unseen core: f and r
 * fitted"): at fixed U the penalised deviance picks (f, r) (pattern
 * search), U moves 0.7 of the way to g(U) (damped: f and r move with U),
 * until U settles. σ adds to the statistical σ the Laplace variance of
 * (ln f, ln r) (Hessian of the penalised deviance on ±SCB_CORE_H of the
 * prior's σ, times 2 max(φ, 1)) through ∂U/∂(ln f, ln r) =
 * ∂g/∂· / (1 − ∂g/∂U) (the prior's ±1 σ spread when the counts did not
 * move f, r), SCB_CORE_SEARCH_REL·|U| for a neighbouring valley, and,
 * where the kappa alone (U = u0, deviance out->deviance on entry) fits the
 * counts better, the difference of the two U. Returns 1 and fills out
 * when the start has a fixed point. */
LP_HD_NOINLINE int scb_core_prior(const scb_sweep *sw, const scb_config *c, int used, double u0,
                                  scb_result *out)
{
    double lf = log(c->core_frac), lr = log(c->core_ratio);
    double lnff = log(c->core_frac_factor), lnrf = log(c->core_ratio_factor);
    scb_sweep m = *sw;
    m.core_w = (1.0 - c->core_frac) / c->core_frac;
    m.core_ratio = c->core_ratio;
    double x[2], n = NAN, dev = NAN, u = NAN;
    int it = 0;
    if (!scb_fixed_point(&m, c, u0, NULL, x, &n, &dev, &u, &it))
        return 0;
    for (int round = 0; round < SCB_CORE_ROUNDS; round++) {
        double sc = round ? 0.25 : SCB_CORE_GRID_STEP; /* steps in units of the prior's σ */
        it++;
        if (!round) {
            /* the first U: a grid over the prior's ±1.5 σ finds the valley
             * of the deviance (narrow and diagonal in f, r) */
            scb_core_best b = {1e300, {x[0], x[1]}, lf, lr};
            for (int k = 0; k < SCB_CORE_GRID * SCB_CORE_GRID; k++)
                scb_core_try(sw, c,
                             log(c->core_frac) + SCB_CORE_GRID_STEP * lnff *
                                                     (k / SCB_CORE_GRID - SCB_CORE_GRID / 2),
                             log(c->core_ratio) + SCB_CORE_GRID_STEP * lnrf *
                                                      (k % SCB_CORE_GRID - SCB_CORE_GRID / 2),
                             u, x, &b);
            x[0] = b.x[0];
            x[1] = b.x[1];
            lf = b.lf;
            lr = b.lr;
        }
        scb_core_search(sw, c, u, sc * lnff, sc * lnrf, &lf, &lr, x);
        double y[2] = {x[0], x[1]}, n1 = NAN, d1 = NAN;
        double g = scb_core_g(sw, c, lf, lr, u, u, y, &n1, &d1);
        if (!isfinite(g))
            break;
        double du = 0.7 * (g - u);
        u += du;
        if (fabs(du) < SCB_FP_TOL_V * 25.0 + 1e-3 * fabs(u))
            break;
    }
    double g0 = scb_core_g(sw, c, lf, lr, u, NAN, x, &n, &dev);
    if (!isfinite(g0) || !(dev < 1e29))
        return 0;
    m.core_w = (1.0 - exp(lf)) / exp(lf);
    m.core_ratio = exp(lr);
    int dof = used - 5;
    double phi = dof > 0 ? dev / dof : NAN;
    double s = scb_sigma_stat(&m, c, n, x, u, dof, phi);
    if (!isfinite(s))
        return 0;
    /* Laplace: P and g on the stencil ±h of (ln f, ln r), h = σ_prior/2 */
    double hf = SCB_CORE_H * lnff, hr = SCB_CORE_H * lnrf, pv[9], gv[9];
    for (int k = 0; k < 9; k++) {
        double y[2] = {x[0], x[1]}, n1 = NAN, d1 = NAN;
        double lf1 = lf + hf * (k / 3 - 1), lr1 = lr + hr * (k % 3 - 1);
        gv[k] = scb_core_g(sw, c, lf1, lr1, u, g0, y, &n1, &d1);
        double zf = (lf1 - log(c->core_frac)) / lnff, zr = (lr1 - log(c->core_ratio)) / lnrf;
        pv[k] = d1 < 1e29 ? d1 + zf * zf + zr * zr : NAN;
    }
    double y[2] = {x[0], x[1]}, n1 = NAN, d1 = NAN;
    double gu = scb_core_g(sw, c, lf, lr, u + 1.0, g0, y, &n1, &d1);
    double dgu = isfinite(gu) ? gu - g0 : 0.0;
    double amp = dgu < 0.9 ? 1.0 / (1.0 - dgu) : 10.0; /* dU/dg at the fixed point */
    double hff = (pv[7] - 2.0 * pv[4] + pv[1]) / (hf * hf);
    double hrr = (pv[5] - 2.0 * pv[4] + pv[3]) / (hr * hr);
    double hfr = (pv[8] - pv[6] - pv[2] + pv[0]) / (4.0 * hf * hr);
    double uf = amp * (gv[7] - gv[1]) / (2.0 * hf), ur = amp * (gv[5] - gv[3]) / (2.0 * hr);
    double det = hff * hrr - hfr * hfr, var;
    int moved = lf != log(c->core_frac) || lr != log(c->core_ratio);
    if (moved && isfinite(det) && det > 0.0 && hff > 0.0 && isfinite(uf) && isfinite(ur)) {
        double ps = 2.0 * (dof > 0 && phi > 1.0 ? phi : 1.0);
        var = ps * (uf * uf * hrr - 2.0 * uf * ur * hfr + ur * ur * hff) / det;
    } else {
        /* the counts did not move f, r from the prior's medians (or no
         * minimum on this scale): U over the prior's ±1 σ of each, the
         * halo as fitted */
        var = 0.0;
        double th = pow(10.0, x[1]);
        for (int k = 0; k < 2; k++) {
            double v[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                double e = sgn ? 1.0 : -1.0;
                double ff = exp(lf + (k ? 0.0 : e * lnff)), rr = exp(lr + (k ? e * lnrf : 0.0));
                v[sgn] = scb_charging_scaled(SCB_SHADOW_NEGATIVE, n, x[0], th, u, 0.0, 1.0,
                                             (1.0 - ff) / ff, rr);
            }
            double d = isfinite(v[0]) && isfinite(v[1]) ? 0.5 * (v[1] - v[0])
                       : isfinite(v[0])                 ? v[0] - u
                       : isfinite(v[1])                 ? v[1] - u
                                                        : u;
            var += d * d;
        }
    }
    /* the search may end in a neighbouring valley of the deviance (narrow
     * and diagonal in f, r): docs/decisions.md "Unseen core: f and r
     * fitted" */
    var += SCB_CORE_SEARCH_REL * SCB_CORE_SEARCH_REL * u * u;
    /* counts that fit the kappa alone better do not decide between the
     * two: their difference joins σ */
    if (!(dev < out->deviance))
        var += (u - u0) * (u - u0);
    double th = pow(10.0, x[1]);
    out->iterations += it;
    out->deviance = dev;
    out->phi = phi;
    out->density = n * (1.0 + m.core_w);
    out->kappa = x[0];
    out->theta = th;
    double th_e = kappa_temperature_ev(x[0], th);
    out->te_ev = (th_e + m.core_w * th_e / m.core_ratio) / (1.0 + m.core_w);
    out->u_sc = u;
    out->u_model_sigma = sqrt(var);
    out->u_sigma = sqrt(s * s + var);
    out->method = SCB_METHOD_CORE_PRIOR;
    return 1;
}

/* Sunlit without a fixed point, typically an electron current above the
 * photoemission at 0 V from a kappa that does not describe the spectrum
 * (a cool core partly below the ER, docs/physics-modes.md "Unseen core"):
 * the electrons below the lowest measured ambient energy are then not
 * known. Without them the current is smallest and U largest (u_max);
 * the sunlit model's U is ≥ 0 V. Returns 1 with U_sc the middle of
 * [0, u_max] and σ that of a uniform distribution on it (half-width/√3),
 * when the shape is rejected at U = 0 and u_max exists. */
LP_HD_NOINLINE int scb_sunlit_interval(const scb_sweep *sw, const scb_config *c, int used,
                                       scb_result *out)
{
    double x[2], n = NAN;
    double dev = scb_fit_at(sw, c, 0.0, 0, x);
    int dof = used - 3;
    if (!(dev < 1e29) || dof <= 0 || !(dev > dof + 3.1 * sqrt(2.0 * dof)) ||
        dev / dof > c->reject_phi)
        return 0;
    scb_profile(sw, x[0], pow(10.0, x[1]), 0.0, &n);
    double e_lo = 1e300;
    for (int i = 0; i < sw->n_rows; i++)
        if (sw->exposure[i] > 0.0 && sw->energy[i] < e_lo)
            e_lo = sw->energy[i];
    double th = pow(10.0, x[1]);
    double umax = scb_charging_scaled(SCB_SUNLIT, n, x[0], th, NAN, e_lo, 0.0, 0.0, 1.0);
    if (!(umax > 0.0))
        return 0;
    out->deviance = dev;
    out->phi = dev / dof;
    out->density = n;
    out->kappa = x[0];
    out->theta = th;
    out->te_ev = kappa_temperature_ev(x[0], th);
    out->u_sc = 0.5 * umax;
    out->u_sigma = out->u_model_sigma = 0.5 * umax / sqrt(3.0);
    out->method = SCB_METHOD_INTERVAL;
    out->status = SCB_OK;
    return 1;
}

/* The estimate of one sweep on one charging branch (sw->positive) with
 * `used` rows of data (x0: scb_fit_at_zero's cache). */
LP_HD_NOINLINE void scb_estimate_branch(const scb_sweep *sw, const scb_config *c, int used,
                                        double *x0, scb_result *out)
{
    double x[2], n = NAN, dev = NAN, u = NAN;
    int it = 0;
    int ok = scb_fixed_point(sw, c, NAN, x0, x, &n, &dev, &u, &it);
    out->iterations = it;
    out->deviance = dev;
    int dof = used - 3;
    out->phi = dof > 0 ? dev / dof : NAN;
    if (!ok && sw->sunlit && dev < 1e29 && scb_sunlit_interval(sw, c, used, out))
        return;
    if (!ok) {
        /* no self-consistent potential (the deviance is that of the last
         * trial U, not a verdict on the spectrum) */
        out->status = dev < 1e29 ? SCB_NO_ROOT : SCB_REJECTED;
        return;
    }
    if (dof > 0 && out->phi > c->reject_phi) {
        out->status = SCB_REJECTED;
        return;
    }
    out->density = n;
    out->kappa = x[0];
    out->theta = pow(10.0, x[1]);
    out->te_ev = kappa_temperature_ev(x[0], out->theta);
    out->u_sc = u;
    double s = scb_sigma_stat(sw, c, n, x, u, dof, out->phi);
    /* a kappa that does not describe the measured spectrum (deviance above
     * its 0.1 % chi-square quantile, ~dof + 3.1 sqrt(2 dof)) says nothing
     * reliable about the electrons below the lowest measured ambient energy */
    int shape_rejected = dof > 0 && dev > dof + 3.1 * sqrt(2.0 * dof);
    if (shape_rejected && !sw->sunlit && c->core_prior && isfinite(s) &&
        scb_core_prior(sw, c, used, u, out)) {
        out->status = SCB_OK;
        return;
    }
    /* without a prior their current is known to ±100 % only */
    if (isfinite(s) && shape_rejected) {
        double e_lo = 1e300;
        for (int i = 0; i < sw->n_rows; i++)
            if (sw->exposure[i] > 0.0 && sw->energy[i] < e_lo)
                e_lo = sw->energy[i];
        e_lo -= u;
        double th = out->theta;
        double u0 = scb_charging_scaled(scb_regime(sw), n, x[0], th, u, e_lo, 0.0, 0.0, 1.0);
        double u2 = scb_charging_scaled(scb_regime(sw), n, x[0], th, u, e_lo, 2.0, 0.0, 1.0);
        double m = isfinite(u0) && isfinite(u2) ? 0.5 * fabs(u2 - u0)
                   : isfinite(u0)               ? fabs(u0 - u)
                   : isfinite(u2)               ? fabs(u2 - u)
                                                : fabs(u);
        out->u_model_sigma = m;
        s = sqrt(s * s + m * m);
    }
    out->u_sigma = s;
    out->status = SCB_OK;
}

/* The whole estimate of one sweep: shadowed, both charging branches; the
 * loss cone may later choose between two self-consistent potentials
 * (pipeline/fit_stage.c), so both are handed out. */
LP_HD void scb_estimate(const scb_sweep *sw, const scb_config *c, scb_result *out)
{
    memset(out, 0, sizeof *out);
    out->u_sc = out->u_sigma = out->density = out->kappa = out->theta = out->te_ev = NAN;
    out->deviance = out->phi = NAN;
    out->u_own_sigma = NAN;
    out->alt = USC_CANDIDATE_NONE;
    int used = 0;
    double total = 0.0;
    for (int i = 0; i < sw->n_rows; i++)
        if (sw->exposure[i] > 0.0) {
            used++;
            total += sw->counts[i];
        }
    if (used < SCB_MIN_ROWS || total < SCB_MIN_COUNTS) {
        out->status = SCB_NO_DATA;
        return;
    }
    double x0[2] = {NAN, NAN};
    scb_estimate_branch(sw, c, used, x0, out);
    out->u_own_sigma = out->u_sigma;
    /* the positive branch: only a plain kappa fixed point (the core prior
     * and the unseen-electron sigma are the negative branch's) */
    if (sw->sunlit || out->method != SCB_METHOD_KAPPA || out->u_model_sigma > 0.0)
        return;
    scb_sweep m = *sw;
    m.positive = 1;
    scb_result p;
    memset(&p, 0, sizeof p);
    p.u_sc = p.u_sigma = NAN;
    scb_estimate_branch(&m, c, used, x0, &p);
    int it = out->iterations + p.iterations;
    if (p.status != SCB_OK || p.method != SCB_METHOD_KAPPA || p.u_model_sigma > 0.0 ||
        !isfinite(p.u_sigma)) {
        out->iterations = it;
        return;
    }
    if (out->status != SCB_OK) { /* the positive branch alone */
        *out = p;
        out->u_own_sigma = p.u_sigma;
        out->alt = USC_CANDIDATE_NONE;
        out->iterations = it;
        return;
    }
    out->iterations = it;
    out->alt = (usc_candidate){p.u_sc, p.u_sigma, p.te_ev, p.density, p.kappa};
    out->method = SCB_METHOD_TWO_OPEN;
    /* either may be the truth: the sigma spans both (a two-point mixture) */
    double half = 0.5 * fabs(p.u_sc - out->u_sc);
    out->u_sigma = sqrt(out->u_sigma * out->u_sigma + half * half);
}

#endif
