/* Simulated mission geometry for `lpmap simulate` (docs/simulate.md,
 * docs/physics.md §7): time scales, an analytic low-precision Sun/Earth/Moon
 * ephemeris, the LP orbit (~100 km circular polar, slowly precessing),
 * IAU_MOON orientation from the pck00011 constants and the attitude table. */
#ifndef LPMAP_SIM_SIM_MISSION_H
#define LPMAP_SIM_SIM_MISSION_H

#include <stddef.h>
#include <stdint.h>

#include "geometry/geometry.h"

/* TAI - UTC (s) in force at a unix time (leap-second table of the standard
 * LSK); 0 before 1972. */
int sim_delta_at(double unix_s);
/* ET (TDB seconds past J2000) of a UTC instant given as unix seconds; the
 * same arithmetic as docs/spice.md §2 with the standard LSK constants. */
double sim_et_from_unix(double unix_s);

/* UTC text "YYYY-MM-DDThh:mm:ss.sss" of unix seconds (millisecond rounding). */
void sim_format_utc(double unix_s, char *buf, size_t size);

/* Positions (km) and velocities (km/s) in J2000 (the frames of the SPK we
 * write). Sun relative to the solar-system barycentre is fixed at the origin. */
void sim_emb_state_ssb(double et, double state[6]);   /* EMB relative to SSB */
void sim_moon_state_emb(double et, double state[6]);  /* Moon relative to EMB */
void sim_earth_state_emb(double et, double state[6]); /* Earth relative to EMB */
void sim_lp_state_moon(double et, double state[6]);   /* LP relative to Moon */
/* Sun relative to the Moon (J2000, km). */
void sim_sun_from_moon(double et, double out[3]);

/* Rotation J2000 -> IAU_MOON at et from the pck00011 constants (row-major). */
void sim_iau_moon_matrix(double et, double m[3][3]);
/* The pck00011 numbers behind sim_iau_moon_matrix (the PCK writer prints
 * them): pole RA/Dec/PM polynomials (3 each), nutation-precession
 * coefficients (13 each) and the 13 angles (constant, rate per century). */
typedef struct {
    const double *pole_ra, *pole_dec, *pm;
    const double *nut_ra, *nut_dec, *nut_pm;
    const double (*angles)[2];
} sim_pck_moon;
void sim_pck_moon_constants(sim_pck_moon *out);

/* Rotation ECLIPJ2000 -> J2000 (row-major). */
void sim_eclip_to_j2000(double m[3][3]);

/* Attitude table covering [unix0, unix1]: spin-axis changes at fixed
 * absolute times (every few days, keyed by the seed), so a day's attitude
 * does not depend on the simulated range. */
typedef struct {
    size_t n;
    double *unix_s;
    double *rpm, *ra_deg, *dec_deg;
} sim_attitude;

/* Returns 0, or -1 when out of memory. */
int sim_attitude_build(uint64_t seed, double unix0, double unix1, sim_attitude *out);
void sim_attitude_free(sim_attitude *a);
/* The geometry module's table view of it (ET times); arrays point into `a`
 * and `et_store` (n entries). */
void sim_attitude_as_table(sim_attitude *a, double *et_store, attitude_table *t);

/* Small vector helpers. */
void sim_mat_vec(const double m[3][3], const double v[3], double out[3]);
void sim_mat_t_vec(const double m[3][3], const double v[3], double out[3]);
void sim_mat_mul(const double a[3][3], const double b[3][3], double out[3][3]);

#endif
