/* The kappa distribution (docs/physics.md §5): phase-space density, omni-
 * directional flux and temperature conversions. Header-only, C and CUDA. */
#ifndef LPMAP_PHYSICS_KAPPA_MODEL_H
#define LPMAP_PHYSICS_KAPPA_MODEL_H

#include <math.h>

#include "core/constants.h"
#include "core/hostdev.h"

/* Speed (m/s) of an electron of energy E (eV). */
LP_HD double kappa_speed(double energy_ev)
{
    return sqrt(2.0 * energy_ev / LP_ELECTRON_MASS_EV_S2_M2);
}

/* ln of the normalization n Γ(κ+1) / ((πκ)^{3/2} Γ(κ-½)) θ^-3 without n. */
/* ln Γ without the global `signgam` write of lgamma(), which is a data race
 * when OpenMP threads call it (ThreadSanitizer); the device has no signgam. */
LP_HD double kappa_lgamma(double x)
{
#ifdef __CUDA_ARCH__
    return lgamma(x);
#else
    int sign;
    return lgamma_r(x, &sign);
#endif
}

LP_HD double kappa_log_norm(double kappa, double theta)
{
    return kappa_lgamma(kappa + 1.0) - kappa_lgamma(kappa - 0.5) - 1.5 * log(LP_PI * kappa) -
           3.0 * log(theta);
}

/* Phase-space density f(v) (s^3/m^6) for density n (m^-3), kappa, theta (m/s). */
LP_HD double kappa_psd(double n, double kappa, double theta, double v)
{
    return n * exp(kappa_log_norm(kappa, theta)) *
           pow(1.0 + v * v / (kappa * theta * theta), -kappa - 1.0);
}

/* Omnidirectional differential flux J(E) = 4π·1e-4·f(v)·v²/m, #/(cm² s eV). */
LP_HD double kappa_flux(double n, double kappa, double theta, double energy_ev)
{
    double v = kappa_speed(energy_ev);
    return 4.0 * LP_PI * 1e-4 * kappa_psd(n, kappa, theta, v) * v * v / LP_ELECTRON_MASS_EV_S2_M2;
}

/* T_e (eV) = ½ κ/(κ-1.5) θ² m_e/e. */
LP_HD double kappa_temperature_ev(double kappa, double theta)
{
    return 0.5 * kappa / (kappa - 1.5) * theta * theta * LP_ELECTRON_MASS_KG /
           LP_ELEMENTARY_CHARGE_C;
}

/* Inverse: θ = sqrt(2(κ-1.5)/κ · e T / m_e). */
LP_HD double kappa_theta_from_temperature(double kappa, double te_ev)
{
    return sqrt(2.0 * (kappa - 1.5) / kappa * LP_ELEMENTARY_CHARGE_C * te_ev / LP_ELECTRON_MASS_KG);
}

/* Width (in ln E) of the instrument response: asinh(0.25)/sqrt(2 ln 2). */
LP_HD double kappa_response_sigma(void)
{
    return asinh(0.25) / sqrt(2.0 * log(2.0));
}

/* Row-normalized response matrix W (n x n, row-major) for energies E,
 * n <= LP_N_ENERGIES. */
LP_HD void kappa_response_matrix(int n, const double *energy, double *w)
{
    double s = kappa_response_sigma(), ln_e[LP_N_ENERGIES];
    for (int i = 0; i < n; i++)
        ln_e[i] = log(energy[i]); /* once per energy, not per pair */
    for (int i = 0; i < n; i++) {
        double sum = 0.0;
        for (int j = 0; j < n; j++) {
            double z = (ln_e[i] - ln_e[j]) / s;
            w[i * n + j] = exp(-0.5 * z * z);
            sum += w[i * n + j];
        }
        for (int j = 0; j < n; j++)
            w[i * n + j] /= sum;
    }
}

/* v² (m²/s²) of an electron of energy E (eV), as the flux model uses it. */
LP_HD double kappa_v2(double energy_ev)
{
    return 2.0 * energy_ev / LP_ELECTRON_MASS_EV_S2_M2;
}

/* kappa_chi2 with what does not depend on the candidate prepared once per
 * sweep (fit/kappa_body.h): v² = kappa_v2(E) per energy, and the response
 * transposed (response_t[j*n + i] = W_ij) so that M = W J is built column
 * by column, each M_i still summed over j in order, several i at a time
 * (SIMD). With a bound: the sum only grows (squares), so once it exceeds
 * `bound` it stops and returns that partial sum, a value > bound
 * (INFINITY: the full sum). The same operations in the same order as
 * kappa_chi2: identical doubles (docs/performance.md). */
LP_HD double kappa_chi2_packed(int n, const double *v2, const double *response_t,
                               const double *log_data, const double *weight, double density,
                               double kappa, double theta, double bound, double *model)
{
    /* kappa_flux with the normalization hoisted out of the energy loop. */
    double norm = density * exp(kappa_log_norm(kappa, theta));
    double k_theta2 = kappa * theta * theta;
    double m[LP_N_ENERGIES];
    for (int i = 0; i < n; i++)
        m[i] = 0.0;
    for (int j = 0; j < n; j++) {
        double mj = 4.0 * LP_PI * 1e-4 * norm * exp((-kappa - 1.0) * log1p(v2[j] / k_theta2)) *
                    v2[j] / LP_ELECTRON_MASS_EV_S2_M2;
        model[j] = mj;
        const double *wj = response_t + j * n;
        for (int i = 0; i < n; i++)
            m[i] += wj[i] * mj;
    }
    double chi2 = 0.0;
    for (int i = 0; i < n; i++) {
        double d = weight[i] * (log(m[i] + LP_EPS) - log_data[i]);
        chi2 += d * d;
        if (chi2 > bound)
            return chi2;
    }
    return chi2;
}

/* Weighted log chi2 of (kappa, theta) with density n fixed:
 * sum_i (w_i (ln(M_i + EPS) - ln(J_d,i + EPS)))^2, M = W J. `log_data`
 * holds ln(J_d + EPS); `model` is scratch of n values; n <= LP_N_ENERGIES. */
LP_HD double kappa_chi2(int n, const double *energy, const double *response, const double *log_data,
                        const double *weight, double density, double kappa, double theta,
                        double *model)
{
    double v2[LP_N_ENERGIES], wt[LP_N_ENERGIES * LP_N_ENERGIES];
    for (int j = 0; j < n; j++) {
        v2[j] = kappa_v2(energy[j]);
        for (int i = 0; i < n; i++)
            wt[j * n + i] = response[i * n + j];
    }
    return kappa_chi2_packed(n, v2, wt, log_data, weight, density, kappa, theta, INFINITY, model);
}

#endif
