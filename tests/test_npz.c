/* Tests of the NPZ writer (docs/npz.md): NumPy reads back every key,
 * dtype, shape and value (plain and forced ZIP64 archives); atomic commit,
 * overwrite rules, abort, unwritable folders and failed writes leave no
 * corrupt output. */
#include "test_support.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/npz.h"

#define N_BIG 20000 /* strings: several 1 MB conversion chunks */
#define N_KEYS 100  /* more entries than the first directory allocation */

static char big[N_BIG][24];

static void write_sample(const char *path, int force_zip64)
{
    npz_writer *w;
    lp_error err;
    assert_int_equal(npz_writer_open(path, 1, &w, &err), LP_OK);
    if (force_zip64)
        npz_writer_force_zip64(w);
    double f[7] = {1.5, NAN, -2.25e300, -0.0, INFINITY, 4.9e-324, 0.1};
    int64_t i[3] = {INT64_MIN, 0, INT64_MAX};
    int8_t b8[4] = {-128, -1, 0, 127};
    uint8_t bo[4] = {1, 0, 7, 0}; /* any non-zero is True */
    char s[6][16] = {"1998-04-01T00:",        "\xc2\xb5s ok", "\xe6\x97\xa5\xe6\x9c\xac", "",
                     "\xf0\x9f\x8c\x99 moon", "bad \xff byte"};
    char full[2][4] = {{'a', 'b', 'c', 'd'}, {'e', 'f', 0, 0}}; /* no NUL in the first */
    assert_int_equal(npz_add_f64(w, "f", f, 7, &err), LP_OK);
    assert_int_equal(npz_add_i64(w, "i", i, 3, &err), LP_OK);
    assert_int_equal(npz_add_i8(w, "b8", b8, 4, &err), LP_OK);
    assert_int_equal(npz_add_bool(w, "bo", bo, 4, &err), LP_OK);
    assert_int_equal(npz_add_str(w, "s", &s[0][0], 16, 6, 64, &err), LP_OK);
    assert_int_equal(npz_add_str(w, "full", &full[0][0], 4, 2, 4, &err), LP_OK);
    assert_int_equal(npz_add_str(w, "cut", &s[0][0], 16, 1, 4, &err), LP_OK); /* width 4 */
    for (int k = 0; k < N_BIG; k++)
        snprintf(big[k], sizeof big[k], "row %d", k);
    assert_int_equal(npz_add_str(w, "big", &big[0][0], sizeof big[0], N_BIG, 64, &err), LP_OK);
    /* datetime64[ms]: 1998-04-01T00:00:17.125, the epoch, NaT, before 1970 */
    int64_t dt[4] = {891388817125LL, 0, NPZ_NAT, -86400000LL};
    assert_int_equal(npz_add_datetime64_ms(w, "dt", dt, 4, &err), LP_OK);
    assert_int_equal(npz_add_f64(w, "empty_f", NULL, 0, &err), LP_OK);
    assert_int_equal(npz_add_i64(w, "empty_i", NULL, 0, &err), LP_OK);
    assert_int_equal(npz_add_bool(w, "empty_b", NULL, 0, &err), LP_OK);
    assert_int_equal(npz_add_str(w, "empty_s", NULL, 64, 0, 64, &err), LP_OK);
    assert_int_equal(npz_add_scalar_f64(w, "meta_x", 42.5, &err), LP_OK);
    assert_int_equal(npz_add_scalar_i64(w, "meta_n", -7, &err), LP_OK);
    assert_int_equal(npz_add_scalar_str(w, "meta_s", "lpmap batch --year 1998 \xc2\xb0", &err),
                     LP_OK);
    assert_int_equal(npz_add_scalar_str(w, "meta_empty", "", &err), LP_OK);
    uint8_t one = 1;
    int8_t minus = -3;
    assert_int_equal(npz_writer_add(w, "meta_b", NPZ_BOOL, 0, 1, &one, 0, 0, &err), LP_OK);
    assert_int_equal(npz_writer_add(w, "meta_i8", NPZ_INT8, 0, 1, &minus, 0, 0, &err), LP_OK);
    for (int k = 0; k < N_KEYS; k++) {
        char name[32];
        double v = k * 0.5;
        snprintf(name, sizeof name, "k%03d", k);
        assert_int_equal(npz_add_f64(w, name, &v, 1, &err), LP_OK);
    }
    /* bad calls change nothing */
    assert_int_equal(npz_add_f64(w, "f", f, 1, &err), LP_ERR_USAGE);
    assert_non_null(strstr(err.message, "'f' added twice"));
    assert_int_equal(npz_add_f64(w, "", f, 1, &err), LP_ERR_USAGE);
    assert_int_equal(npz_add_f64(w, "a/b", f, 1, &err), LP_ERR_USAGE);
    assert_int_equal(npz_add_str(w, "w0", &s[0][0], 16, 1, 0, &err), LP_ERR_USAGE);
    assert_int_equal(npz_writer_add(w, "nd2", NPZ_FLOAT64, 2, 1, f, 0, 0, &err), LP_ERR_USAGE);
    assert_int_equal(npz_writer_add(w, "huge", NPZ_FLOAT64, 1, SIZE_MAX / 4, f, 0, 0, &err),
                     LP_ERR_NOMEM);
    assert_int_equal(npz_writer_commit(w, &err), LP_OK);
}

static const char *const check_py =
    "import sys, zipfile, struct, math\n"
    "import numpy as np\n"
    "path, zip64 = sys.argv[1], sys.argv[2] == '1'\n"
    "d = np.load(path, allow_pickle=False)\n"
    "keys = ['f','i','b8','bo','s','full','cut','big','empty_f','empty_i','empty_b','empty_s',\n"
    "        'dt',\n"
    "        'meta_x','meta_n','meta_s','meta_empty','meta_b','meta_i8']\n"
    "keys += ['k%03d' % k for k in range(100)]\n"
    "assert sorted(d.files) == sorted(keys), sorted(set(d.files) ^ set(keys))\n"
    "def chk(k, dt, shape, vals=None):\n"
    "    a = d[k]\n"
    "    assert a.dtype == np.dtype(dt), (k, a.dtype)\n"
    "    assert a.shape == shape, (k, a.shape)\n"
    "    if vals is not None:\n"
    "        got = a.tolist()\n"
    "        assert got == vals, (k, got, vals)\n"
    "f = d['f']; chk('f', '<f8', (7,))\n"
    "assert f[0] == 1.5 and math.isnan(f[1]) and f[2] == -2.25e300\n"
    "assert f[3] == 0 and math.copysign(1, f[3]) == -1 and f[4] == math.inf\n"
    "assert f[5] == 5e-324 and f[6] == 0.1\n"
    "chk('i', '<i8', (3,), [-2**63, 0, 2**63 - 1])\n"
    "t = d['dt']; assert t.dtype == np.dtype('<M8[ms]'), t.dtype\n"
    "assert t[0] == np.datetime64('1998-04-01T00:00:17.125') and t[1] == np.datetime64(0, 'ms')\n"
    "assert np.isnat(t[2]) and str(t[3]) == '1969-12-31T00:00:00.000'\n"
    "chk('b8', '|i1', (4,), [-128, -1, 0, 127])\n"
    "chk('bo', '|b1', (4,), [True, False, True, False])\n"
    "chk('s', '<U64', (6,), ['1998-04-01T00:', '\\u00b5s ok', '\\u65e5\\u672c', '',\n"
    "                        '\\U0001f319 moon', 'bad \\ufffd byte'])\n"
    "chk('full', '<U4', (2,), ['abcd', 'ef'])\n"
    "chk('cut', '<U4', (1,), ['1998'])\n"
    "chk('big', '<U64', (20000,))\n"
    "assert d['big'].tolist() == ['row %d' % k for k in range(20000)]\n"
    "chk('empty_f', '<f8', (0,), []); chk('empty_i', '<i8', (0,), [])\n"
    "chk('empty_b', '|b1', (0,), []); chk('empty_s', '<U64', (0,), [])\n"
    "chk('meta_x', '<f8', (), 42.5); chk('meta_n', '<i8', (), -7)\n"
    "chk('meta_s', '<U26', (), 'lpmap batch --year 1998 \\u00b0')\n"
    "chk('meta_empty', '<U1', (), ''); chk('meta_b', '|b1', (), True)\n"
    "chk('meta_i8', '|i1', (), -3)\n"
    "for k in range(100): chk('k%03d' % k, '<f8', (1,), [k * 0.5])\n"
    "z = zipfile.ZipFile(path)\n"
    "assert z.testzip() is None\n"
    "for info in z.infolist():\n"
    "    assert info.compress_type == zipfile.ZIP_STORED\n"
    "    raw = z.read(info.filename)\n"
    "    assert raw[:8] == b'\\x93NUMPY\\x01\\x00', info.filename\n"
    "    hlen = struct.unpack('<H', raw[8:10])[0]\n"
    "    assert (10 + hlen) % 64 == 0 and raw[9 + hlen:10 + hlen] == b'\\n', info.filename\n"
    "blob = open(path, 'rb').read()\n"
    "has64 = b'PK\\x06\\x06' in blob and b'PK\\x06\\x07' in blob\n"
    "assert has64 == zip64, ('zip64 records', has64)\n"
    "print('numpy-ok', len(d.files))\n";

static void test_numpy_round_trip(void **state)
{
    (void)state;
    char dir[4096], path[4200], script[4200], cmd[16384], out[8192];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/a.npz", dir);
    snprintf(script, sizeof script, "%s/check.py", dir);
    ts_write_file(script, check_py);
    const char *py = ts_numpy_python();
    for (int zip64 = 0; zip64 < 2; zip64++) {
        write_sample(path, zip64);
        assert_true(ts_file_exists(path));
        if (!py) {
            ts_rmtree(dir);
            fail_msg("no Python interpreter with numpy (apt-get install python3-numpy)");
            return;
        }
        snprintf(cmd, sizeof cmd, "%s %s %s %d", py, script, path, zip64);
        int rc = ts_run(cmd, out, sizeof out);
        if (rc != 0 || !strstr(out, "numpy-ok 119"))
            fail_msg("zip64=%d: numpy check failed (rc %d):\n%s", zip64, rc, out);
    }
    /* the environment knob forces ZIP64 the same way */
    setenv("LPMAP_NPZ_FORCE_ZIP64", "1", 1);
    write_sample(path, 0);
    unsetenv("LPMAP_NPZ_FORCE_ZIP64");
    snprintf(cmd, sizeof cmd, "%s %s %s 1", py, script, path);
    assert_int_equal(ts_run(cmd, out, sizeof out), 0);
    assert_non_null(strstr(out, "numpy-ok 119"));
    ts_rmtree(dir);
}

static int dir_entries(const char *dir)
{
    char cmd[4200], out[256];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    ts_run(cmd, out, sizeof out);
    return atoi(out);
}

static void small_npz(const char *path, int overwrite, double v, lp_status expect)
{
    npz_writer *w;
    lp_error err;
    lp_status st = npz_writer_open(path, overwrite, &w, &err);
    assert_int_equal(st, expect);
    if (st != LP_OK) {
        assert_non_null(strstr(err.message, path));
        return;
    }
    assert_int_equal(npz_add_scalar_f64(w, "v", v, &err), LP_OK);
    assert_int_equal(npz_writer_commit(w, &err), LP_OK);
}

static void test_overwrite_and_abort(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/a.npz", dir);
    small_npz(path, 0, 1.0, LP_OK);
    assert_int_equal(dir_entries(dir), 1); /* no temporary left */
    size_t len1, len2;
    char *before = ts_read_file(path, &len1);
    npz_writer *w;
    lp_error err;
    assert_int_equal(npz_writer_open(path, 0, &w, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "exists (use --overwrite to replace it)"));
    assert_null(w);
    char *after = ts_read_file(path, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(before, after, len1);
    free(after);
    /* with overwrite: replaced */
    small_npz(path, 1, 2.0, LP_OK);
    after = ts_read_file(path, &len2);
    assert_int_equal(len1, len2);
    assert_true(memcmp(before, after, len1) != 0);
    free(after);
    free(before);
    assert_int_equal(dir_entries(dir), 1);

    /* the final name appears while writing, without overwrite: refused at
     * commit, the newcomer untouched, no temporary left */
    snprintf(path, sizeof path, "%s/b.npz", dir);
    assert_int_equal(npz_writer_open(path, 0, &w, &err), LP_OK);
    assert_int_equal(npz_add_scalar_f64(w, "v", 1.0, &err), LP_OK);
    ts_write_file(path, "someone else's");
    assert_int_equal(npz_writer_commit(w, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "exists"));
    char *other = ts_read_file(path, &len1);
    assert_string_equal(other, "someone else's");
    free(other);
    assert_int_equal(dir_entries(dir), 2);

    /* abort leaves nothing behind */
    snprintf(path, sizeof path, "%s/c.npz", dir);
    assert_int_equal(npz_writer_open(path, 0, &w, &err), LP_OK);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s", npz_writer_temp_path(w));
    assert_non_null(strstr(tmp, "/.c.npz.tmp-"));
    assert_true(ts_file_exists(tmp));
    assert_int_equal(npz_add_scalar_f64(w, "v", 1.0, &err), LP_OK);
    npz_writer_abort(w);
    assert_false(ts_file_exists(tmp));
    assert_false(ts_file_exists(path));
    npz_writer_abort(NULL);
    assert_int_equal(dir_entries(dir), 2);
    ts_rmtree(dir);
}

static void test_unwritable_folder(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    npz_writer *w;
    lp_error err;
    /* tests run as root, where a 0555 folder is still writable: use a path
     * below a regular file, a missing folder and /proc */
    snprintf(path, sizeof path, "%s/file", dir);
    ts_write_file(path, "x");
    snprintf(path, sizeof path, "%s/file/out.npz", dir);
    assert_int_equal(npz_writer_open(path, 1, &w, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "cannot write in the output folder"));
    assert_non_null(strstr(err.message, "Not a directory"));
    snprintf(path, sizeof path, "%s/missing/out.npz", dir);
    assert_int_equal(npz_writer_open(path, 1, &w, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "No such file or directory"));
    assert_int_equal(npz_writer_open("/proc/lpmap-test-out.npz", 1, &w, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "cannot write in the output folder"));
    assert_int_equal(dir_entries(dir), 1);
    ts_rmtree(dir);
}

/* A write that fails half way (file size limit, like a full disk): the
 * commit fails, and neither the final file nor the temporary remain. */
static void test_failed_write(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/a.npz", dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {100000, 100000};
        setrlimit(RLIMIT_FSIZE, &rl);
        npz_writer *w;
        lp_error err;
        if (npz_writer_open(path, 1, &w, &err) != LP_OK)
            _exit(10);
        static double v[100000];
        lp_status a = npz_add_f64(w, "v", v, 100000, &err);
        lp_status b = npz_add_f64(w, "v2", v, 10, &err);
        lp_status c = npz_writer_commit(w, &err);
        if (a == LP_ERR_IO && b == LP_ERR_IO && c == LP_ERR_IO &&
            strstr(err.message, "earlier write"))
            _exit(0);
        _exit(20 + (int)a);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_false(ts_file_exists(path));
    assert_int_equal(dir_entries(dir), 0);
    ts_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numpy_round_trip),
        cmocka_unit_test(test_overwrite_and_abort),
        cmocka_unit_test(test_unwritable_folder),
        cmocka_unit_test(test_failed_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
