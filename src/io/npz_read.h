/* NPZ reader (docs/npz.md): ZIP central directory (stored and deflate
 * entries, ZIP64) of .npy arrays (format 1.0/2.0/3.0 headers). Every offset
 * and size of the untrusted file is bounds-checked; a damaged file gives a
 * clear error, never a crash. Used by `lpmap plot` and by the tests. */
#ifndef LPMAP_IO_NPZ_READ_H
#define LPMAP_IO_NPZ_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "io/npz.h"

#define NPZ_READ_MAX_DIMS 8

/* One decoded array. data holds n elements: double (NPZ_FLOAT64), int64_t
 * (NPZ_INT64), int8_t (NPZ_INT8), uint8_t 0/1 (NPZ_BOOL) or, for
 * NPZ_UNICODE ('<U{width}'), n NUL-terminated UTF-8 strings of `stride`
 * bytes each (stride = 4*width + 1). */
typedef struct {
    npz_dtype dtype;
    int ndim;
    size_t shape[NPZ_READ_MAX_DIMS];
    size_t n;
    int width;
    size_t stride;
    void *data;
} npz_array;

typedef struct npz_file npz_file;

/* Open an NPZ and read its central directory. */
lp_status npz_read_open(const char *path, npz_file **out, lp_error *err);
void npz_read_close(npz_file *f);

/* Number of entries and the key of entry i (the member name without ".npy"). */
size_t npz_read_count(const npz_file *f);
const char *npz_read_key(const npz_file *f, size_t i);
int npz_read_has(const npz_file *f, const char *key);

/* Decode the array `key` (LP_ERR_RANGE with "no key" message when absent).
 * The caller frees it with npz_array_free. */
lp_status npz_read_array(npz_file *f, const char *key, npz_array *out, lp_error *err);
void npz_array_free(npz_array *a);

/* Read `key` as n doubles (float64, int64, int8 and bool are converted),
 * malloc'd into *out. Unicode is refused with LP_ERR_FORMAT. */
lp_status npz_read_f64(npz_file *f, const char *key, double **out, size_t *n, lp_error *err);

/* Parse a complete .npy image (header + data) from memory (io/npy.c); `what` names it
 * in messages. Exposed for tests and fuzzing. */
lp_status npz_parse_npy(const unsigned char *buf, size_t len, const char *what, npz_array *out,
                        lp_error *err);

#endif
