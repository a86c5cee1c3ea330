/* The .npy format (NumPy's array file: magic, version, a Python-dict
 * header, raw little-endian data) in one place for the NPZ writer (npz.c)
 * and reader (npz_read.c): the dtype strings, the v1.0 header the writer
 * emits, and the strict parser of v1/v2/v3 headers and data. Below both:
 * it includes neither npz.h nor npz_read.h. */
#ifndef LPMAP_IO_NPY_H
#define LPMAP_IO_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* NPZ_DATETIME64_MS: int64 milliseconds since 1970-01-01T00:00:00 UTC
 * (numpy.datetime64[ms], '<M8[ms]'); INT64_MIN is NaT. */
typedef enum {
    NPZ_BOOL,
    NPZ_INT8,
    NPZ_INT64,
    NPZ_FLOAT64,
    NPZ_UNICODE,
    NPZ_DATETIME64_MS
} npz_dtype;
#define NPZ_NAT INT64_MIN

#define NPY_DESCR_MAX 32
#define NPY_HEADER_MAX (10 + 512 + 64)

/* The dtype string ("<f8", "|b1", "<U{width}", ...) and the bytes per item
 * of a dtype; -1 for an unknown dtype. */
int npy_descr(npz_dtype dtype, int width, char descr[NPY_DESCR_MAX], size_t *item);

/* Write the .npy v1.0 header of an array into hdr, padded with spaces so
 * the data starts 64-byte aligned; shape_text is the inside of the shape
 * tuple ("" for 0-d, "5," for 1-d, "3, 4" for 2-d; at most 8 dimensions).
 * Returns the header's length in bytes (<= NPY_HEADER_MAX). */
size_t npy_header_write(const char *descr, const char *shape_text,
                        unsigned char hdr[NPY_HEADER_MAX]);

#define NPZ_READ_MAX_DIMS 8

/* One decoded array (npz_read_array, npz_parse_npy). data holds n elements: double (NPZ_FLOAT64),
 * int64_t (NPZ_INT64), int8_t (NPZ_INT8), uint8_t 0/1 (NPZ_BOOL) or, for NPZ_UNICODE ('<U{width}'),
 * n NUL-terminated UTF-8 strings of `stride` bytes each (stride = 4*width + 1). */
typedef struct {
    npz_dtype dtype;
    int ndim;
    size_t shape[NPZ_READ_MAX_DIMS];
    size_t n;
    int width;
    size_t stride;
    void *data;
} npz_array;

void npz_array_free(npz_array *a);

/* Parse a complete .npy image (header + data) from memory; `what` names it
 * in messages (the NPZ reader decodes each member with it). Exposed for tests and fuzzing. */
lp_status npz_parse_npy(const unsigned char *buf, size_t len, const char *what, npz_array *out,
                        lp_error *err);

#endif
