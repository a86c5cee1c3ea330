/* Bad SPICE input (docs/spice.md §3, docs/decisions.md): truncated or damaged DAF
 * files, wrong id word, addresses beyond EOF, unknown types and frames,
 * no coverage; each checks the message and that nothing was returned.
 * Also: difference-line types 1 and 21 from hand-built records and
 * concurrent queries from several threads. */
#include "test_support.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/spice.h"
#include "spice/spk_writer.h"

static int line_state(double et, double s[6], void *ctx)
{
    (void)ctx;
    s[0] = 1000.0 + 1.5 * et;
    s[1] = -200.0 + 0.25 * et;
    s[2] = 30.0 - 0.5 * et;
    s[3] = 1.5;
    s[4] = 0.25;
    s[5] = -0.5;
    return 0;
}

static void write_good(const char *path, int big)
{
    spk_writer *w;
    lp_error e;
    assert_int_equal(spk_writer_open(path, "errors test", big, &w, &e), LP_OK);
    assert_int_equal(spk_write_chebyshev(w, 3, -25, 301, 1, 0.0, 86400.0, 3600.0, 5, line_state,
                                         NULL, "GOOD SEGMENT", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
}

static void patch(const char *path, long offset, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

static void truncate_file(const char *path, size_t size)
{
    size_t n;
    char *data = ts_read_file(path, &n);
    assert_non_null(data);
    assert_true(size < n);
    FILE *f = fopen(path, "wb");
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
    free(data);
}

static void expect_load_error(const char *path, lp_status want, const char *needle)
{
    spice_kernels *k = (spice_kernels *)0x1;
    lp_error e = {0};
    lp_status st = spice_load_files(&path, 1, &k, &e);
    if (st != want)
        fail_msg("load of %s returned %d (%s), expected %d", path, st, e.message, want);
    assert_null(k);
    if (!strstr(e.message, needle) || !strstr(e.message, path))
        fail_msg("message '%s' lacks '%s' or the file name", e.message, needle);
}

/* Loads fine, but a query touching the segment fails. */
static void expect_query_error(const char *path, const char *needle)
{
    spice_kernels *k = NULL;
    lp_error e;
    if (spice_load_files(&path, 1, &k, &e) != LP_OK)
        fail_msg("%s", e.message);
    double p[3] = {7, 8, 9};
    lp_status st = spice_pos(k, -25, 301, SPICE_FRAME_J2000, 100.0, p, &e);
    assert_int_not_equal(st, LP_OK);
    if (!strstr(e.message, needle) || !strstr(e.message, path))
        fail_msg("message '%s' lacks '%s' or the file name", e.message, needle);
    assert_true(p[0] == 7 && p[1] == 8 && p[2] == 9);
    spice_free(k);
}

static void test_damaged_files(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/bad.bsp", dir);

    write_good(path, 0);
    truncate_file(path, 1000);
    expect_load_error(path, LP_ERR_FORMAT, "truncated DAF");

    write_good(path, 0);
    truncate_file(path, 3072 + 256); /* summary and name records, data cut */
    expect_load_error(path, LP_ERR_FORMAT, "beyond the end of the file");

    write_good(path, 0);
    patch(path, 0, "DAF/CK  ", 8);
    expect_load_error(path, LP_ERR_FORMAT, "not an SPK file (id word 'DAF/CK'");

    write_good(path, 0);
    patch(path, 699 + 9, "\r", 1); /* text-mode transfer turned LF into CR */
    expect_load_error(path, LP_ERR_FORMAT, "FTP validation string corrupted");

    write_good(path, 0);
    int32_t nd = 3;
    patch(path, 8, &nd, 4);
    expect_load_error(path, LP_ERR_FORMAT, "ND=3 NI=6");

    write_good(path, 0);
    patch(path, 88, "VAX-GFLT", 8);
    expect_load_error(path, LP_ERR_FORMAT, "unsupported binary format 'VAX-GFLT'");

    write_good(path, 0);
    int32_t end = 99999; /* end address of the first segment */
    patch(path, 1024 + 24 + 36, &end, 4);
    expect_load_error(path, LP_ERR_FORMAT, "segment 'GOOD SEGMENT' (body -25): addresses");

    write_good(path, 0);
    int32_t fw = 77; /* FWARD points past the end */
    patch(path, 76, &fw, 4);
    expect_load_error(path, LP_ERR_FORMAT, "summary record 77 outside the file");

    /* a big-endian file damaged the same way gives the same message */
    write_good(path, 1);
    truncate_file(path, 1000);
    expect_load_error(path, LP_ERR_FORMAT, "truncated DAF");

    /* a text file named .bsp */
    ts_write_file(path, "KPL/PCK\n\\begindata\nX = 1\n");
    expect_load_error(path, LP_ERR_FORMAT, "");
    ts_rmtree(dir);
}

static void test_unknown_type_and_frame(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/odd.bsp", dir);
    spk_writer *w;
    lp_error e;
    double junk[16] = {0};
    assert_int_equal(spk_writer_open(path, "odd", 0, &w, &e), LP_OK);
    assert_int_equal(spk_write_raw(w, 5, -25, 301, 1, 0.0, 1000.0, junk, 16, "TWO BODY", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    expect_query_error(path, "segment 'TWO BODY' (body -25): SPK data type 5 is not supported");

    write_good(path, 0);
    int32_t frame = 10013;
    patch(path, 1024 + 24 + 24, &frame, 4);
    expect_query_error(path, "segment 'GOOD SEGMENT' (body -25): reference frame code 10013");

    /* a type 2 segment whose trailer does not match its size fails at load */
    assert_int_equal(spk_writer_open(path, "odd", 0, &w, &e), LP_OK);
    double t2[10] = {0, 0, 0, 0, 0, 0, 0.0, 100.0, 11.0, 1.0};
    assert_int_equal(spk_write_raw(w, 2, -25, 301, 1, 0.0, 100.0, t2, 10, "SHORT", &e), LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    expect_load_error(path, LP_ERR_FORMAT, "segment 'SHORT' (body -25): type 2");
    ts_rmtree(dir);
}

static void test_no_coverage(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/good.bsp", dir);
    write_good(path, 0);
    spice_kernels *k;
    lp_error e;
    const char *p = path;
    assert_int_equal(spice_load_files(&p, 1, &k, &e), LP_OK);
    double s[6] = {1, 1, 1, 1, 1, 1};
    assert_int_equal(spice_state(k, -25, 301, SPICE_FRAME_J2000, 86401.0, s, &e), LP_ERR_COVERAGE);
    assert_non_null(
        strstr(e.message, "no ephemeris for body -25 (LUNAR PROSPECTOR) at ET 86401.000"));
    assert_true(s[0] == 1 && s[5] == 1);
    assert_int_equal(spice_state(k, -25, 10, SPICE_FRAME_J2000, 100.0, s, &e), LP_ERR_COVERAGE);
    assert_non_null(strstr(e.message, "no ephemeris for body 301 (MOON)"));
    /* IAU_MOON without a PCK */
    assert_int_equal(spice_pos(k, -25, 301, SPICE_FRAME_IAU_MOON, 100.0, s, &e), LP_ERR_USAGE);
    assert_non_null(strstr(e.message, "IAU_MOON needs a PCK"));
    /* within coverage it works, and target == observer is zero */
    assert_int_equal(spice_state(k, -25, 301, SPICE_FRAME_J2000, 100.0, s, &e), LP_OK);
    assert_close(s[0], 1150.0, 0, 1e-9);
    assert_close(s[5], -0.5, 0, 1e-12);
    assert_int_equal(spice_state(k, 301, 301, SPICE_FRAME_J2000, 100.0, s, &e), LP_OK);
    assert_true(s[0] == 0 && s[1] == 0 && s[2] == 0);
    spice_free(k);
    ts_rmtree(dir);
}

/* Difference lines: one record per 1000 s with constant acceleration a and
 * jerk b/g0, for which the MDA evaluation is exact:
 * x = x0 + v0 Δ + a Δ²/2 + b Δ³/(6 g0). */
static void build_mda(double *data, int maxdim, int type, size_t *n_out)
{
    int dl = 4 * maxdim + 11;
    static const double x0[3] = {1000, 2000, -300}, v0[3] = {1, -2, 0.5};
    static const double a[3] = {1e-3, -2e-3, 5e-4}, b[3] = {1e-4, 2e-4, -3e-4};
    const double g0 = 100.0;
    for (int r = 0; r < 2; r++) {
        double *rec = data + r * dl;
        memset(rec, 0, dl * sizeof *rec);
        double tl = 1000.0 * r;
        rec[0] = tl;
        rec[1] = g0;
        for (int j = 1; j < maxdim; j++)
            rec[1 + j] = 1.0;
        for (int i = 0; i < 3; i++) {
            /* reference state of the same polynomial at tl (record 0: tl = 0) */
            double x = x0[i] + v0[i] * tl + a[i] * tl * tl / 2 + b[i] * tl * tl * tl / (6 * g0);
            double v = v0[i] + a[i] * tl + b[i] * tl * tl / (2 * g0);
            double acc = a[i] + b[i] * tl / g0;
            rec[maxdim + 1 + 2 * i] = x;
            rec[maxdim + 2 + 2 * i] = v;
            rec[maxdim + 7 + i * maxdim] = acc;
            rec[maxdim + 8 + i * maxdim] = b[i];
        }
        rec[4 * maxdim + 7] = 3;
        rec[4 * maxdim + 8] = rec[4 * maxdim + 9] = rec[4 * maxdim + 10] = 2;
    }
    size_t n = 2 * (size_t)dl;
    data[n++] = 1000.0; /* final epochs */
    data[n++] = 2000.0;
    if (type == 21)
        data[n++] = maxdim;
    data[n++] = 2;
    *n_out = n;
}

static void test_difference_lines(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/mda.bsp", dir);
    double d1[200], d21[200];
    size_t n1, n21;
    build_mda(d1, 15, 1, &n1);
    build_mda(d21, 5, 21, &n21);
    assert_int_equal(n1, 2 * 71 + 3);
    spk_writer *w;
    lp_error e;
    assert_int_equal(spk_writer_open(path, "mda", 1, &w, &e), LP_OK);
    assert_int_equal(spk_write_raw(w, 1, -101, 301, 1, 0.0, 2000.0, d1, n1, "TYPE 1", &e), LP_OK);
    assert_int_equal(spk_write_raw(w, 21, -121, 301, 1, 0.0, 2000.0, d21, n21, "TYPE 21", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    spice_kernels *k;
    const char *p = path;
    assert_int_equal(spice_load_files(&p, 1, &k, &e), LP_OK);
    static const double x0[3] = {1000, 2000, -300}, v0[3] = {1, -2, 0.5};
    static const double a[3] = {1e-3, -2e-3, 5e-4}, b[3] = {1e-4, 2e-4, -3e-4};
    for (int body = 0; body < 2; body++)
        for (double t = 0.0; t <= 2000.0; t += 37.0) {
            double s[6];
            assert_int_equal(spice_state(k, body ? -121 : -101, 301, SPICE_FRAME_J2000, t, s, &e),
                             LP_OK);
            for (int i = 0; i < 3; i++) {
                double x = x0[i] + v0[i] * t + a[i] * t * t / 2 + b[i] * t * t * t / 600.0;
                double v = v0[i] + a[i] * t + b[i] * t * t / 200.0;
                assert_close(s[i], x, 1e-12, 1e-9);
                assert_close(s[i + 3], v, 1e-12, 1e-12);
            }
        }
    spice_free(k);
    /* a zero step size is refused at load */
    d1[1] = 0.0;
    assert_int_equal(spk_writer_open(path, "mda", 0, &w, &e), LP_OK);
    assert_int_equal(spk_write_raw(w, 1, -101, 301, 1, 0.0, 2000.0, d1, n1, "ZERO STEP", &e),
                     LP_OK);
    assert_int_equal(spk_writer_close(w, &e), LP_OK);
    expect_load_error(path, LP_ERR_FORMAT, "zero step size");
    ts_rmtree(dir);
}

typedef struct {
    const spice_kernels *k;
    double out[500][3];
    int fails;
} thread_job;

static void *query_thread(void *arg)
{
    thread_job *j = arg;
    lp_error e;
    for (int i = 0; i < 500; i++)
        if (spice_pos(j->k, -25, 301, SPICE_FRAME_ECLIPJ2000, 10.0 + 150.0 * i, j->out[i], &e))
            j->fails++;
    return NULL;
}

static void test_concurrent_queries(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/good.bsp", dir);
    write_good(path, 0);
    spice_kernels *k;
    lp_error e;
    const char *p = path;
    assert_int_equal(spice_load_files(&p, 1, &k, &e), LP_OK);
    static thread_job jobs[4];
    pthread_t th[4];
    for (int t = 0; t < 4; t++) {
        jobs[t].k = k;
        jobs[t].fails = 0;
        assert_int_equal(pthread_create(&th[t], NULL, query_thread, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++)
        pthread_join(th[t], NULL);
    for (int i = 0; i < 500; i++) {
        double s[3];
        assert_int_equal(spice_pos(k, -25, 301, SPICE_FRAME_ECLIPJ2000, 10.0 + 150.0 * i, s, &e),
                         LP_OK);
        for (int t = 0; t < 4; t++) {
            assert_int_equal(jobs[t].fails, 0);
            assert_memory_equal(jobs[t].out[i], s, sizeof s);
        }
    }
    spice_free(k);
    ts_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_damaged_files),      cmocka_unit_test(test_unknown_type_and_frame),
        cmocka_unit_test(test_no_coverage),        cmocka_unit_test(test_difference_lines),
        cmocka_unit_test(test_concurrent_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
