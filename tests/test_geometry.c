/* Tests of the pure geometry of docs/physics.md §7: SCD matrix and footpoints
 * against the golden values, lat/lon, illumination, spin-axis interpolation,
 * attitude.tab parsing (docs/formats.md §3). */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "geometry/geometry.h"
#include "spice/lsk_standard.h"
#include "spice/spk_writer.h"

static void test_footpoints_golden(void **state)
{
    (void)state;
    ts_json *g = ts_golden();
    if (!g)
        fail_msg("missing test data: golden values absent");
    const ts_json *fp = ts_json_get(g, "footpoints");
    int n = ts_json_len(fp);
    assert_true(n >= 4);
    for (int i = 0; i < n; i++) {
        const ts_json *c = ts_json_at(fp, i);
        double p[3], b[3], expect[3], foot[3];
        assert_int_equal(ts_json_flatten(ts_json_get(c, "P_km"), p, 3), 3);
        assert_int_equal(ts_json_flatten(ts_json_get(c, "B_dir"), b, 3), 3);
        double nb = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        for (int k = 0; k < 3; k++)
            b[k] /= nb;
        int pol = geometry_footpoint(p, b, LP_MOON_RADIUS_KM, foot);
        assert_int_equal(pol, (int)ts_json_num(ts_json_get(c, "polarity")));
        if (pol != 0) {
            assert_int_equal(ts_json_flatten(ts_json_get(c, "point_km"), expect, 3), 3);
            for (int k = 0; k < 3; k++)
                assert_close(foot[k], expect[k], 1e-9, 1e-9);
        } else {
            for (int k = 0; k < 3; k++)
                assert_true(isnan(foot[k]));
        }
    }
    ts_json_free(g);
}

static void test_scd_matrix_golden(void **state)
{
    (void)state;
    ts_json *g = ts_golden();
    if (!g)
        fail_msg("missing test data: golden values absent");
    const ts_json *ms = ts_json_get(g, "scd_to_reference");
    int n = ts_json_len(ms);
    assert_true(n >= 2);
    for (int i = 0; i < n; i++) {
        double e[9], m[3][3];
        assert_int_equal(ts_json_flatten(ts_json_at(ms, i), e, 9), 9);
        /* Column z is the spin axis; the Sun lies in the x-z half plane:
         * any s = a x + b z (a > 0) must give back the same matrix. */
        double z[3] = {e[2], e[5], e[8]}, x[3] = {e[0], e[3], e[6]};
        double spin[3], sun[3];
        for (int k = 0; k < 3; k++) {
            spin[k] = 3.0 * z[k];
            sun[k] = 2.5 * x[k] - 0.7 * z[k];
        }
        geometry_scd_to_eclip(spin, sun, m);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                assert_close(m[r][c], e[r * 3 + c], 1e-12, 1e-12);
    }
    ts_json_free(g);
}

static void test_scd_matrix_degenerate(void **state)
{
    (void)state;
    double spin[3] = {0, 0, 1}, sun[3] = {0, 0, -2}, m[3][3];
    geometry_scd_to_eclip(spin, sun, m);
    assert_true(isnan(m[0][0]) && isnan(m[2][2]));
    double sun2[3] = {1, 0, 0};
    geometry_scd_to_eclip(spin, sun2, m);
    assert_close(m[0][0], 1.0, 0, 1e-15);
    assert_close(m[1][1], 1.0, 0, 1e-15); /* y = z × x = (0,1,0) */
    assert_close(m[2][2], 1.0, 0, 1e-15);
}

static void test_latlon(void **state)
{
    (void)state;
    double lat, lon;
    double p1[3] = {0, 0, 5};
    geometry_latlon(p1, &lat, &lon);
    assert_close(lat, 90.0, 1e-15, 0);
    double p2[3] = {-1, 0, 0};
    geometry_latlon(p2, &lat, &lon);
    assert_close(lon, 180.0, 1e-15, 0);
    double p3[3] = {-1, -1e-300, 0};
    geometry_latlon(p3, &lat, &lon);
    assert_true(lon > -180.0 && lon <= 180.0);
    double p4[3] = {1, -1, -sqrt(2.0)};
    geometry_latlon(p4, &lat, &lon);
    assert_close(lat, -45.0, 1e-13, 0);
    assert_close(lon, -45.0, 1e-13, 0);
}

static void test_ray_misses(void **state)
{
    (void)state;
    double p[3] = {2000, 0, 0};
    double toward[3] = {-1, 0, 0}, away[3] = {1, 0, 0}, tangent_far[3] = {-1, 2, 0};
    assert_int_equal(geometry_ray_misses_sphere(p, toward, LP_MOON_RADIUS_KM), 0);
    assert_int_equal(geometry_ray_misses_sphere(p, away, LP_MOON_RADIUS_KM), 1);
    assert_int_equal(geometry_ray_misses_sphere(p, tangent_far, LP_MOON_RADIUS_KM), 1);
}

static void test_spin_axis_interp(void **state)
{
    (void)state;
    double et[3] = {0.0, 100.0, 200.0}, rpm[3] = {12, 12, 12};
    double ra[3] = {350.0, 10.0, 20.0}, dec[3] = {10.0, 20.0, 20.0};
    attitude_table t = {3, et, rpm, ra, dec};
    double a[3];
    assert_int_equal(attitude_spin_axis(&t, -1.0, a), -1);
    assert_int_equal(attitude_spin_axis(&t, 200.5, a), -1);
    /* Midway 350 → 10 along the shorter arc: RA 0, Dec 15. */
    assert_int_equal(attitude_spin_axis(&t, 50.0, a), 0);
    assert_close(a[0], cos(15.0 * M_PI / 180.0), 1e-12, 1e-14);
    assert_close(a[1], 0.0, 0, 1e-12);
    assert_close(a[2], sin(15.0 * M_PI / 180.0), 1e-12, 1e-14);
    /* A quarter: RA 355. */
    assert_int_equal(attitude_spin_axis(&t, 25.0, a), 0);
    double r = atan2(a[1], a[0]) * 180.0 / M_PI;
    assert_close(r, -5.0, 1e-12, 1e-12);
    assert_int_equal(attitude_spin_axis(&t, 200.0, a), 0);
    assert_close(atan2(a[1], a[0]) * 180.0 / M_PI, 20.0, 1e-12, 0);
}

static spice_kernels *load_lsk(char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/naif.tls", dir);
    lp_error err = {0};
    if (spice_write_standard_lsk(path, &err) != LP_OK)
        fail_msg("LSK: %s", err.message);
    const char *paths[1] = {path};
    spice_kernels *k = NULL;
    if (spice_load_files(paths, 1, &k, &err) != LP_OK)
        fail_msg("load LSK: %s", err.message);
    return k;
}

static void test_attitude_read(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    spice_kernels *k = load_lsk(dir);
    snprintf(path, sizeof path, "%s/attitude.tab", dir);
    ts_write_file(path, "PDS_VERSION_ID = PDS3\n"
                        "1998-01-16 00:00:00, 12.1, 10.0, -80.0\n"
                        "garbage line\n"
                        "1998-01-17T00:00:00.000, 12.2, 350.0, -81.0\n"
                        "\n"
                        "1998-01-18 12:00:00,12.0,355.5,-82.5\n");
    attitude_table t;
    size_t skipped = 99;
    lp_error err = {0};
    assert_int_equal(attitude_read(path, k, &t, &skipped, &err), LP_OK);
    assert_int_equal(t.n, 3);
    assert_int_equal(skipped, 2);
    assert_close(t.et[1] - t.et[0], 86400.0, 0, 1e-3); /* TDB-TT periodic term */
    assert_close(t.ra_deg[2], 355.5, 0, 0);
    assert_close(t.dec_deg[2], -82.5, 0, 0);
    assert_close(t.rpm[1], 12.2, 0, 0);
    attitude_free(&t);

    ts_write_file(path, "1998-01-16 00:00:00, 12.1, 10.0, -80.0\n"
                        "1998-01-17 00:00:00, 12.1, 10.0, -80.0\n"
                        "1998-01-17 00:00:00, 12.1, 11.0, -80.0\n");
    assert_int_equal(attitude_read(path, k, &t, NULL, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, ":3:"));
    assert_non_null(strstr(err.message, "strictly increasing"));

    snprintf(path, sizeof path, "%s/missing.tab", dir);
    assert_int_equal(attitude_read(path, k, &t, NULL, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "missing.tab"));
    spice_free(k);
    ts_rmtree(dir);
}

/* ---- geometry_row with kernels written by the SPK writer ---- */

typedef struct {
    double pos[3];
} const_state;

static int const_state_fn(double et, double state[6], void *ctx)
{
    (void)et;
    const const_state *c = ctx;
    for (int i = 0; i < 3; i++) {
        state[i] = c->pos[i];
        state[3 + i] = 0.0;
    }
    return 0;
}

static void mat_vec3(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++)
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
}

/* Kernels with LP 100 km above the IAU_MOON north pole and the Sun along
 * sun_moon (IAU_MOON direction) at et0; returns the loaded set or NULL. */
static spice_kernels *pole_kernels(const char *dir, double et0, const double sun_moon[3])
{
    char pck[4096], lsk[4200], spk[4200];
    if (!ts_data_path("kernels/pck00011.tpc", pck))
        return NULL;
    snprintf(lsk, sizeof lsk, "%s/naif.tls", dir);
    lp_error err = {0};
    assert_int_equal(spice_write_standard_lsk(lsk, &err), LP_OK);
    const char *first[2] = {lsk, pck};
    spice_kernels *k = NULL;
    assert_int_equal(spice_load_files(first, 2, &k, &err), LP_OK);
    double rot[3][3]; /* IAU_MOON → J2000 at et0 */
    assert_int_equal(spice_xform(k, SPICE_FRAME_IAU_MOON, SPICE_FRAME_J2000, et0, rot, &err),
                     LP_OK);
    spice_free(k);
    double lp_moon[3] = {0.0, 0.0, LP_MOON_RADIUS_KM + 100.0}, sun[3];
    const_state lp, sn;
    mat_vec3(rot, lp_moon, lp.pos);
    for (int i = 0; i < 3; i++)
        sun[i] = 1.5e8 * sun_moon[i];
    mat_vec3(rot, sun, sn.pos);
    snprintf(spk, sizeof spk, "%s/pole.bsp", dir);
    spk_writer *w = NULL;
    assert_int_equal(spk_writer_open(spk, "pole test", 0, &w, &err), LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 2, NAIF_LP, NAIF_MOON, SPICE_FRAME_J2000, et0 - 600.0,
                                         et0 + 600.0, 600.0, 3, const_state_fn, &lp, "LP", &err),
                     LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 2, NAIF_SUN, NAIF_MOON, SPICE_FRAME_J2000, et0 - 600.0,
                                         et0 + 600.0, 600.0, 3, const_state_fn, &sn, "SUN", &err),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &err), LP_OK);
    const char *all[3] = {lsk, pck, spk};
    assert_int_equal(spice_load_files(all, 3, &k, &err), LP_OK);
    return k;
}

static void test_geometry_row_pole(void **state)
{
    (void)state;
    char dir[4096];
    ts_mkdtemp(dir);
    const double et0 = -5.5e7; /* 1998-04-03 */
    double sun_dir[3] = {0.8, 0.0, 0.6};
    spice_kernels *k = pole_kernels(dir, et0, sun_dir);
    if (!k) {
        ts_rmtree(dir);
        fail_msg("missing test data: pck00011.tpc absent");
    }
    double at[2] = {et0 - 500.0, et0 + 500.0}, rpm[2] = {12, 12}, ra[2] = {30, 32},
           dec[2] = {60, 61};
    attitude_table att = {2, at, rpm, ra, dec};
    row_geometry g;
    lp_error err = {0};
    double b0[3] = {1, 2, 3};
    assert_int_equal(geometry_row(k, &att, et0, b0, &g, &err), LP_OK);
    assert_int_equal(g.ok, 1);
    assert_close(g.sc_lat, 90.0, 0, 1e-6);
    assert_int_equal(g.sc_sunlit, 1);
    /* A radial field pointing outward (IAU_MOON +z) in SCD coordinates:
     * B_scd = M^T z. The field line reaches the surface along -B: polarity -1. */
    double b_out[3], b_in[3];
    for (int i = 0; i < 3; i++) {
        b_out[i] = 40.0 * g.m_scd_to_moon[2][i];
        b_in[i] = -b_out[i];
    }
    assert_int_equal(geometry_row(k, &att, et0, b_out, &g, &err), LP_OK);
    assert_int_equal(g.polarity, -1);
    assert_close(g.b_moon[2], 1.0, 0, 1e-9);
    assert_close(g.foot_lat, 90.0, 0, 1e-4);
    assert_int_equal(g.foot_sunlit, 1); /* Sun 36.9 deg above the pole's horizon */
    assert_int_equal(geometry_row(k, &att, et0, b_in, &g, &err), LP_OK);
    assert_int_equal(g.polarity, 1);
    assert_close(g.foot_lat, 90.0, 0, 1e-4);

    /* Outside the attitude span: no geometry, not fatal, reason given. */
    assert_int_equal(geometry_row(k, &att, et0 + 550.0, b_out, &g, &err), LP_ERR_COVERAGE);
    assert_int_equal(g.ok, 0);
    assert_non_null(strstr(err.message, "attitude"));
    /* Outside the ephemeris span: the same. */
    double wide_t[2] = {et0 - 5000.0, et0 + 5000.0};
    attitude_table wide = {2, wide_t, rpm, ra, dec};
    lp_status st = geometry_row(k, &wide, et0 + 1000.0, b_out, &g, &err);
    assert_int_equal(st, LP_ERR_COVERAGE);
    assert_int_equal(g.ok, 0);
    spice_free(k);

    /* Sun below the south pole: the spacecraft over the north pole is in the Moon's shadow. */
    double anti[3] = {0.0, 0.0, -1.0};
    ts_rmtree(dir);
    ts_mkdtemp(dir);
    k = pole_kernels(dir, et0, anti);
    assert_int_equal(geometry_row(k, &att, et0, b0, &g, &err), LP_OK);
    assert_int_equal(g.ok, 1);
    assert_int_equal(g.sc_sunlit, 0);
    for (int i = 0; i < 3; i++)
        b_out[i] = 40.0 * g.m_scd_to_moon[2][i];
    assert_int_equal(geometry_row(k, &att, et0, b_out, &g, &err), LP_OK);
    assert_int_equal(g.polarity, -1);
    assert_int_equal(g.foot_sunlit, 0);
    spice_free(k);
    ts_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_footpoints_golden),
        cmocka_unit_test(test_scd_matrix_golden),
        cmocka_unit_test(test_scd_matrix_degenerate),
        cmocka_unit_test(test_latlon),
        cmocka_unit_test(test_ray_misses),
        cmocka_unit_test(test_spin_axis_interp),
        cmocka_unit_test(test_attitude_read),
        cmocka_unit_test(test_geometry_row_pole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
