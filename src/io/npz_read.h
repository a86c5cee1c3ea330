/* NPZ reader (docs/npz.md): ZIP central directory (stored and deflate
 * entries, ZIP64) of .npy arrays (format 1.0/2.0/3.0 headers). Every offset
 * and size of the untrusted file is bounds-checked; a damaged file gives a
 * clear error, never a crash. Used by `lpmap plot` and by the tests. */
#ifndef LPMAP_IO_NPZ_READ_H
#define LPMAP_IO_NPZ_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "io/npy.h"

typedef struct npz_file npz_file;

/* Open an NPZ and read its central directory. */
lp_status npz_read_open(const char *path, npz_file **out, lp_error *err);
void npz_read_close(npz_file *f);

/* Number of entries and the key of entry i (the member name without ".npy"). */
size_t npz_read_count(const npz_file *f);
const char *npz_read_key(const npz_file *f, size_t i);
int npz_read_has(const npz_file *f, const char *key);

/* Decode the array `key` (LP_ERR_RANGE with "no key" message when absent).
 * The caller frees it with npz_array_free (io/npy.h). */
lp_status npz_read_array(npz_file *f, const char *key, npz_array *out, lp_error *err);

/* Read `key` as n doubles (float64, int64, int8 and bool are converted),
 * malloc'd into *out. Unicode is refused with LP_ERR_FORMAT. */
lp_status npz_read_f64(npz_file *f, const char *key, double **out, size_t *n, lp_error *err);

#endif
