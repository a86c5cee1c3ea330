/* Tests of the NPZ reader (src/io/npz_read.c, docs/npz.md): files written
 * by NumPy (stored and deflate), a hand-built ZIP64 archive, .npy v1/v2/v3
 * headers, and damaged input (truncation at every length, flipped bytes,
 * bad headers) that must give clear errors and never crash. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "io/npz_read.h"

static char tmpdir[4096];

static int setup(void **state)
{
    (void)state;
    return ts_mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(tmpdir);
    return 0;
}

/* Write an NPZ with NumPy; returns 0 or skips. */
static int numpy_write(const char *script, const char *path)
{
    const char *py = ts_numpy_python();
    if (!py)
        return -1;
    char spath[4200], cmd[12000], out[4096];
    snprintf(spath, sizeof spath, "%s/gen.py", tmpdir);
    assert_int_equal(ts_write_file(spath, script), 0);
    snprintf(cmd, sizeof cmd, "%s %s %s", py, spath, path);
    int rc = ts_run(cmd, out, sizeof out);
    if (rc != 0)
        fail_msg("numpy script failed: %s", out);
    return 0;
}

static const char *const GEN =
    "import sys, numpy as np\n"
    "d = dict(f=np.array([1.5, -2.25, np.nan, 1e300]),\n"
    "         i=np.array([-1, 2**40, 7], dtype=np.int64),\n"
    "         b=np.array([True, False, True]),\n"
    "         c=np.array([-1, 0, 1], dtype=np.int8),\n"
    "         u=np.array(['1998-04-01T00:00:01', '', 'Mond\\u00e9'], dtype='<U64'),\n"
    "         s=np.float64(3.25),\n"
    "         m=np.arange(6, dtype='<f8').reshape(2, 3),\n"
    "         e=np.zeros(0),\n"
    "         t=np.array(['1998-04-01T00:00:17.125', 'NaT'], dtype='datetime64[ms]'))\n"
    "(np.savez_compressed if sys.argv[1].endswith('z.npz') else np.savez)(sys.argv[1], **d)\n";

static void check_contents(const char *path)
{
    lp_error err = {0};
    npz_file *f;
    assert_int_equal(npz_read_open(path, &f, &err), LP_OK);
    assert_int_equal(npz_read_count(f), 9);
    assert_true(npz_read_has(f, "f"));
    assert_false(npz_read_has(f, "nope"));

    npz_array a;
    assert_int_equal(npz_read_array(f, "f", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_FLOAT64);
    assert_int_equal(a.ndim, 1);
    assert_int_equal(a.n, 4);
    const double *fd = a.data;
    assert_true(fd[0] == 1.5 && fd[1] == -2.25 && isnan(fd[2]) && fd[3] == 1e300);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "i", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_INT64);
    assert_true(((int64_t *)a.data)[1] == ((int64_t)1 << 40));
    assert_true(((int64_t *)a.data)[0] == -1);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "b", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_BOOL);
    assert_memory_equal(a.data, "\1\0\1", 3);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "c", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_INT8);
    assert_int_equal(((int8_t *)a.data)[0], -1);
    assert_int_equal(((int8_t *)a.data)[2], 1);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "u", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_UNICODE);
    assert_int_equal(a.width, 64);
    assert_string_equal((char *)a.data, "1998-04-01T00:00:01");
    assert_string_equal((char *)a.data + a.stride, "");
    assert_string_equal((char *)a.data + 2 * a.stride, "Mond\xc3\xa9");
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "s", &a, &err), LP_OK);
    assert_int_equal(a.ndim, 0);
    assert_int_equal(a.n, 1);
    assert_true(*(double *)a.data == 3.25);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "m", &a, &err), LP_OK);
    assert_int_equal(a.ndim, 2);
    assert_int_equal(a.shape[0], 2);
    assert_int_equal(a.shape[1], 3);
    assert_true(((double *)a.data)[5] == 5.0);
    npz_array_free(&a);

    assert_int_equal(npz_read_array(f, "e", &a, &err), LP_OK);
    assert_int_equal(a.n, 0);
    npz_array_free(&a);

    double *v;
    size_t n;
    assert_int_equal(npz_read_f64(f, "c", &v, &n, &err), LP_OK);
    assert_int_equal(n, 3);
    assert_true(v[0] == -1.0 && v[2] == 1.0);
    free(v);
    /* datetime64[ms]: ms since the epoch, NaT as NaN */
    assert_int_equal(npz_read_array(f, "t", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_DATETIME64_MS);
    assert_true(((int64_t *)a.data)[0] == 891388817125LL && ((int64_t *)a.data)[1] == NPZ_NAT);
    npz_array_free(&a);
    assert_int_equal(npz_read_f64(f, "t", &v, &n, &err), LP_OK);
    assert_true(n == 2 && v[0] == 891388817125.0 && isnan(v[1]));
    free(v);
    assert_int_equal(npz_read_f64(f, "u", &v, &n, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "holds text"));
    assert_int_equal(npz_read_array(f, "missing", &a, &err), LP_ERR_RANGE);
    assert_non_null(strstr(err.message, "no key 'missing'"));
    npz_read_close(f);
}

static void test_numpy_stored(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/plain.npz", tmpdir);
    if (numpy_write(GEN, path))
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    check_contents(path);
}

static void test_numpy_deflate(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/compz.npz", tmpdir);
    if (numpy_write(GEN, path))
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    check_contents(path);
}

/* Every prefix of a valid file and every single-byte corruption must be
 * refused or read without crashing (run under ASan in CI). */
static void test_damaged_files(void **state)
{
    (void)state;
    char path[4200], bad[4200];
    snprintf(path, sizeof path, "%s/smallz.npz", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.npz", tmpdir);
    if (numpy_write("import sys, numpy as np\n"
                    "np.savez_compressed(sys.argv[1], a=np.arange(5.0), "
                    "t=np.array(['x','yz']))\n",
                    path))
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    size_t len;
    unsigned char *good = (unsigned char *)ts_read_file(path, &len);
    assert_non_null(good);
    lp_error err;
    int refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        FILE *fp = fopen(bad, "wb");
        fwrite(good, 1, cut, fp);
        fclose(fp);
        npz_file *f;
        lp_status s = npz_read_open(bad, &f, &err);
        if (s == LP_OK) {
            npz_array a;
            s = npz_read_array(f, "a", &a, &err);
            npz_array_free(&a);
            npz_read_close(f);
        }
        refused += s != LP_OK;
        assert_true(strlen(err.message) > 0 || s == LP_OK);
    }
    /* A truncated ZIP loses its directory: every prefix is refused. */
    assert_int_equal(refused, (int)len);
    int ok_reads = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char *copy = malloc(len);
        memcpy(copy, good, len);
        copy[i] ^= 0x5a;
        FILE *fp = fopen(bad, "wb");
        fwrite(copy, 1, len, fp);
        fclose(fp);
        free(copy);
        npz_file *f;
        if (npz_read_open(bad, &f, &err) != LP_OK)
            continue;
        for (size_t k = 0; k < npz_read_count(f); k++) {
            npz_array a;
            if (npz_read_array(f, npz_read_key(f, k), &a, &err) == LP_OK) {
                ok_reads++;
                npz_array_free(&a);
            }
        }
        npz_read_close(f);
    }
    /* CRC-32 catches corrupted payloads, so only bytes outside the data
     * (names, comments, timestamps) leave a member readable. */
    assert_true(ok_reads < (int)(2 * len));
    free(good);

    npz_file *f;
    assert_int_equal(npz_read_open(tmpdir, &f, &err), LP_ERR_IO);
    snprintf(bad, sizeof bad, "%s/none.npz", tmpdir);
    assert_int_equal(npz_read_open(bad, &f, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "cannot open"));
    ts_write_file(bad, "this is not a zip archive at all, just some text");
    assert_int_equal(npz_read_open(bad, &f, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "not an NPZ/ZIP file"));
}

static size_t npy_image(unsigned char *buf, int version, const char *header, const void *data,
                        size_t dlen)
{
    size_t hl = strlen(header), pos;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)version;
    buf[7] = 0;
    if (version == 1) {
        buf[8] = (unsigned char)(hl & 0xff);
        buf[9] = (unsigned char)(hl >> 8);
        pos = 10;
    } else {
        buf[8] = (unsigned char)(hl & 0xff);
        buf[9] = (unsigned char)(hl >> 8);
        buf[10] = buf[11] = 0;
        pos = 12;
    }
    memcpy(buf + pos, header, hl);
    memcpy(buf + pos + hl, data, dlen);
    return pos + hl + dlen;
}

static void test_npy_headers(void **state)
{
    (void)state;
    unsigned char buf[512];
    double d[2] = {1, 2};
    npz_array a;
    lp_error err;
    size_t n = npy_image(buf, 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", d,
                         sizeof d);
    assert_int_equal(npz_parse_npy(buf, n, "t", &a, &err), LP_OK);
    assert_true(((double *)a.data)[1] == 2.0);
    npz_array_free(&a);
    n = npy_image(buf, 3, "{\"descr\":\"<f8\",\"shape\":(2,),\"fortran_order\":False}", d,
                  sizeof d);
    assert_int_equal(npz_parse_npy(buf, n, "t", &a, &err), LP_OK);
    npz_array_free(&a);

    struct {
        const char *hdr;
        size_t dlen;
        lp_status want;
        const char *msg;
    } cases[] = {
        {"{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 16, LP_ERR_UNSUPPORTED,
         "dtype '>f8' is not supported"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 16, LP_ERR_FORMAT,
         "data truncated"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), "
         "}",
         16, LP_ERR_FORMAT, "shape overflows"},
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (1, 2), }", 16, LP_ERR_UNSUPPORTED,
         "Fortran"},
        {"{'descr': '<f8', 'shape': (2,), }", 16, LP_ERR_FORMAT, "malformed .npy header"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,", 16, LP_ERR_FORMAT,
         "malformed .npy header"},
        {"{'descr': '<U0', 'fortran_order': False, 'shape': (1,), }", 16, LP_ERR_FORMAT,
         "bad unicode dtype"},
        {"{'descr': '<U1', 'fortran_order': False, 'shape': (2,), }", 8, LP_ERR_FORMAT,
         "not valid UTF-32"},
    };
    unsigned char bad_text[16] = {0, 0xd8, 0, 0, 0, 0, 0x11, 0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const void *payload = strstr(cases[i].hdr, "<U1") ? (const void *)bad_text : (void *)d;
        n = npy_image(buf, 1, cases[i].hdr, payload, cases[i].dlen);
        lp_status s = npz_parse_npy(buf, n, "t", &a, &err);
        if (s != cases[i].want || !strstr(err.message, cases[i].msg))
            fail_msg("case %zu: status %d, message '%s'", i, s, err.message);
    }
    assert_int_equal(npz_parse_npy((const unsigned char *)"\x93NUMPX", 6, "t", &a, &err),
                     LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "bad magic"));
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}
static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* A one-member stored archive whose sizes and offsets all live in ZIP64
 * records (what writers produce past 4 GiB). */
static void test_zip64(void **state)
{
    (void)state;
    unsigned char npy[256], zip[1024];
    int64_t vals[3] = {5, -6, 7};
    size_t nl = npy_image(npy, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n",
                          vals, sizeof vals);
    uint32_t crc = (uint32_t)crc32(0, npy, (uInt)nl);
    const char *name = "k.npy";
    size_t p = 0;
    put32(zip, 0x04034b50);
    put16(zip + 4, 45);
    put16(zip + 6, 0);
    put16(zip + 8, 0);
    put32(zip + 10, 0);
    put32(zip + 14, crc);
    put32(zip + 18, 0xFFFFFFFFu);
    put32(zip + 22, 0xFFFFFFFFu);
    put16(zip + 26, 5);
    put16(zip + 28, 20);
    memcpy(zip + 30, name, 5);
    put16(zip + 35, 1);
    put16(zip + 37, 16);
    put64(zip + 39, nl);
    put64(zip + 47, nl);
    p = 55;
    memcpy(zip + p, npy, nl);
    p += nl;
    size_t cd = p;
    put32(zip + p, 0x02014b50);
    put16(zip + p + 4, 45);
    put16(zip + p + 6, 45);
    put16(zip + p + 8, 0);
    put16(zip + p + 10, 0);
    put32(zip + p + 12, 0);
    put32(zip + p + 16, crc);
    put32(zip + p + 20, 0xFFFFFFFFu);
    put32(zip + p + 24, 0xFFFFFFFFu);
    put16(zip + p + 28, 5);
    put16(zip + p + 30, 28);
    put16(zip + p + 32, 0);
    put16(zip + p + 34, 0);
    put16(zip + p + 36, 0);
    put32(zip + p + 38, 0);
    put32(zip + p + 42, 0xFFFFFFFFu);
    memcpy(zip + p + 46, name, 5);
    put16(zip + p + 51, 1);
    put16(zip + p + 53, 24);
    put64(zip + p + 55, nl);
    put64(zip + p + 63, nl);
    put64(zip + p + 71, 0);
    p += 79;
    size_t cd_size = p - cd, z64 = p;
    put32(zip + p, 0x06064b50);
    put64(zip + p + 4, 44);
    put16(zip + p + 12, 45);
    put16(zip + p + 14, 45);
    put32(zip + p + 16, 0);
    put32(zip + p + 20, 0);
    put64(zip + p + 24, 1);
    put64(zip + p + 32, 1);
    put64(zip + p + 40, cd_size);
    put64(zip + p + 48, cd);
    p += 56;
    put32(zip + p, 0x07064b50);
    put32(zip + p + 4, 0);
    put64(zip + p + 8, z64);
    put32(zip + p + 16, 1);
    p += 20;
    put32(zip + p, 0x06054b50);
    memset(zip + p + 4, 0, 6);
    put16(zip + p + 8, 0xFFFF);
    put16(zip + p + 10, 0xFFFF);
    put32(zip + p + 12, 0xFFFFFFFFu);
    put32(zip + p + 16, 0xFFFFFFFFu);
    put16(zip + p + 20, 0);
    p += 22;

    char path[4200];
    snprintf(path, sizeof path, "%s/z64.npz", tmpdir);
    FILE *fp = fopen(path, "wb");
    fwrite(zip, 1, p, fp);
    fclose(fp);
    lp_error err;
    npz_file *f;
    assert_int_equal(npz_read_open(path, &f, &err), LP_OK);
    assert_int_equal(npz_read_count(f), 1);
    assert_string_equal(npz_read_key(f, 0), "k");
    npz_array a;
    assert_int_equal(npz_read_array(f, "k", &a, &err), LP_OK);
    assert_int_equal(a.n, 3);
    assert_true(((int64_t *)a.data)[1] == -6);
    npz_array_free(&a);
    npz_read_close(f);

    /* The same archive with the ZIP64 extra field cut short is refused. */
    put16(zip + cd + 53, 8);
    fp = fopen(path, "wb");
    fwrite(zip, 1, p, fp);
    fclose(fp);
    assert_int_equal(npz_read_open(path, &f, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "ZIP64 extra field"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numpy_stored),  cmocka_unit_test(test_numpy_deflate),
        cmocka_unit_test(test_damaged_files), cmocka_unit_test(test_npy_headers),
        cmocka_unit_test(test_zip64),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
