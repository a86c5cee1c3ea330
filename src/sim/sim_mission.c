/* Simulated mission geometry (see sim_mission.h): time scales, analytic
 * ephemerides, LP orbit, IAU_MOON orientation (pck00011 constants, docs/spice.md
 * §4) and the attitude table (docs/formats.md §3). Only needs to be
 * self-consistent: the pipeline reads it back through the SPK we write. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/calendar.h"
#include "core/constants.h"
#include "core/rng.h"
#include "core/utc.h"
#include "sim/sim_mission.h"

#define DEG (LP_PI / 180.0)
#define J2000_UNIX 946728000.0 /* 2000-01-01T12:00:00 UTC as unix seconds */
#define DAY_S 86400.0
#define CENTURY_DAYS 36525.0

/* ---- time ------------------------------------------------------------ */

/* Leap seconds of the standard LSK: (year, month) the new TAI-UTC starts. */
static const struct {
    int year, month, delta;
} LEAPS[] = {{1972, 1, 10}, {1972, 7, 11}, {1973, 1, 12}, {1974, 1, 13}, {1975, 1, 14},
             {1976, 1, 15}, {1977, 1, 16}, {1978, 1, 17}, {1979, 1, 18}, {1980, 1, 19},
             {1981, 7, 20}, {1982, 7, 21}, {1983, 7, 22}, {1985, 7, 23}, {1988, 1, 24},
             {1990, 1, 25}, {1991, 1, 26}, {1992, 7, 27}, {1993, 7, 28}, {1994, 7, 29},
             {1996, 1, 30}, {1997, 7, 31}, {1999, 1, 32}, {2006, 1, 33}, {2009, 1, 34},
             {2012, 7, 35}, {2015, 7, 36}, {2017, 1, 37}};

int sim_delta_at(double unix_s)
{
    int d = 0;
    for (size_t i = 0; i < sizeof LEAPS / sizeof LEAPS[0]; i++)
        if (unix_s >= (double)calendar_days_from_1970(LEAPS[i].year, LEAPS[i].month, 1) * DAY_S)
            d = LEAPS[i].delta;
    return d;
}

double sim_et_from_unix(double unix_s)
{
    double tt = (unix_s - J2000_UNIX) + sim_delta_at(unix_s) + 32.184;
    double m = 6.239996 + 1.99096871e-7 * tt;
    double e = m + 1.671e-2 * sin(m);
    return tt + 1.657e-3 * sin(e);
}

void sim_format_utc(double unix_s, char *buf, size_t size)
{
    utc_format_unix_ms((int64_t)llround(unix_s * 1000.0), buf, size);
}

/* ---- frames ----------------------------------------------------------- */

void sim_mat_vec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
}

void sim_mat_t_vec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[0][i] * v[0] + m[1][i] * v[1] + m[2][i] * v[2];
}

void sim_mat_mul(const double a[3][3], const double b[3][3], double out[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}

void sim_eclip_to_j2000(double m[3][3])
{
    double eps = 84381.448 / 3600.0 * DEG;
    double c = cos(eps), s = sin(eps);
    double r[3][3] = {{1, 0, 0}, {0, c, -s}, {0, s, c}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m[i][j] = r[i][j];
}

static void eclip_vec_to_j2000(const double v[3], double out[3])
{
    double m[3][3];
    sim_eclip_to_j2000(m);
    sim_mat_vec(m, v, out);
}

/* IAU_MOON constants of pck00011.tpc (BODY301_*, BODY3_NUT_PREC_ANGLES). */
static const double MOON_POLE_RA[3] = {269.9949, 0.0031, 0.0};
static const double MOON_POLE_DEC[3] = {66.5392, 0.0130, 0.0};
static const double MOON_PM[3] = {38.3213, 13.17635815, -1.4e-12};
static const double MOON_NUT_RA[13] = {-3.8787, -0.1204, 0.0700,  -0.0172, 0.0, 0.0072, 0.0,
                                       0.0,     0.0,     -0.0052, 0.0,     0.0, 0.0043};
static const double MOON_NUT_DEC[13] = {1.5419, 0.0239, -0.0278, 0.0068, 0.0, -0.0029, 0.0009,
                                        0.0,    0.0,    0.0008,  0.0,    0.0, -0.0009};
static const double MOON_NUT_PM[13] = {3.5610,  0.1208, -0.0642, 0.0158, 0.0252, -0.0066, -0.0047,
                                       -0.0046, 0.0028, 0.0052,  0.0040, 0.0019, -0.0044};
static const double EARTH_NUT_ANGLES[13][2] = {
    {125.045, -1935.5364525000},  {250.089, -3871.0729050000}, {260.008, 475263.3328725000},
    {176.625, 487269.6299850000}, {357.529, 35999.0509575000}, {311.589, 964468.4993100000},
    {134.963, 477198.8693250000}, {276.617, 12006.3007650000}, {34.226, 63863.5132425000},
    {15.134, -5806.6093575000},   {119.743, 131.8406400000},   {239.961, 6003.1503825000},
    {25.053, 473327.7964200000}};

void sim_pck_moon_constants(sim_pck_moon *out)
{
    out->pole_ra = MOON_POLE_RA;
    out->pole_dec = MOON_POLE_DEC;
    out->pm = MOON_PM;
    out->nut_ra = MOON_NUT_RA;
    out->nut_dec = MOON_NUT_DEC;
    out->nut_pm = MOON_NUT_PM;
    out->angles = EARTH_NUT_ANGLES;
}

void sim_iau_moon_matrix(double et, double m[3][3])
{
    double d = et / DAY_S, t = d / CENTURY_DAYS;
    double ra = MOON_POLE_RA[0] + MOON_POLE_RA[1] * t + MOON_POLE_RA[2] * t * t;
    double dec = MOON_POLE_DEC[0] + MOON_POLE_DEC[1] * t + MOON_POLE_DEC[2] * t * t;
    double w = MOON_PM[0] + MOON_PM[1] * d + MOON_PM[2] * d * d;
    for (int i = 0; i < 13; i++) {
        double a = (EARTH_NUT_ANGLES[i][0] + EARTH_NUT_ANGLES[i][1] * t) * DEG;
        ra += MOON_NUT_RA[i] * sin(a);
        dec += MOON_NUT_DEC[i] * cos(a);
        w += MOON_NUT_PM[i] * sin(a);
    }
    /* R3(W) R1(pi/2 - dec) R3(pi/2 + ra), frame rotations */
    double a1 = (90.0 + ra) * DEG, a2 = (90.0 - dec) * DEG, a3 = fmod(w, 360.0) * DEG;
    double r3a[3][3] = {{cos(a1), sin(a1), 0}, {-sin(a1), cos(a1), 0}, {0, 0, 1}};
    double r1[3][3] = {{1, 0, 0}, {0, cos(a2), sin(a2)}, {0, -sin(a2), cos(a2)}};
    double r3w[3][3] = {{cos(a3), sin(a3), 0}, {-sin(a3), cos(a3), 0}, {0, 0, 1}};
    double tmp[3][3];
    sim_mat_mul(r1, r3a, tmp);
    sim_mat_mul(r3w, tmp, m);
}

/* ---- ephemerides ------------------------------------------------------ */

#define AU_KM 149597870.7
#define EARTH_MOON_MASS_RATIO 0.0123000371 /* M_moon / M_earth */
#define MOON_GM 4902.800066                /* km^3/s^2 */

/* EMB heliocentric, ecliptic: Keplerian with J2000 mean elements. */
static void emb_pos_eclip(double et, double p[3])
{
    double d = et / DAY_S;
    double a = 1.00000261 * AU_KM, e = 0.01671123;
    double varpi = 102.93768193 * DEG;
    double mlon = (100.46457166 + 0.98560911 * d) * DEG;
    double mean = fmod(mlon - varpi, 2.0 * LP_PI);
    double ea = mean;
    for (int i = 0; i < 8; i++)
        ea -= (ea - e * sin(ea) - mean) / (1.0 - e * cos(ea));
    double x = a * (cos(ea) - e), y = a * sqrt(1.0 - e * e) * sin(ea);
    p[0] = x * cos(varpi) - y * sin(varpi);
    p[1] = x * sin(varpi) + y * cos(varpi);
    p[2] = 0.0;
}

/* Geocentric Moon, ecliptic: circular orbit inclined 5.145 deg, node regressing. */
static void moon_geo_eclip(double et, double p[3])
{
    double d = et / DAY_S;
    double a = 384400.0, inc = 5.145 * DEG;
    double node = (125.045 - 0.0529538083 * d) * DEG;
    double u = (218.3165 + 13.17639648 * d) * DEG - node;
    p[0] = a * (cos(node) * cos(u) - sin(node) * sin(u) * cos(inc));
    p[1] = a * (sin(node) * cos(u) + cos(node) * sin(u) * cos(inc));
    p[2] = a * sin(u) * sin(inc);
}

typedef void (*pos_fn)(double et, double p[3]);

/* J2000 position and central-difference velocity of an ecliptic position. */
static void state_from(pos_fn fn, double scale, double et, double state[6])
{
    const double h = 10.0;
    double p[3], pp[3], pm[3];
    fn(et, p);
    fn(et + h, pp);
    fn(et - h, pm);
    double v[3];
    for (int i = 0; i < 3; i++)
        v[i] = (pp[i] - pm[i]) / (2.0 * h);
    eclip_vec_to_j2000(p, state);
    eclip_vec_to_j2000(v, state + 3);
    for (int i = 0; i < 6; i++)
        state[i] *= scale;
}

void sim_emb_state_ssb(double et, double state[6])
{
    state_from(emb_pos_eclip, 1.0, et, state);
}

void sim_moon_state_emb(double et, double state[6])
{
    state_from(moon_geo_eclip, 1.0 / (1.0 + EARTH_MOON_MASS_RATIO), et, state);
}

void sim_earth_state_emb(double et, double state[6])
{
    state_from(moon_geo_eclip, -EARTH_MOON_MASS_RATIO / (1.0 + EARTH_MOON_MASS_RATIO), et, state);
}

void sim_sun_from_moon(double et, double out[3])
{
    double emb[6], moon[6];
    sim_emb_state_ssb(et, emb);
    sim_moon_state_emb(et, moon);
    for (int i = 0; i < 3; i++)
        out[i] = -(emb[i] + moon[i]); /* Sun at the SSB origin */
}

/* LP: circular orbit 100 km above the mean radius, inclination 89.6 deg to
 * the lunar equator (inertial, J2000 epoch pole), node precessing 0.1 deg/day. */
#define LP_ALTITUDE_KM 100.0
#define LP_INCLINATION_DEG 89.6
#define LP_NODE0_DEG 40.0
#define LP_NODE_RATE_DEG_DAY 0.1

void sim_lp_state_moon(double et, double state[6])
{
    double ra0 = MOON_POLE_RA[0] * DEG, dec0 = MOON_POLE_DEC[0] * DEG;
    double zm[3] = {cos(dec0) * cos(ra0), cos(dec0) * sin(ra0), sin(dec0)};
    double xm[3] = {-zm[1], zm[0], 0.0}; /* z_J2000 x z_m */
    double nx = sqrt(xm[0] * xm[0] + xm[1] * xm[1]);
    xm[0] /= nx;
    xm[1] /= nx;
    double ym[3] = {zm[1] * xm[2] - zm[2] * xm[1], zm[2] * xm[0] - zm[0] * xm[2],
                    zm[0] * xm[1] - zm[1] * xm[0]};

    double r = LP_MOON_RADIUS_KM + LP_ALTITUDE_KM;
    double n = sqrt(MOON_GM / (r * r * r));
    double node_rate = LP_NODE_RATE_DEG_DAY * DEG / DAY_S;
    double node = LP_NODE0_DEG * DEG + node_rate * et;
    double u = fmod(n * et, 2.0 * LP_PI);
    double ci = cos(LP_INCLINATION_DEG * DEG), si = sin(LP_INCLINATION_DEG * DEG);
    double cu = cos(u), su = sin(u), cn = cos(node), sn = sin(node);
    double x = r * cu, y = r * su * ci, z = r * su * si;
    double dx = -r * su * n, dy = r * cu * ci * n, dz = r * cu * si * n;
    double p[3] = {cn * x - sn * y, sn * x + cn * y, z};
    double v[3] = {cn * dx - sn * dy - node_rate * (sn * x + cn * y),
                   sn * dx + cn * dy + node_rate * (cn * x - sn * y), dz};
    for (int i = 0; i < 3; i++) {
        state[i] = p[0] * xm[i] + p[1] * ym[i] + p[2] * zm[i];
        state[3 + i] = v[0] * xm[i] + v[1] * ym[i] + v[2] * zm[i];
    }
}

/* ---- attitude --------------------------------------------------------- */

#define ATT_STEP_DAYS 6.0
#define ATT_PHASE_DAYS 0.37

int sim_attitude_build(uint64_t seed, double unix0, double unix1, sim_attitude *out)
{
    double step = ATT_STEP_DAYS * DAY_S, phase = ATT_PHASE_DAYS * DAY_S;
    int64_t k0 = (int64_t)floor((unix0 - phase) / step);
    int64_t k1 = (int64_t)ceil((unix1 - phase) / step);
    size_t n = (size_t)(k1 - k0 + 1);
    out->n = 0;
    out->unix_s = calloc(n, sizeof(double));
    out->rpm = calloc(n, sizeof(double));
    out->ra_deg = calloc(n, sizeof(double));
    out->dec_deg = calloc(n, sizeof(double));
    if (!out->unix_s || !out->rpm || !out->ra_deg || !out->dec_deg) {
        sim_attitude_free(out);
        return -1;
    }
    rng_key key = rng_make_key(seed, RNG_STREAM_SHARED);
    for (int64_t k = k0; k <= k1; k++) {
        double u[4];
        rng_uniform4(key, RNG_PHASE_SIM + 10, (uint64_t)k, 0, 0, u);
        size_t i = out->n++;
        /* a change lands at a whole second, a few hours off the grid */
        out->unix_s[i] = floor(k * step + phase + 4.0 * 3600.0 * u[0]);
        out->rpm[i] = 11.9 + 0.3 * u[1];
        out->ra_deg[i] = 360.0 * u[2];
        out->dec_deg[i] = 87.0 + 2.8 * u[3]; /* near the ecliptic north pole */
    }
    return 0;
}

void sim_attitude_free(sim_attitude *a)
{
    free(a->unix_s);
    free(a->rpm);
    free(a->ra_deg);
    free(a->dec_deg);
    a->unix_s = a->rpm = a->ra_deg = a->dec_deg = NULL;
    a->n = 0;
}

void sim_attitude_as_table(sim_attitude *a, double *et_store, attitude_table *t)
{
    for (size_t i = 0; i < a->n; i++)
        et_store[i] = sim_et_from_unix(a->unix_s[i]);
    t->n = a->n;
    t->et = et_store;
    t->rpm = a->rpm;
    t->ra_deg = a->ra_deg;
    t->dec_deg = a->dec_deg;
}
