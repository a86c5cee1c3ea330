/* Helpers for the cmocka test programs: where the shared reference material
 * (tests/data) is, temporary folders, running the lpmap binary and a NumPy interpreter. */
#ifndef LPMAP_TEST_SUPPORT_H
#define LPMAP_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The test fixtures: tests/data of the source tree ($LPMAP_TEST_DATA
 * overrides). Everything a non-GPU test needs is there, so a fresh clone
 * runs every test. */
const char *ts_data_dir(void);
/* Path of a file under tests/data, or NULL with a "MISSING" message (the
 * caller then fails the test; it never skips). buf must hold 4096 bytes. */
const char *ts_data_path(const char *rel, char *buf);

/* Make a fresh temporary directory (removed by ts_rmtree). buf: 4096 bytes. */
const char *ts_mkdtemp(char *buf);
void ts_rmtree(const char *path);
int ts_write_file(const char *path, const char *text);
/* Read a whole file (malloc'd, NUL-terminated); NULL if it cannot. */
char *ts_read_file(const char *path, size_t *len);
int ts_file_exists(const char *path);

/* Run a shell command; stdout+stderr captured into out (may be NULL).
 * Returns the exit status (or -1). */
int ts_run(const char *cmd, char *out, size_t out_size);
/* Path of the lpmap executable under test. */
const char *ts_lpmap_bin(void);
/* An interpreter that imports numpy (tries /usr/bin/python3 first), or NULL. */
const char *ts_numpy_python(void);

/* Print a reason and skip the current test. */
#define TS_SKIP(...)                                                                               \
    do {                                                                                           \
        print_message("SKIPPED: " __VA_ARGS__);                                                    \
        print_message("\n");                                                                       \
        skip();                                                                                    \
    } while (0)

/* Relative comparison helper: |a-b| <= rtol*max(|a|,|b|) + atol, NaN==NaN. */
int ts_close(double a, double b, double rtol, double atol);
#define assert_close(a, b, rtol, atol)                                                             \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!ts_close(a_, b_, rtol, atol))                                                         \
            fail_msg("%s = %.17g, expected %s = %.17g (rtol %g, atol %g)", #a, a_, #b, b_,         \
                     (double)(rtol), (double)(atol));                                              \
    } while (0)

/* Minimal JSON access for tests/data/golden/reference_values.json: returns
 * a parsed document; values are looked up by a path like
 * "losscone_cases/2/chi2_halekas" (arrays by index). */
typedef struct ts_json ts_json;
ts_json *ts_json_load(const char *path);
void ts_json_free(ts_json *doc);
/* The node at path or NULL. */
const ts_json *ts_json_get(const ts_json *root, const char *path);
/* Number (null -> NaN). */
double ts_json_num(const ts_json *node);
/* Array length (or -1). */
int ts_json_len(const ts_json *node);
const ts_json *ts_json_at(const ts_json *node, int index);
/* Flatten a (nested) numeric array into out[max]; returns count. */
int ts_json_flatten(const ts_json *node, double *out, int max);
const char *ts_json_str(const ts_json *node);
/* Golden document from tests/data/golden (NULL, with a message, when absent). */
ts_json *ts_golden(void);

#endif
