/* Frames (docs/spice.md §4): fixed inertial rotations J2000 ↔ ECLIPJ2000, B1950,
 * FK4 and the IAU_MOON body-fixed frame from the text PCK. Matrices are
 * row-major and take vectors from the first frame to the second. */
#ifndef LPMAP_SPICE_FRAMES_H
#define LPMAP_SPICE_FRAMES_H

#include "core/status.h"
#include "spice/textkernel.h"

#define FRAMES_MAX_NUT 64

/* IAU_MOON orientation model from a PCK (body 301, angles of barycentre 3). */
typedef struct {
    int loaded;
    double ra[3], dec[3], pm[3]; /* degrees; polynomials in T (RA/Dec) and d (PM) */
    int n_angles, n_terms;       /* nutation-precession angles, terms per angle */
    double angles[FRAMES_MAX_NUT * 4];
    double nut_ra[FRAMES_MAX_NUT], nut_dec[FRAMES_MAX_NUT], nut_pm[FRAMES_MAX_NUT];
    int n_nut_ra, n_nut_dec, n_nut_pm;
} frames_moon_model;

/* NAIF's elementary frame rotation [angle]_axis (axis 1, 2, 3). */
void frames_rotate(double angle_rad, int axis, double m[3][3]);
void frames_mxm(const double a[3][3], const double b[3][3], double out[3][3]);
void frames_mtxm(const double a[3][3], const double b[3][3], double out[3][3]); /* aᵀ·b */
void frames_mxv(const double m[3][3], const double v[3], double out[3]);
void frames_transpose(const double m[3][3], double out[3][3]);

/* Rotation J2000 → inertial frame code (1, 2, 3, 17); 0 when unknown. */
int frames_inertial_from_j2000(int frame, double m[3][3]);

/* Read BODY301_* and BODY3_NUT_PREC_ANGLES from the pool; model->loaded = 0
 * (and LP_OK) when the pool has no BODY301_POLE_RA. */
lp_status frames_moon_model_from_pool(const tk_pool *pool, frames_moon_model *model, lp_error *err);
/* Pole right ascension / declination and prime meridian (radians) at et. */
void frames_moon_angles(const frames_moon_model *model, double et, double *ra, double *dec,
                        double *w);
/* Rotation J2000 → IAU_MOON at et. */
void frames_moon_from_j2000(const frames_moon_model *model, double et, double m[3][3]);

#endif
