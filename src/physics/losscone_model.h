/* The loss-cone forward model of one (energy, pitch) bin and the per-bin chi2
 * terms (docs/physics.md §4.1, §4.3). Header-only: the CPU fitter, the CUDA
 * kernels, the benchmark generator and the simulator all call these. */
#ifndef LPMAP_PHYSICS_LOSSCONE_MODEL_H
#define LPMAP_PHYSICS_LOSSCONE_MODEL_H

#include <math.h>

#include "core/constants.h"
#include "core/hostdev.h"

/* Shape of the model (docs/physics.md §4.1): defaults of losscone_shape. */
#define LC_BACKGROUND 0.05
#define LC_BEAM_WIDTH_EV 15.0
#define LC_BEAM_PITCH_SIGMA_DEG 7.5
#define LC_E_FLOOR 1e-12 /* smallest energy E' the edge formula divides by */

/* Fixed shape parameters of the model. */
typedef struct {
    double background;     /* b */
    double beam_width_ev;  /* w */
    double beam_sigma_deg; /* sigma_alpha */
} losscone_shape;

LP_HD losscone_shape losscone_shape_default(void)
{
    losscone_shape s;
    s.background = LC_BACKGROUND;
    s.beam_width_ev = LC_BEAM_WIDTH_EV;
    s.beam_sigma_deg = LC_BEAM_PITCH_SIGMA_DEG;
    return s;
}

/* Loss-cone edge: the largest pitch angle (deg) still reflected, 180 - alpha_c.
 * x = clamp(r (1 + U/E'), 0, 1), alpha_c = asin(sqrt(x)). */
LP_HD double losscone_edge_deg(double energy, double u_sc, double u_surface, double bs_over_bm)
{
    double ep = energy - u_sc;
    if (ep < LC_E_FLOOR)
        ep = LC_E_FLOOR;
    double x = bs_over_bm * (1.0 + u_surface / ep);
    x = x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
    return 180.0 - asin(sqrt(x)) * (180.0 / LP_PI);
}

/* Beam term of one bin (0 when off). dU = U_sc - U. */
LP_HD double losscone_beam(const losscone_shape *s, double energy, double pitch_deg, double u_sc,
                           double u_surface, double beam_amp)
{
    double du = u_sc - u_surface;
    if (!(beam_amp > 0.0 && s->beam_width_ev > 0.0 && du > 0.0))
        return 0.0;
    double center = du > s->beam_width_ev ? du : s->beam_width_ev;
    double ze = (energy - center) / s->beam_width_ev;
    double za = (pitch_deg - 180.0) / s->beam_sigma_deg;
    return beam_amp * exp(-0.5 * ze * ze) * exp(-0.5 * za * za);
}

/* Model value of one bin given the row's loss-cone edge. */
LP_HD double losscone_model_bin(const losscone_shape *s, double energy, double pitch_deg,
                                double u_sc, double u_surface, double beam_amp, double edge_deg)
{
    double m = pitch_deg <= edge_deg ? 1.0 : s->background;
    return m + losscone_beam(s, energy, pitch_deg, u_sc, u_surface, beam_amp);
}

/* Full model of one bin (computes the edge itself). */
LP_HD double losscone_model(const losscone_shape *s, double energy, double pitch_deg, double u_sc,
                            double u_surface, double bs_over_bm, double beam_amp)
{
    return losscone_model_bin(s, energy, pitch_deg, u_sc, u_surface, beam_amp,
                              losscone_edge_deg(energy, u_sc, u_surface, bs_over_bm));
}

/* valid(E): energies below the spacecraft potential are not measured. */
LP_HD int losscone_energy_valid(double energy, double u_sc)
{
    return energy >= u_sc;
}

/* Halekas chi2 term of one masked bin: (ln(norm+EPS) - ln(model+EPS))^2. */
LP_HD double losscone_term_halekas(double log_norm_eps, double model)
{
    double d = log_norm_eps - log(model + LP_EPS);
    return d * d;
}

/* Lillis chi2 term of one masked bin: (norm - model)^2 (divided by n-3 later). */
LP_HD double losscone_term_lillis(double norm, double model)
{
    double d = norm - model;
    return d * d;
}

#endif
