/* SPK writer round trips (docs/spice.md §6): a Kepler orbit about the Moon
 * stored in each writable type and read back within the interpolation
 * error; big-endian = little-endian; segment precedence. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/spice.h"
#include "spice/spk.h"
#include "spice/spk_writer.h"

typedef struct {
    double gm, a, e, inc, raan, argp, m0, t0;
} kepler;

/* Two-body state (km, km/s) at et. */
static int kepler_state(double et, double s[6], void *ctx)
{
    const kepler *k = ctx;
    double n = sqrt(k->gm / (k->a * k->a * k->a));
    double M = k->m0 + n * (et - k->t0);
    double E = M;
    for (int i = 0; i < 30; i++)
        E -= (E - k->e * sin(E) - M) / (1 - k->e * cos(E));
    double cE = cos(E), sE = sin(E), r = k->a * (1 - k->e * cE);
    double b = k->a * sqrt(1 - k->e * k->e);
    double xp = k->a * (cE - k->e), yp = b * sE;
    double edot = n / (1 - k->e * cE);
    double vxp = -k->a * sE * edot, vyp = b * cE * edot;
    (void)r;
    double cO = cos(k->raan), sO = sin(k->raan), ci = cos(k->inc), si = sin(k->inc);
    double cw = cos(k->argp), sw = sin(k->argp);
    double P[3] = {cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si};
    double Q[3] = {-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si};
    for (int i = 0; i < 3; i++) {
        s[i] = xp * P[i] + yp * Q[i];
        s[i + 3] = vxp * P[i] + vyp * Q[i];
    }
    return 0;
}

static const kepler lp_orbit = {4902.800066, 1838.0, 0.05, 1.5, 0.3, 0.7, 0.1, -52747136.0};
static const kepler other_orbit = {4902.800066, 2500.0, 0.2, 0.5, 1.0, 0.2, 2.0, -52747136.0};

#define T0 (-52747136.0)
#define SPAN 43200.0

static void write_all_types(const char *path, int big)
{
    spk_writer *w = NULL;
    lp_error e;
    if (spk_writer_open(path, "lpmap test", big, &w, &e) != LP_OK)
        fail_msg("%s", e.message);
    /* bodies -1002, -1003 (types 2, 3), -1008.. discrete types */
    assert_int_equal(spk_write_chebyshev(w, 2, -1002, 301, 1, T0, T0 + SPAN, 600.0, 15,
                                         kepler_state, (void *)&lp_orbit, "TYPE 2", &e),
                     LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 3, -1003, 301, 17, T0, T0 + SPAN, 900.0, 17,
                                         kepler_state, (void *)&lp_orbit, "TYPE 3 ECLIP", &e),
                     LP_OK);
    assert_int_equal(spk_write_difference_lines(w, 1, -1001, 301, 1, T0, T0 + SPAN, 600.0, 12,
                                                kepler_state, (void *)&lp_orbit, "TYPE 1", &e),
                     LP_OK);
    assert_int_equal(spk_write_difference_lines(w, 21, -1021, 301, 1, T0, T0 + SPAN, 900.0, 16,
                                                kepler_state, (void *)&lp_orbit, "TYPE 21", &e),
                     LP_OK);
    int n = 721;
    double *ep = malloc(n * sizeof *ep), *st = malloc(6 * n * sizeof *st);
    for (int i = 0; i < n; i++) {
        ep[i] = T0 + 60.0 * i;
        kepler_state(ep[i], st + 6 * i, (void *)&lp_orbit);
    }
    assert_int_equal(spk_write_discrete(w, 8, -1008, 301, 1, ep, st, n, 7, "TYPE 8", &e), LP_OK);
    assert_int_equal(spk_write_discrete(w, 12, -1012, 301, 1, ep, st, n, 7, "TYPE 12", &e), LP_OK);
    /* unequal steps: jittered epochs */
    for (int i = 0; i < n; i++) {
        ep[i] = T0 + 60.0 * i + (i % 3 == 1 ? 17.0 : 0.0);
        kepler_state(ep[i], st + 6 * i, (void *)&lp_orbit);
    }
    assert_int_equal(spk_write_discrete(w, 9, -1009, 301, 1, ep, st, n, 8, "TYPE 9", &e), LP_OK);
    assert_int_equal(spk_write_discrete(w, 13, -1013, 301, 2, ep, st, n, 9, "TYPE 13 B1950", &e),
                     LP_OK);
    free(ep);
    free(st);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
}

static void check_types(const char *path, double pos_tol, double vel_tol)
{
    spice_kernels *k = NULL;
    lp_error e;
    if (spice_load_files(&path, 1, &k, &e) != LP_OK)
        fail_msg("%s", e.message);
    const int bodies[] = {-1002, -1003, -1008, -1012, -1009, -1013, -1001, -1021};
    const int frames[] = {1, 17, 1, 1, 1, 2, 1, 1};
    double worst_p[8] = {0}, worst_v[8] = {0};
    for (int b = 0; b < 8; b++) {
        for (int i = 0; i <= 1000; i++) {
            double et = T0 + SPAN * i / 1000.0;
            double want[6], got[6], in_frame[6];
            kepler_state(et, want, (void *)&lp_orbit);
            /* the state was written as given, labelled with frames[b]: read it
             * back in that frame */
            if (spice_state(k, bodies[b], 301, (spice_frame)frames[b], et, in_frame, &e) != LP_OK)
                fail_msg("%s", e.message);
            memcpy(got, in_frame, sizeof got);
            for (int c = 0; c < 3; c++) {
                worst_p[b] = fmax(worst_p[b], fabs(got[c] - want[c]));
                worst_v[b] = fmax(worst_v[b], fabs(got[c + 3] - want[c + 3]));
            }
        }
        print_message("body %d: worst position error %.3g km, velocity %.3g km/s\n", bodies[b],
                      worst_p[b], worst_v[b]);
        if (worst_p[b] > pos_tol || worst_v[b] > vel_tol)
            fail_msg("body %d: error %.3g km / %.3g km/s above tolerance", bodies[b], worst_p[b],
                     worst_v[b]);
    }
    /* outside the written span: no coverage */
    double p[3];
    assert_int_equal(spice_pos(k, -1009, 301, SPICE_FRAME_J2000, T0 - 1.0, p, &e), LP_ERR_COVERAGE);
    assert_non_null(strstr(e.message, "no ephemeris for body -1009"));
    spice_free(k);
}

static void test_kepler_roundtrip(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/kepler.bsp", dir);
    write_all_types(path, 0);
    check_types(path, 1e-6, 1e-9);
    ts_rmtree(dir);
}

static void test_big_endian_equals_little(void **state)
{
    (void)state;
    char dir[4096], le[4200], be[4200];
    ts_mkdtemp(dir);
    snprintf(le, sizeof le, "%s/le.bsp", dir);
    snprintf(be, sizeof be, "%s/be.bsp", dir);
    write_all_types(le, 0);
    write_all_types(be, 1);
    size_t nl, nb;
    char *a = ts_read_file(le, &nl), *b = ts_read_file(be, &nb);
    assert_int_equal(nl, nb);
    assert_true(memcmp(a, b, nl) != 0);
    assert_memory_equal(a + 88, "LTL-IEEE", 8);
    assert_memory_equal(b + 88, "BIG-IEEE", 8);
    free(a);
    free(b);
    spice_kernels *kl = NULL, *kb = NULL;
    lp_error e;
    const char *pl = le, *pb = be;
    assert_int_equal(spice_load_files(&pl, 1, &kl, &e), LP_OK);
    assert_int_equal(spice_load_files(&pb, 1, &kb, &e), LP_OK);
    const int bodies[] = {-1002, -1003, -1008, -1012, -1009, -1013, -1001, -1021};
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 50; j++) {
            double et = T0 + 0.5 + SPAN * j / 50.0, x[6], y[6];
            assert_int_equal(spice_state(kl, bodies[i], 301, SPICE_FRAME_J2000, et, x, &e), LP_OK);
            assert_int_equal(spice_state(kb, bodies[i], 301, SPICE_FRAME_J2000, et, y, &e), LP_OK);
            assert_memory_equal(x, y, sizeof x);
        }
    char *da = NULL, *db = NULL;
    assert_int_equal(spice_describe(kl, &da, &e), LP_OK);
    assert_int_equal(spice_describe(kb, &db, &e), LP_OK);
    assert_non_null(strstr(da, "type 13"));
    assert_non_null(strstr(da, "'TYPE 13 B1950'"));
    free(da);
    free(db);
    spice_free(kl);
    spice_free(kb);
    ts_rmtree(dir);
}

/* The later segment (and the later file) wins where both cover ET. */
static void test_precedence(void **state)
{
    (void)state;
    char dir[4096], p1[4200], p2[4200];
    ts_mkdtemp(dir);
    snprintf(p1, sizeof p1, "%s/a.bsp", dir);
    snprintf(p2, sizeof p2, "%s/b.bsp", dir);
    spk_writer *w;
    lp_error e;
    assert_int_equal(spk_writer_open(p1, "a", 0, &w, &e), LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 3, -25, 301, 1, T0, T0 + SPAN, 1200, 15, kepler_state,
                                         (void *)&lp_orbit, "FIRST", &e),
                     LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 3, -25, 301, 1, T0 + 1000, T0 + 2000, 1000, 15,
                                         kepler_state, (void *)&other_orbit, "SECOND", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    assert_int_equal(spk_writer_open(p2, "b", 0, &w, &e), LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 3, -25, 301, 1, T0 + 5000, T0 + 6000, 1000, 15,
                                         kepler_state, (void *)&other_orbit, "THIRD", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    spice_kernels *k;
    assert_int_equal(spice_load_dir(dir, &k, &e), LP_OK);
    double s[3], want[6];
    double t[] = {T0 + 500, T0 + 1500, T0 + 3000, T0 + 5500};
    const kepler *which[] = {&lp_orbit, &other_orbit, &lp_orbit, &other_orbit};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(spice_pos(k, -25, 301, SPICE_FRAME_J2000, t[i], s, &e), LP_OK);
        kepler_state(t[i], want, (void *)which[i]);
        for (int c = 0; c < 3; c++)
            assert_close(s[c], want[c], 0, 1e-6);
    }
    /* chaining through the Moon needs a Moon segment: none here */
    assert_int_equal(spice_pos(k, -25, 399, SPICE_FRAME_J2000, t[0], s, &e), LP_ERR_COVERAGE);
    assert_non_null(strstr(e.message, "no ephemeris for body 301 (MOON)"));
    spice_free(k);
    ts_rmtree(dir);
}

static void test_writer_rejects(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/x.bsp", dir);
    spk_writer *w;
    lp_error e;
    assert_int_equal(spk_writer_open(path, "x", 0, &w, &e), LP_OK);
    double ep[3] = {0, 10, 30}, st[18] = {0};
    assert_int_equal(spk_write_discrete(w, 8, -25, 301, 1, ep, st, 3, 1, "X", &e), LP_ERR_USAGE);
    assert_non_null(strstr(e.message, "evenly spaced"));
    assert_int_equal(spk_write_discrete(w, 13, -25, 301, 1, ep, st, 3, 2, "X", &e), LP_ERR_USAGE);
    assert_non_null(strstr(e.message, "must be odd"));
    assert_int_equal(spk_write_discrete(w, 9, -25, 301, 10013, ep, st, 3, 1, "X", &e),
                     LP_ERR_USAGE);
    assert_non_null(strstr(e.message, "frame code 10013"));
    assert_int_equal(spk_write_discrete(w, 5, -25, 301, 1, ep, st, 3, 1, "X", &e), LP_ERR_USAGE);
    ep[2] = 5;
    assert_int_equal(spk_write_discrete(w, 9, -25, 301, 1, ep, st, 3, 1, "X", &e), LP_ERR_USAGE);
    assert_non_null(strstr(e.message, "strictly increasing"));
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    snprintf(path, sizeof path, "%s/nodir/x.bsp", dir);
    assert_int_equal(spk_writer_open(path, "x", 0, &w, &e), LP_ERR_IO);
    assert_non_null(strstr(e.message, "nodir/x.bsp"));
    ts_rmtree(dir);
}

/* An independent reader (python3-jplephem, types 2 and 3) accepts the
 * writer's little- and big-endian files and agrees with ours. */
static void test_jplephem_reads_writer_output(void **state)
{
    (void)state;
    const char *py = ts_numpy_python();
    char out[8192];
    if (!py)
        fail_msg("no python3 with numpy (a test dependency: scripts/install-deps.sh)");
    char cmd[8600];
    snprintf(cmd, sizeof cmd, "%s -c 'import jplephem' 2>&1", py);
    if (ts_run(cmd, out, sizeof out) != 0)
        fail_msg("python3 module jplephem absent (apt-get install python3-jplephem)");
    char dir[4096], path[4200], script[4200];
    ts_mkdtemp(dir);
    snprintf(script, sizeof script, "%s/read.py", dir);
    ts_write_file(script,
                  "import sys\n"
                  "from jplephem.spk import SPK\n"
                  "k = SPK.open(sys.argv[1])\n"
                  "for seg in k.segments:\n"
                  "    for i in range(5):\n"
                  "        et = float(sys.argv[2]) + 9000.0 * i + 0.125\n"
                  "        d = (et // 86400.0)\n"
                  "        p = seg.compute(2451545.0 + d, (et - d * 86400.0) / 86400.0)\n"
                  "        print(seg.target, seg.data_type, repr(et), *[repr(x) for x in p])\n");
    for (int big = 0; big < 2; big++) {
        snprintf(path, sizeof path, "%s/jpl%d.bsp", dir, big);
        spk_writer *w;
        lp_error e;
        assert_int_equal(spk_writer_open(path, "jplephem check", big, &w, &e), LP_OK);
        assert_int_equal(spk_write_chebyshev(w, 2, -1002, 301, 1, T0, T0 + SPAN, 600.0, 15,
                                             kepler_state, (void *)&lp_orbit, "T2", &e),
                         LP_OK);
        assert_int_equal(spk_write_chebyshev(w, 3, -1003, 301, 1, T0, T0 + SPAN, 900.0, 17,
                                             kepler_state, (void *)&lp_orbit, "T3", &e),
                         LP_OK);
        assert_int_equal(spk_writer_close(w, &e), LP_OK);
        snprintf(cmd, sizeof cmd, "%s %s %s %.17g", py, script, path, T0);
        assert_int_equal(ts_run(cmd, out, sizeof out), 0);
        spice_kernels *k;
        const char *p = path;
        assert_int_equal(spice_load_files(&p, 1, &k, &e), LP_OK);
        int rows = 0;
        char *save = NULL;
        for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            int target, type;
            double et, x[3], y[3];
            if (sscanf(line, "%d %d %lf %lf %lf %lf", &target, &type, &et, &x[0], &x[1], &x[2]) !=
                6)
                fail_msg("jplephem output: '%s'", line);
            assert_int_equal(spice_pos(k, target, 301, SPICE_FRAME_J2000, et, y, &e), LP_OK);
            for (int c = 0; c < 3; c++)
                assert_close(y[c], x[c], 0, 1e-9);
            rows++;
        }
        assert_int_equal(rows, 10);
        spice_free(k);
    }
    ts_rmtree(dir);
}

/* Interpolation windows as NAIF's SPKR08/SPKR09 choose them. */
static void test_window_selection(void **state)
{
    (void)state;
    double ep[10];
    for (int i = 0; i < 10; i++)
        ep[i] = 10.0 * i;
    /* unequal steps: LOW = last epoch < ET */
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 4, 25.0), 1);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 4, 20.0), 0);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 3, 24.0), 1);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 3, 25.0), 2);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 4, 0.0), 0);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 4, 90.0), 6);
    assert_int_equal(spk_window_first(ep, 10, 0, 0, 3, 90.0), 7);
    /* equal steps: LOW = last epoch <= ET, NEAR rounds half up */
    assert_int_equal(spk_window_first(NULL, 10, 0.0, 10.0, 4, 20.0), 1);
    assert_int_equal(spk_window_first(NULL, 10, 0.0, 10.0, 4, 25.0), 1);
    assert_int_equal(spk_window_first(NULL, 10, 0.0, 10.0, 3, 24.0), 1);
    assert_int_equal(spk_window_first(NULL, 10, 0.0, 10.0, 3, 25.0), 2);
    assert_int_equal(spk_window_first(NULL, 10, 0.0, 10.0, 4, 90.0), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kepler_roundtrip),
        cmocka_unit_test(test_big_endian_equals_little),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_writer_rejects),
        cmocka_unit_test(test_window_selection),
        cmocka_unit_test(test_jplephem_reads_writer_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
