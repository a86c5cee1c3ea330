/* Simulated ER sweeps (see sim_spectra.h). The reflection model is the
 * pipeline's own (physics/losscone_model.h), the spectrum physics/kappa_model.h,
 * the instrument constants physics/instrument.h: one source of physics. */
#include <math.h>

#include "physics/losscone_model.h"
#include "sim/sim_spectra.h"

#define DEG (LP_PI / 180.0)

void sim_standard_theta(double theta_deg[LP_N_CHANNELS])
{
    /* the real theta.tab order: +-11.25 x16 each, +-33.75 x16, +-56.25 x8, +-78.75 x4 */
    static const double band[4] = {11.25, 33.75, 56.25, 78.75};
    static const int count[4] = {16, 16, 8, 4};
    int c = 0;
    for (int k = 0; k < 4; k++)
        for (int sign = 1; sign >= -1; sign -= 2)
            for (int j = 0; j < count[k]; j++)
                theta_deg[c++] = sign * band[k];
}

void sim_standard_instrument(er_instrument *inst)
{
    static const double omega[4] = LP_BAND_SOLID_ANGLE;
    static const int count[4] = {4, 8, 16, 16};
    sim_standard_theta(inst->theta_deg);
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        int b = instrument_band_of(inst->theta_deg[c]);
        inst->solid_angle_sr[c] = omega[b];
        inst->integration_s[c] = LP_ACCUM_TIME_S / count[b];
    }
}

#define SWEEP_TABLE_CHANGE_UNIX 893980800.0 /* 1998-05-01: the sweep table changes */

void sim_sweep_energies(double unix_s, double energy[LP_N_ENERGIES])
{
    double top = unix_s < SWEEP_TABLE_CHANGE_UNIX ? 19670.0 : 18810.0;
    double bottom = unix_s < SWEEP_TABLE_CHANGE_UNIX ? 40.3 : 38.6;
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        double e = top * pow(bottom / top, (double)i / (LP_N_ENERGIES - 1));
        energy[i] = rint(e * 100.0) / 100.0; /* as printed */
    }
}

void sim_sweep_azimuths(const double theta_deg[LP_N_CHANNELS], rng_key key,
                        double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS])
{
    double u[4];
    rng_uniform4(key, RNG_PHASE_SIM + 2, 0, 0, 0, u);
    double spin0 = 360.0 * u[0];
    /* per band-with-sign channel counters */
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        double spin = spin0 + 24.0 * row; /* the spin phase moves between energy steps */
        int seen[8] = {0};
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double th = theta_deg[c];
            int b = instrument_band_of(th);
            int slot = b + (th < 0 ? 4 : 0);
            static const int count[4] = {4, 8, 16, 16};
            int n = count[b];
            int j = seen[slot]++;
            double phi = 360.0 * j / n + spin;
            phi = fmod(phi, 360.0);
            phi_deg[row][c] = rint(phi * 100.0) / 100.0; /* as printed */
        }
    }
}

void sim_incident_flux(const sim_sweep_truth *t, const double energy[LP_N_ENERGIES],
                       double omni[LP_N_ENERGIES])
{
    double j[LP_N_ENERGIES];
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        if (t->mapping == SIM_MAP_SHIFT_SUNLIT) {
            double e = t->sunlit ? energy[i] - t->u_sc : energy[i];
            j[i] = e > 0.0 ? sim_plasma_flux(&t->plasma, e) : 0.0;
            continue;
        }
        /* an electron of ambient energy E - U_sc arrives at E; f is conserved and
         * J = 2 E f / m^2, so J scales with E; for U_sc < 0 only electrons with
         * E_amb > |U_sc| arrive (all measured E > 0 have that) */
        double e_amb = energy[i] - t->u_sc;
        j[i] = e_amb > 0.0 ? energy[i] / e_amb * sim_plasma_flux(&t->plasma, e_amb) : 0.0;
    }
    /* instrument response of docs/physics.md §5 */
    double s = asinh(0.25) / sqrt(2.0 * log(2.0));
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        double wsum = 0.0, acc = 0.0;
        for (int k = 0; k < LP_N_ENERGIES; k++) {
            double z = (log(energy[i]) - log(energy[k])) / s;
            double w = exp(-0.5 * z * z);
            wsum += w;
            acc += w * j[k];
        }
        omni[i] = acc / wsum;
    }
}

double sim_poisson(double lambda, rng_key key, uint64_t phase, uint64_t a, uint64_t b)
{
    if (!(lambda > 0.0))
        return 0.0;
    double u[4];
    if (lambda < 12.0) {
        /* inversion: one uniform */
        rng_uniform4(key, phase, a, b, 0, u);
        double p = exp(-lambda), cdf = p, k = 0.0;
        while (u[0] > cdf && k < 200.0) {
            k += 1.0;
            p *= lambda / k;
            cdf += p;
        }
        return k;
    }
    if (lambda > 1e7) {
        /* normal approximation (relative error far below the counting noise) */
        rng_uniform4(key, phase, a, b, 0, u);
        double z = sqrt(-2.0 * log(1.0 - u[0])) * cos(2.0 * LP_PI * u[1]);
        return fmax(0.0, rint(lambda + sqrt(lambda) * z));
    }
    /* PTRS, Hormann (1993): transformed rejection with squeeze */
    double slam = sqrt(lambda), loglam = log(lambda);
    double bb = 0.931 + 2.53 * slam, aa = -0.059 + 0.02483 * bb;
    double inv_alpha = 1.1239 + 1.1328 / (bb - 3.4), vr = 0.9277 - 3.6224 / (bb - 2.0);
    for (uint64_t draw = 0; draw < 1000; draw++) {
        rng_uniform4(key, phase, a, b, 1 + draw, u);
        for (int h = 0; h < 2; h++) {
            double uu = u[2 * h] - 0.5, v = u[2 * h + 1];
            double us = 0.5 - fabs(uu);
            double k = floor((2.0 * aa / us + bb) * uu + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
                return k;
            if (k < 0.0 || (us < 0.013 && v > us))
                continue;
            if (log(v) + log(inv_alpha) - log(aa / (us * us) + bb) <=
                -lambda + k * loglam - lgamma(k + 1.0))
                return k;
        }
    }
    return rint(lambda);
}

void sim_sweep_mean_flux(const er_instrument *inst, const sim_sweep_truth *t,
                         const double energy[LP_N_ENERGIES],
                         const double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS],
                         double flux[LP_N_ENERGIES][LP_N_CHANNELS])
{
    double omni[LP_N_ENERGIES];
    sim_incident_flux(t, energy, omni);
    losscone_shape shape = losscone_shape_default();
    double bn =
        sqrt(t->b_scd[0] * t->b_scd[0] + t->b_scd[1] * t->b_scd[1] + t->b_scd[2] * t->b_scd[2]);
    double bh[3] = {0.0, 0.0, 0.0};
    if (bn > 0.0 && t->polarity != 0)
        for (int i = 0; i < 3; i++)
            bh[i] = t->polarity * t->b_scd[i] / bn;
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        double e = energy[row];
        double edge =
            t->polarity != 0 ? losscone_edge_deg(e, t->u_sc, t->u_surface, t->bs_over_bm) : 180.0;
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double model = 1.0;
            if (t->polarity != 0) {
                double th = inst->theta_deg[c] * DEG, ph = phi_deg[row][c] * DEG;
                double d[3] = {cos(ph) * cos(th), sin(ph) * cos(th), sin(th)};
                double cosa = bh[0] * d[0] + bh[1] * d[1] + bh[2] * d[2];
                cosa = cosa > 1.0 ? 1.0 : (cosa < -1.0 ? -1.0 : cosa);
                double alpha = acos(cosa) / DEG;
                model =
                    losscone_model_bin(&shape, e, alpha, t->u_sc, t->u_surface, t->beam_amp, edge);
            }
            flux[row][c] = omni[row] / (4.0 * LP_PI) * model;
        }
    }
}

void sim_sweep_flux(const er_instrument *inst, const sim_sweep_truth *t,
                    const double energy[LP_N_ENERGIES],
                    const double phi_deg[LP_N_ENERGIES][LP_N_CHANNELS], rng_key key,
                    double flux[LP_N_ENERGIES][LP_N_CHANNELS])
{
    sim_sweep_mean_flux(inst, t, energy, phi_deg, flux);
    for (int row = 0; row < LP_N_ENERGIES; row++)
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double scale = LP_GEOM_FACTOR * energy[row] * inst->integration_s[c];
            double counts = sim_poisson(flux[row][c] * scale, key, RNG_PHASE_SIM + 1, (uint64_t)row,
                                        (uint64_t)c);
            flux[row][c] = counts / scale;
        }
}
