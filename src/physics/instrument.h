/* The ER instrument (docs/physics.md §1): channel elevation bands, solid angles,
 * integration times and counts from flux. Header-only, C and CUDA. */
#ifndef LPMAP_PHYSICS_INSTRUMENT_H
#define LPMAP_PHYSICS_INSTRUMENT_H

#include <math.h>

#include "core/constants.h"
#include "core/hostdev.h"

/* Per-channel constants derived from theta.tab (channel order as in the file). */
typedef struct {
    double theta_deg[LP_N_CHANNELS];      /* elevation */
    double solid_angle_sr[LP_N_CHANNELS]; /* Omega_c by |theta| band */
    double integration_s[LP_N_CHANNELS];  /* 2.5 s / channels of theta_c's sign in its band */
} er_instrument;

/* |theta| of the four bands and their solid angles (sr) and channel counts. */
#define LP_BAND_ABS_THETA                                                                          \
    {                                                                                              \
        78.75, 56.25, 33.75, 11.25                                                                 \
    }
#define LP_BAND_SOLID_ANGLE                                                                        \
    {                                                                                              \
        0.119570, 0.170253, 0.127401, 0.150279                                                     \
    }
/* Channels per sign in each band: t_c = 2.5 s / this (a +78.75 channel
 * gets 2.5/4 s). The golden sweep/counts_row of the original is reproduced
 * exactly with this convention (tests/test_theta.c), not with 2.5 s divided
 * by both signs' channels. */
#define LP_BAND_CHANNELS_PER_SIGN                                                                  \
    {                                                                                              \
        4, 8, 16, 16                                                                               \
    }

/* Band index 0..3 of an elevation, or -1 when it is none of the four. */
LP_HD int instrument_band_of(double theta_deg)
{
    const double bands[4] = LP_BAND_ABS_THETA;
    double a = fabs(theta_deg);
    for (int k = 0; k < 4; k++)
        if (fabs(a - bands[k]) < 1e-6)
            return k;
    return -1;
}

/* Counts of one row: sum over channels with finite flux of
 * rint(max(F,0) * G * E * t_c) (docs/physics.md §1). */
LP_HD double instrument_row_counts(const double *flux, const double *integration_s, double energy)
{
    double c = 0.0;
    for (int ch = 0; ch < LP_N_CHANNELS; ch++) {
        double f = flux[ch];
        if (!isfinite(f))
            continue;
        if (f < 0.0)
            f = 0.0;
        c += rint(f * LP_GEOM_FACTOR * energy * integration_s[ch]);
    }
    return c;
}

#endif
