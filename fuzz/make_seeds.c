/* Writes the binary seeds of the fuzz corpora (docs/decisions.md "Hardening"): small SPK
 * files of every supported segment type (and a big-endian one) through the
 * project's SPK writer, and NPZ files through the NPZ writer. Real kernels
 * are never copied into the repository; these are regenerated with
 *   build-fuzz/fuzz/make_seeds fuzz/corpus */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz.h"
#include "spice/spk_writer.h"

/* A circular orbit of 1800 km radius, 2 h period. */
static int orbit(double et, double s[6], void *ctx)
{
    (void)ctx;
    const double r = 1800.0, w = 2.0 * M_PI / 7200.0;
    s[0] = r * cos(w * et);
    s[1] = r * sin(w * et);
    s[2] = 0.1 * r * sin(0.5 * w * et);
    s[3] = -r * w * sin(w * et);
    s[4] = r * w * cos(w * et);
    s[5] = 0.05 * r * w * cos(0.5 * w * et);
    return 0;
}

static int fail(const char *what, const lp_error *err)
{
    fprintf(stderr, "make_seeds: %s: %s\n", what, err->message);
    return 1;
}

static int spk_seed(const char *dir, const char *name, int type, int big_endian)
{
    char path[512];
    snprintf(path, sizeof path, "%s/spk/%s", dir, name);
    spk_writer *w = NULL;
    lp_error err = {0};
    if (spk_writer_open(path, "lpmap fuzz seed", big_endian, &w, &err) != LP_OK)
        return fail(path, &err);
    const double et0 = -4.0e7, et1 = et0 + 3600.0;
    lp_status st = LP_OK;
    if (type == 2 || type == 3) {
        st = spk_write_chebyshev(w, type, -25, 301, 1, et0, et1, 1200.0, 5, orbit, NULL, "seed",
                                 &err);
    } else if (type == 1 || type == 21) {
        st = spk_write_difference_lines(w, type, -25, 301, 1, et0, et1, 1800.0, 6, orbit, NULL,
                                        "seed", &err);
    } else {
        enum { N = 9 };
        double epochs[N], states[N * 6];
        for (int i = 0; i < N; i++) {
            epochs[i] = et0 + i * 450.0 + ((type == 9 || type == 13) && i % 2 ? 37.0 : 0.0);
            orbit(epochs[i], states + 6 * i, NULL);
        }
        st = spk_write_discrete(w, type, -25, 301, 1, epochs, states, N, 3, "seed", &err);
    }
    if (st != LP_OK) {
        spk_writer_close(w, &err);
        return fail(path, &err);
    }
    if (spk_writer_close(w, &err) != LP_OK)
        return fail(path, &err);
    return 0;
}

static int npz_seed(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/npz_read/arrays.npz", dir);
    npz_writer *w = NULL;
    lp_error err = {0};
    if (npz_writer_open(path, 1, &w, &err) != LP_OK)
        return fail(path, &err);
    const double f[4] = {1.5, -2.0, NAN, INFINITY};
    const int64_t i[3] = {-1, 0, INT64_MAX};
    const int8_t b[3] = {-1, 0, 1};
    const uint8_t q[2] = {0, 1};
    const char s[2][6] = {"ab", "cdefg"};
    if (npz_add_f64(w, "f", f, 4, &err) || npz_add_i64(w, "i", i, 3, &err) ||
        npz_add_i8(w, "b", b, 3, &err) || npz_add_bool(w, "q", q, 2, &err) ||
        npz_add_str(w, "s", &s[0][0], 6, 2, 5, &err) ||
        npz_add_scalar_f64(w, "meta_x", 3.25, &err) ||
        npz_add_scalar_str(w, "meta_s", "lpmap", &err)) {
        npz_writer_abort(w);
        return fail(path, &err);
    }
    if (npz_writer_commit(w, &err) != LP_OK)
        return fail(path, &err);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    const int types[] = {1, 2, 3, 8, 9, 12, 13, 21};
    int bad = 0;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        char name[32];
        snprintf(name, sizeof name, "type%02d.bsp", types[t]);
        bad |= spk_seed(dir, name, types[t], 0);
    }
    bad |= spk_seed(dir, "type02_big_endian.bsp", 2, 1);
    bad |= npz_seed(dir);
    return bad;
}
