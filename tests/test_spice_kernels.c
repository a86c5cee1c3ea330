/* Tests against the real kernels in tests/data/kernels (docs/spice.md §6):
 * every row of reference_positions.csv, chaining, IAU_MOON from
 * pck00011.tpc, fixed inertial frames. A missing file fails the test. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/frames.h"
#include "spice/spice.h"

static spice_kernels *load_one(const char *rel)
{
    char buf[4096];
    const char *path = ts_data_path(rel, buf);
    if (!path)
        return NULL;
    spice_kernels *k = NULL;
    lp_error e;
    if (spice_load_files(&path, 1, &k, &e) != LP_OK)
        fail_msg("%s", e.message);
    return k;
}

static void test_reference_positions(void **state)
{
    (void)state;
    char buf[4096];
    const char *csv = ts_data_path("kernels/reference_positions.csv", buf);
    if (!csv)
        fail_msg("missing test data: tests/data/kernels/reference_positions.csv absent");
    char *text = ts_read_file(csv, NULL);
    assert_non_null(text);
    int rows = 0;
    double worst = 0.0, worst_strict = 0.0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "file,", 5) == 0)
            continue;
        char file[256];
        int target, observer;
        char etbuf[64];
        double ref[3];
        if (sscanf(line, "%255[^,],%d,%d,%63[^,],%lf,%lf,%lf", file, &target, &observer, etbuf,
                   &ref[0], &ref[1], &ref[2]) != 7)
            fail_msg("cannot parse CSV line '%s'", line);
        double et = strtod(etbuf, NULL);
        char rel[300];
        snprintf(rel, sizeof rel, "kernels/%s", file);
        spice_kernels *k = load_one(rel);
        double st[6];
        lp_error e;
        if (spice_state(k, target, observer, SPICE_FRAME_J2000, et, st, &e) != LP_OK)
            fail_msg("%s", e.message);
        double p[3];
        assert_int_equal(spice_pos(k, target, observer, SPICE_FRAME_J2000, et, p, &e), LP_OK);
        /* The CSV prints ET to 1 µs, so the reference epoch is known only to
         * ±0.5 µs: allow 1e-6 km plus |v| · 0.5 µs. */
        double speed = sqrt(st[3] * st[3] + st[4] * st[4] + st[5] * st[5]);
        double tol = 1e-6 + speed * 0.5e-6;
        double d = 0.0;
        for (int i = 0; i < 3; i++) {
            assert_true(p[i] == st[i]);
            d = fmax(d, fabs(p[i] - ref[i]));
        }
        if (d > tol)
            fail_msg("%s %d rel %d at ET %s: off by %.3g km (tolerance %.3g)", file, target,
                     observer, etbuf, d, tol);
        worst = fmax(worst, d / tol);
        worst_strict = fmax(worst_strict, d);
        rows++;
        spice_free(k);
    }
    free(text);
    print_message("reference rows: %d, worst |diff| %.3g km, worst diff/tolerance %.3f\n", rows,
                  worst_strict, worst);
    assert_true(rows >= 30);
}

/* Loading every kernel of the folder at once gives the same answers. */
static void test_load_dir_precedence(void **state)
{
    (void)state;
    char buf[4096];
    const char *dir = ts_data_path("kernels", buf);
    if (!dir)
        fail_msg("missing test data: tests/data/kernels absent");
    spice_kernels *all = NULL;
    lp_error e;
    assert_int_equal(spice_load_dir(dir, &all, &e), LP_OK);
    spice_kernels *one = load_one("kernels/de430-2015-03-02.bsp");
    double a[3], b[3];
    double et = 478600000.0;
    assert_int_equal(spice_pos(all, 301, 399, SPICE_FRAME_J2000, et, a, &e), LP_OK);
    assert_int_equal(spice_pos(one, 301, 399, SPICE_FRAME_J2000, et, b, &e), LP_OK);
    for (int i = 0; i < 3; i++)
        assert_true(a[i] == b[i]);
    /* chaining Moon -> Sun = -(Sun -> Moon) */
    assert_int_equal(spice_pos(all, 301, 10, SPICE_FRAME_J2000, et, a, &e), LP_OK);
    assert_int_equal(spice_pos(all, 10, 301, SPICE_FRAME_J2000, et, b, &e), LP_OK);
    for (int i = 0; i < 3; i++)
        assert_close(a[i], -b[i], 1e-15, 1e-9);
    /* no coverage: Moon in 2010 */
    double p[3] = {1, 2, 3};
    assert_int_equal(spice_pos(all, 301, 399, SPICE_FRAME_J2000, 3.2e8, p, &e), LP_ERR_COVERAGE);
    assert_non_null(strstr(e.message, "no ephemeris for body 301 (MOON) at ET 320000000.000"));
    assert_true(p[0] == 1 && p[1] == 2 && p[2] == 3);
    /* a body nobody has heard of */
    assert_int_equal(spice_pos(all, -25, 301, SPICE_FRAME_J2000, et, p, &e), LP_ERR_COVERAGE);
    assert_non_null(strstr(e.message, "no ephemeris for body -25 (LUNAR PROSPECTOR)"));
    char *text = NULL;
    assert_int_equal(spice_describe(all, &text, &e), LP_OK);
    assert_non_null(strstr(text, "body 301 (MOON) center 3 (EARTH-MOON BARYCENTER) J2000 type 2"));
    assert_non_null(strstr(text, "jup310.bsp: SPK, 13 segments"));
    assert_non_null(strstr(text, "IAU_MOON: available"));
    free(text);
    spice_free(all);
    spice_free(one);
}

static double det3(double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
           m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

static void assert_orthonormal(double m[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += m[i][k] * m[j][k];
            assert_close(s, i == j ? 1.0 : 0.0, 0, 1e-14);
        }
    assert_close(det3(m), 1.0, 0, 1e-14);
}

static void test_iau_moon(void **state)
{
    (void)state;
    spice_kernels *k = load_one("kernels/pck00011.tpc");
    if (!k)
        fail_msg("missing test data: tests/data/kernels absent");
    lp_error e;
    double et = -52747136.8; /* 1998-05-01 */
    double m[3][3];
    assert_int_equal(spice_xform(k, SPICE_FRAME_J2000, SPICE_FRAME_IAU_MOON, et, m, &e), LP_OK);
    assert_orthonormal(m);
    /* pole by hand from pck00011: RA = 269.9949 + 0.0031 T + Σ ra_i sin θ_i ... */
    static const double ang[13][2] = {
        {125.045, -1935.5364525}, {250.089, -3871.072905},  {260.008, 475263.3328725},
        {176.625, 487269.629985}, {357.529, 35999.0509575}, {311.589, 964468.49931},
        {134.963, 477198.869325}, {276.617, 12006.300765},  {34.226, 63863.5132425},
        {15.134, -5806.6093575},  {119.743, 131.84064},     {239.961, 6003.1503825},
        {25.053, 473327.79642}};
    static const double ra_c[13] = {-3.8787, -0.1204, 0.0700,  -0.0172, 0.0, 0.0072, 0.0,
                                    0.0,     0.0,     -0.0052, 0.0,     0.0, 0.0043};
    static const double dec_c[13] = {1.5419, 0.0239, -0.0278, 0.0068, 0.0, -0.0029, 0.0009,
                                     0.0,    0.0,    0.0008,  0.0,    0.0, -0.0009};
    double T = et / 86400.0 / 36525.0, ra = 269.9949 + 0.0031 * T, dec = 66.5392 + 0.0130 * T;
    for (int i = 0; i < 13; i++) {
        double th = (ang[i][0] + ang[i][1] * T) * M_PI / 180.0;
        ra += ra_c[i] * sin(th);
        dec += dec_c[i] * cos(th);
    }
    ra *= M_PI / 180.0;
    dec *= M_PI / 180.0;
    double pole[3] = {cos(dec) * cos(ra), cos(dec) * sin(ra), sin(dec)};
    /* third row of J2000→body is the body z axis in J2000 */
    for (int i = 0; i < 3; i++)
        assert_close(m[2][i], pole[i], 0, 1e-12);
    /* a selenographic point rotates at the sidereal rate 13.17635815 deg/day */
    double m2[3][3];
    assert_int_equal(spice_xform(k, SPICE_FRAME_IAU_MOON, SPICE_FRAME_J2000, et, m, &e), LP_OK);
    assert_int_equal(spice_xform(k, SPICE_FRAME_IAU_MOON, SPICE_FRAME_J2000, et + 3600.0, m2, &e),
                     LP_OK);
    double x[3] = {m[0][0], m[1][0], m[2][0]}, x2[3] = {m2[0][0], m2[1][0], m2[2][0]};
    double c = x[0] * x2[0] + x[1] * x2[1] + x[2] * x2[2];
    double deg = acos(c) * 180.0 / M_PI;
    assert_close(deg, 13.17635815 / 24.0, 2e-3, 0); /* libration terms perturb a little */
    /* round trip */
    double a[3][3], b[3][3], p[3][3];
    assert_int_equal(spice_xform(k, SPICE_FRAME_ECLIPJ2000, SPICE_FRAME_IAU_MOON, et, a, &e),
                     LP_OK);
    assert_int_equal(spice_xform(k, SPICE_FRAME_IAU_MOON, SPICE_FRAME_ECLIPJ2000, et, b, &e),
                     LP_OK);
    frames_mxm(a, b, p);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            assert_close(p[i][j], i == j, 0, 1e-14);
    spice_free(k);
}

static void test_inertial_frames(void **state)
{
    (void)state;
    double m[3][3];
    /* ECLIPJ2000: rotation about x by 84381.448" */
    assert_true(frames_inertial_from_j2000(17, m));
    double eps = 84381.448 / 3600.0 * M_PI / 180.0;
    assert_close(m[1][1], cos(eps), 0, 1e-15);
    assert_close(m[1][2], sin(eps), 0, 1e-15);
    assert_close(m[2][1], -sin(eps), 0, 1e-15);
    assert_true(m[0][0] == 1.0);
    /* FK4 → J2000 against the published matrix (third column/row from
     * B1950, unaffected by the 0.525" equinox offset) */
    static const double fk4_to_j2000[3][3] = {
        {0.9999256794956877, -0.0111814832204662, -0.0048590038153592},
        {0.0111814832391717, 0.9999374848933135, -0.0000271625947142},
        {0.0048590037723143, -0.000027170293744, 0.9999881946043742}};
    assert_true(frames_inertial_from_j2000(3, m));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            assert_close(m[j][i], fk4_to_j2000[i][j], 0, 1e-11);
    assert_orthonormal(m);
    assert_true(frames_inertial_from_j2000(2, m));
    assert_orthonormal(m);
    assert_close(m[2][0], -0.0048590038153592, 0, 1e-15);
    assert_false(frames_inertial_from_j2000(10013, m));
    assert_int_equal(spice_frame_from_name("eclipj2000"), 17);
    assert_int_equal(spice_frame_from_name("IAU_MOON"), 10020);
    assert_int_equal(spice_frame_from_name("IAU_MARS"), -1);
    assert_string_equal(spice_frame_name(SPICE_FRAME_FK4), "FK4");
}

/* Velocities in the rotating IAU_MOON frame match differenced positions. */
static void test_state_in_rotating_frame(void **state)
{
    (void)state;
    char buf[4096];
    const char *dir = ts_data_path("kernels", buf);
    if (!dir)
        fail_msg("missing test data: tests/data/kernels absent");
    spice_kernels *k = NULL;
    lp_error e;
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_OK);
    double et = 478600000.0, s[6], p1[3], p2[3];
    const spice_frame frames[] = {SPICE_FRAME_IAU_MOON, SPICE_FRAME_ECLIPJ2000, SPICE_FRAME_FK4};
    for (int f = 0; f < 3; f++) {
        assert_int_equal(spice_state(k, 10, 301, frames[f], et, s, &e), LP_OK);
        assert_int_equal(spice_pos(k, 10, 301, frames[f], et - 5.0, p1, &e), LP_OK);
        assert_int_equal(spice_pos(k, 10, 301, frames[f], et + 5.0, p2, &e), LP_OK);
        for (int i = 0; i < 3; i++)
            assert_close(s[i + 3], (p2[i] - p1[i]) / 10.0, 1e-6, 1e-6);
    }
    /* in IAU_MOON the Sun moves ~ |r| · 2.66e-6 rad/s ≈ 400 km/s */
    assert_int_equal(spice_state(k, 10, 301, SPICE_FRAME_IAU_MOON, et, s, &e), LP_OK);
    double v = sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5]);
    assert_true(v > 300.0 && v < 500.0);
    spice_free(k);
}

/* Queries sharing one epoch (spice_epoch_*: segment states and the
 * IAU_MOON rotation evaluated once, docs/performance.md "Geometry: one
 * evaluation per epoch") give the doubles and errors of single queries. */
static void test_epoch_memo_equals_single(void **state)
{
    (void)state;
    char buf[4096];
    const char *dir = ts_data_path("kernels", buf);
    if (!dir)
        fail_msg("missing test data: tests/data/kernels absent");
    spice_kernels *k = NULL;
    lp_error e;
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_OK);
    static const int bodies[] = {10, 301, 399, 3, 0, 5, 599, 501};
    static const spice_frame frames[] = {SPICE_FRAME_IAU_MOON, SPICE_FRAME_ECLIPJ2000,
                                         SPICE_FRAME_J2000, SPICE_FRAME_FK4};
    const double ets[] = {478600000.0, 478600000.0 + 1234.5678, 478650000.25, -1e12};
    int n_ok = 0, n_err = 0;
    for (size_t t = 0; t < sizeof ets / sizeof ets[0]; t++) {
        spice_epoch ep;
        spice_epoch_init(&ep, ets[t]);
        /* every pair twice, so the second round is served from the memo */
        for (int round = 0; round < 2; round++)
            for (int a = 0; a < 8; a++)
                for (int b = 0; b < 8; b++) {
                    if (a == b)
                        continue;
                    spice_frame f = frames[(a + b + round) % 4];
                    double p1[3], p2[3];
                    lp_error e1, e2;
                    lp_error_clear(&e1);
                    lp_error_clear(&e2);
                    lp_status s1 = spice_pos(k, bodies[a], bodies[b], f, ets[t], p1, &e1);
                    lp_status s2 = spice_epoch_pos(k, &ep, bodies[a], bodies[b], f, p2, &e2);
                    assert_int_equal(s1, s2);
                    if (s1 != LP_OK) {
                        assert_string_equal(e1.message, e2.message);
                        n_err++;
                        continue;
                    }
                    assert_memory_equal(p1, p2, sizeof p1);
                    n_ok++;
                }
        double m1[3][3], m2[3][3];
        assert_int_equal(
            spice_xform(k, SPICE_FRAME_ECLIPJ2000, SPICE_FRAME_IAU_MOON, ets[t], m1, &e), LP_OK);
        assert_int_equal(
            spice_epoch_xform(k, &ep, SPICE_FRAME_ECLIPJ2000, SPICE_FRAME_IAU_MOON, m2, &e), LP_OK);
        assert_memory_equal(m1, m2, sizeof m1);
    }
    assert_true(n_ok > 100); /* the kernels cover the first three epochs */
    assert_true(n_err > 0);  /* and not -1e12 s */
    spice_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_positions), cmocka_unit_test(test_epoch_memo_equals_single),
        cmocka_unit_test(test_load_dir_precedence), cmocka_unit_test(test_iau_moon),
        cmocka_unit_test(test_inertial_frames),     cmocka_unit_test(test_state_in_rotating_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
