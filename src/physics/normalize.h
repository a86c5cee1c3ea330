/* Flux normalization per sweep (docs/physics.md §3): `ratio` (incident mean or
 * max) and `ratio2` (mirror-channel ratios). */
#ifndef LPMAP_PHYSICS_NORMALIZE_H
#define LPMAP_PHYSICS_NORMALIZE_H

#include "core/constants.h"
#include "physics/norm_types.h"

/* norm[r][c] for rows 0..n_rows-1; NaN where undefined. */
void normalize_sweep(norm_mode mode, incident_stat stat, int n_rows,
                     const double (*flux)[LP_N_CHANNELS], const double (*pitch_deg)[LP_N_CHANNELS],
                     double (*norm)[LP_N_CHANNELS]);

#endif
