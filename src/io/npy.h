/* The .npy format (NumPy's array file: magic, version, a Python-dict
 * header, raw little-endian data) in one place for the NPZ writer (npz.c)
 * and reader (npz_read.c): the dtype strings, the v1.0 header the writer
 * emits, and the strict parser of v1/v2/v3 headers and data
 * (npz_parse_npy, declared in npz_read.h). */
#ifndef LPMAP_IO_NPY_H
#define LPMAP_IO_NPY_H

#include <stddef.h>

#include "io/npz.h"

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

#endif
