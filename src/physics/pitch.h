/* Look directions and pitch angles (docs/physics.md §2). Header-only maths for
 * C and CUDA, plus a per-row helper. */
#ifndef LPMAP_PHYSICS_PITCH_H
#define LPMAP_PHYSICS_PITCH_H

#include <math.h>

#include "core/constants.h"
#include "core/hostdev.h"
#include "physics/instrument.h"

/* Polarity value meaning "unknown: use the default b = -B/|B|". */
#define PITCH_POLARITY_DEFAULT 2

/* Unit look direction (SCD) of a channel: (cos φ cos θ, sin φ cos θ, sin θ). */
LP_HD void pitch_look_direction(double theta_deg, double phi_deg, double d[3])
{
    const double rad = LP_PI / 180.0;
    double ct = cos(theta_deg * rad);
    d[0] = cos(phi_deg * rad) * ct;
    d[1] = sin(phi_deg * rad) * ct;
    d[2] = sin(theta_deg * rad);
}

/* Pitch angle (deg) of look direction d for unit field direction bhat. */
LP_HD double pitch_angle_deg(const double bhat[3], const double d[3])
{
    double c = bhat[0] * d[0] + bhat[1] * d[1] + bhat[2] * d[2];
    c = c < -1.0 ? -1.0 : (c > 1.0 ? 1.0 : c);
    return acos(c) * (180.0 / LP_PI);
}

/* Field direction used for pitch angles: -B/|B| by default (polarity
 * PITCH_POLARITY_DEFAULT), p·B/|B| for a known footpoint polarity p = ±1.
 * Returns 0, or -1 (no direction: p = 0, or B unusable). */
LP_HD int pitch_field_direction(const double b[3], int polarity, double bhat[3])
{
    double m = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    if (!(m > 0.0) || !isfinite(m) || polarity == 0)
        return -1;
    double s = polarity == PITCH_POLARITY_DEFAULT ? -1.0 / m : (double)polarity / m;
    bhat[0] = b[0] * s;
    bhat[1] = b[1] * s;
    bhat[2] = b[2] * s;
    return 0;
}

/* Pitch angles of one row's 88 channels (NaN where phi is NaN or there is
 * no field direction). */
void pitch_row(const er_instrument *inst, const double b[3], int polarity,
               const double phi_deg[LP_N_CHANNELS], double pitch_deg[LP_N_CHANNELS]);

#endif
