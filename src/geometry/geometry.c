/* Pure geometry of docs/physics.md §7: SCD→ECLIPJ2000 matrix, field-line
 * footpoints with polarity, latitude/longitude, sphere illumination test,
 * and the per-row geometry assembled from SPICE queries. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/constants.h"
#include "geometry/geometry.h"

static double vdot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static double vnorm(const double a[3])
{
    return sqrt(vdot(a, a));
}

static void vcross(const double a[3], const double b[3], double out[3])
{
    double c0 = a[1] * b[2] - a[2] * b[1];
    double c1 = a[2] * b[0] - a[0] * b[2];
    double c2 = a[0] * b[1] - a[1] * b[0];
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
}

static void mat_vec(const double m[3][3], const double v[3], double out[3])
{
    double r[3];
    for (int i = 0; i < 3; i++)
        r[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    memcpy(out, r, sizeof r);
}

void geometry_scd_to_eclip(const double spin_axis[3], const double sun_dir[3], double m[3][3])
{
    double z[3], s[3], x[3], y[3];
    double nz = vnorm(spin_axis), ns = vnorm(sun_dir);
    for (int i = 0; i < 3; i++) {
        z[i] = spin_axis[i] / nz;
        s[i] = sun_dir[i] / ns;
    }
    double sz = vdot(s, z);
    for (int i = 0; i < 3; i++)
        x[i] = s[i] - sz * z[i];
    double nx = vnorm(x);
    if (!(nx >= 1e-8) || !(nz > 0.0) || !(ns > 0.0)) {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                m[i][j] = NAN;
        return;
    }
    for (int i = 0; i < 3; i++)
        x[i] /= nx;
    vcross(z, x, y);
    for (int i = 0; i < 3; i++) {
        m[i][0] = x[i];
        m[i][1] = y[i];
        m[i][2] = z[i];
    }
}

/* Smallest positive root t of |p + t v|^2 = R^2, or -1 when none. */
static double sphere_hit(const double p[3], const double v[3], double radius)
{
    double a = vdot(v, v);
    double b = 2.0 * vdot(p, v);
    double c = vdot(p, p) - radius * radius;
    if (!(a > 0.0))
        return -1.0;
    double disc = b * b - 4.0 * a * c;
    if (!(disc >= 0.0))
        return -1.0;
    double sq = sqrt(disc);
    double t1 = (-b - sq) / (2.0 * a);
    double t2 = (-b + sq) / (2.0 * a);
    if (t1 > 0.0)
        return t1;
    if (t2 > 0.0)
        return t2;
    return -1.0;
}

int geometry_footpoint(const double pos[3], const double bhat[3], double radius, double foot[3])
{
    double minus[3] = {-bhat[0], -bhat[1], -bhat[2]};
    double tp = sphere_hit(pos, bhat, radius);
    double tm = sphere_hit(pos, minus, radius);
    int hp = tp > 0.0, hm = tm > 0.0;
    if (hp == hm) {
        foot[0] = foot[1] = foot[2] = NAN;
        return 0;
    }
    const double *v = hp ? bhat : minus;
    double t = hp ? tp : tm;
    for (int i = 0; i < 3; i++)
        foot[i] = pos[i] + t * v[i];
    return hp ? 1 : -1;
}

void geometry_latlon(const double p[3], double *lat_deg, double *lon_deg)
{
    double r = vnorm(p);
    if (!(r > 0.0) || !isfinite(r)) {
        *lat_deg = NAN;
        *lon_deg = NAN;
        return;
    }
    double s = p[2] / r;
    if (s > 1.0)
        s = 1.0;
    if (s < -1.0)
        s = -1.0;
    *lat_deg = asin(s) * (180.0 / M_PI);
    double lon = atan2(p[1], p[0]) * (180.0 / M_PI);
    if (lon <= -180.0)
        lon += 360.0;
    *lon_deg = lon;
}

int geometry_ray_misses_sphere(const double pos[3], const double dir[3], double radius)
{
    return sphere_hit(pos, dir, radius) > 0.0 ? 0 : 1;
}

static void row_geometry_clear(row_geometry *out, double et)
{
    memset(out, 0, sizeof *out);
    out->ok = 0;
    out->et = et;
    out->sc_lat = out->sc_lon = out->foot_lat = out->foot_lon = NAN;
    for (int i = 0; i < 3; i++) {
        out->b_moon[i] = NAN;
        for (int j = 0; j < 3; j++)
            out->m_scd_to_moon[i][j] = NAN;
    }
}

lp_status geometry_row(const spice_kernels *k, const attitude_table *att, double et,
                       const double b_scd[3], row_geometry *out, lp_error *err)
{
    row_geometry_clear(out, et);
    double axis[3];
    if (attitude_spin_axis(att, et, axis) != 0)
        return lp_error_set(err, LP_ERR_COVERAGE, "no attitude for ET %.3f", et);

    double p_moon[3], sun_eclip[3], sun_moon_lp[3], moon_sun[3], rot[3][3];
    lp_status st;
    spice_epoch ep; /* the five queries share segment states and the Moon's rotation */
    spice_epoch_init(&ep, et);
    if ((st = spice_epoch_pos(k, &ep, NAIF_LP, NAIF_MOON, SPICE_FRAME_IAU_MOON, p_moon, err)) !=
        LP_OK)
        return st;
    if ((st = spice_epoch_pos(k, &ep, NAIF_SUN, NAIF_LP, SPICE_FRAME_ECLIPJ2000, sun_eclip, err)) !=
        LP_OK)
        return st;
    if ((st = spice_epoch_pos(k, &ep, NAIF_SUN, NAIF_LP, SPICE_FRAME_IAU_MOON, sun_moon_lp, err)) !=
        LP_OK)
        return st;
    if ((st = spice_epoch_pos(k, &ep, NAIF_SUN, NAIF_MOON, SPICE_FRAME_IAU_MOON, moon_sun, err)) !=
        LP_OK)
        return st;
    if ((st = spice_epoch_xform(k, &ep, SPICE_FRAME_ECLIPJ2000, SPICE_FRAME_IAU_MOON, rot, err)) !=
        LP_OK)
        return st;

    double m_se[3][3];
    geometry_scd_to_eclip(axis, sun_eclip, m_se);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            out->m_scd_to_moon[i][j] =
                rot[i][0] * m_se[0][j] + rot[i][1] * m_se[1][j] + rot[i][2] * m_se[2][j];

    geometry_latlon(p_moon, &out->sc_lat, &out->sc_lon);
    out->sc_sunlit = (uint8_t)geometry_ray_misses_sphere(p_moon, sun_moon_lp, LP_MOON_RADIUS_KM);

    double bn = vnorm(b_scd);
    double foot[3] = {NAN, NAN, NAN};
    out->polarity = 0;
    if (bn > 0.0 && isfinite(bn)) {
        double bu[3] = {b_scd[0] / bn, b_scd[1] / bn, b_scd[2] / bn};
        mat_vec(out->m_scd_to_moon, bu, out->b_moon);
        if (isfinite(out->b_moon[0]) && isfinite(out->b_moon[1]) && isfinite(out->b_moon[2]))
            out->polarity =
                (int8_t)geometry_footpoint(p_moon, out->b_moon, LP_MOON_RADIUS_KM, foot);
    }
    if (out->polarity != 0) {
        geometry_latlon(foot, &out->foot_lat, &out->foot_lon);
        double fn = vnorm(foot), sn = vnorm(moon_sun);
        out->foot_sunlit = (vdot(foot, moon_sun) / (fn * sn)) > 0.0;
    } else {
        out->foot_sunlit = 0;
    }
    out->ok = 1;
    return LP_OK;
}
