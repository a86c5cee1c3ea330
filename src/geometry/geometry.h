/* Per-row geometry (docs/physics.md §7): attitude table and interpolation,
 * SCD→ECLIPJ2000→IAU_MOON matrices, field-line footpoints with polarity,
 * latitude/longitude and illumination. API pinned by the integrator;
 * implemented in attitude.c and geometry.c. */
#ifndef LPMAP_GEOMETRY_GEOMETRY_H
#define LPMAP_GEOMETRY_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "spice/spice.h"

/* attitude.tab (docs/formats.md §3): spin-axis changes, times as ET. */
typedef struct {
    size_t n;
    double *et;
    double *rpm;
    double *ra_deg, *dec_deg; /* spin axis, ECLIPJ2000 */
} attitude_table;

/* Read attitude.tab; lines that do not parse are skipped and counted in
 * *skipped (may be NULL), except a column header as the first line. Times not strictly increasing →
 * LP_ERR_FORMAT naming the line. Needs the LSK in `k` for UTC→ET. */
lp_status attitude_read(const char *path, const spice_kernels *k, attitude_table *out,
                        size_t *skipped, lp_error *err);
void attitude_free(attitude_table *t);

/* Unit spin axis (ECLIPJ2000) at et: RA along the shorter arc, Dec linear.
 * Returns 0, or -1 outside the table's time span. */
int attitude_spin_axis(const attitude_table *t, double et, double axis[3]);

/* M_SCD→ECLIP with columns x = normalize(s - (s.z)z), y = z × x, z (row-major
 * m[i][j]). All NaN when |s - (s.z)z| < 1e-8. */
void geometry_scd_to_eclip(const double spin_axis[3], const double sun_dir[3], double m[3][3]);

/* Footpoint of the field line through pos (km) along ±bhat on the sphere of
 * radius R: returns polarity +1 / -1 (exactly one hit), 0 otherwise
 * (foot = NaN). */
int geometry_footpoint(const double pos[3], const double bhat[3], double radius, double foot[3]);

/* lat = asin(z/|p|), lon = atan2(y, x), degrees, lon in (-180, 180]. */
void geometry_latlon(const double p[3], double *lat_deg, double *lon_deg);

/* 1 when the ray from pos along dir misses the sphere of radius R. */
int geometry_ray_misses_sphere(const double pos[3], const double dir[3], double radius);

/* Everything the pipeline needs from one row. */
typedef struct {
    int ok; /* 0: no geometry (no attitude/ephemeris coverage) */
    double et;
    double sc_lat, sc_lon; /* spacecraft, deg IAU_MOON */
    double foot_lat, foot_lon;
    int8_t polarity; /* +1, -1, 0 */
    uint8_t sc_sunlit, foot_sunlit;
    double m_scd_to_moon[3][3];
    double b_moon[3]; /* unit field direction, IAU_MOON */
} row_geometry;

/* Geometry of one row at et with field b_scd (nT, SCD). A missing ephemeris
 * or attitude coverage is not an error: out->ok = 0 and the reason in err
 * (status LP_ERR_COVERAGE) so the caller can count it. */
lp_status geometry_row(const spice_kernels *k, const attitude_table *att, double et,
                       const double b_scd[3], row_geometry *out, lp_error *err);

#endif
