/* Injected surface-potential field for `lpmap simulate` (docs/physics.md §4):
 * U(lat, lon, solar zenith angle, environment) — dayside -50..-10 V,
 * nightside and wake -100..-800 V, less negative over crustal anomalies,
 * more negative in the plasma sheet — and the secondary-beam amplitude. */
#ifndef LPMAP_SIM_SIM_SURFACE_H
#define LPMAP_SIM_SIM_SURFACE_H

#include "core/rng.h"

/* U_surface (V) at a footpoint; cos_sza = cosine of the solar zenith angle
 * there (> 0: sunlit). */
double sim_surface_potential(double lat_deg, double lon_deg, double cos_sza, int environment);

/* Beam amplitude A of a sweep: 0 on the dayside, 0.2..1.5 where the
 * surface charges strongly negative (phase RNG_PHASE_SIM+4). */
double sim_beam_amplitude(double u_surface, double u_sc, rng_key key);

#endif
