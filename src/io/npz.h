/* NPZ writer (docs/npz.md): a ZIP (stored, ZIP64 when needed) of .npy
 * arrays that numpy.load reads with allow_pickle=False. Arrays are streamed
 * to a temporary file in the output folder, renamed into place by
 * npz_writer_commit; npz_writer_abort removes it. Implemented in npz.c. */
#ifndef LPMAP_IO_NPZ_H
#define LPMAP_IO_NPZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "io/npy.h"

typedef struct npz_writer npz_writer;

/* Start writing `final_path`. Refuses (LP_ERR_IO, message says so) when it
 * exists and overwrite is 0 — callers check first to exit 0 with a message. */
lp_status npz_writer_open(const char *final_path, int overwrite, npz_writer **out, lp_error *err);

/* Add a 0-d (ndim 0) or 1-d array. For NPZ_BOOL data is uint8_t (0/1).
 * For NPZ_UNICODE data is n strings of `stride` bytes each (UTF-8/ASCII,
 * NUL-terminated or full), stored as '<U{width}'. `name` without ".npy". */
lp_status npz_writer_add(npz_writer *w, const char *name, npz_dtype dtype, int ndim, size_t n,
                         const void *data, size_t stride, int width, lp_error *err);

/* Any shape up to 8 dimensions (C order; data holds the product of shape[]
 * elements). npz_writer_add is this with ndim 0 or 1. */
lp_status npz_writer_add_shape(npz_writer *w, const char *name, npz_dtype dtype, int ndim,
                               const size_t *shape, const void *data, size_t stride, int width,
                               lp_error *err);

/* Convenience wrappers (1-d). */
lp_status npz_add_f64(npz_writer *w, const char *name, const double *v, size_t n, lp_error *err);
lp_status npz_add_i64(npz_writer *w, const char *name, const int64_t *v, size_t n, lp_error *err);
lp_status npz_add_i8(npz_writer *w, const char *name, const int8_t *v, size_t n, lp_error *err);
lp_status npz_add_bool(npz_writer *w, const char *name, const uint8_t *v, size_t n, lp_error *err);
lp_status npz_add_str(npz_writer *w, const char *name, const char *strings, size_t stride, size_t n,
                      int width, lp_error *err);
/* datetime64[ms]: milliseconds since the Unix epoch, NPZ_NAT for none. */
lp_status npz_add_datetime64_ms(npz_writer *w, const char *name, const int64_t *ms, size_t n,
                                lp_error *err);
/* 0-d scalars. */
lp_status npz_add_scalar_f64(npz_writer *w, const char *name, double v, lp_error *err);
lp_status npz_add_scalar_i64(npz_writer *w, const char *name, int64_t v, lp_error *err);
lp_status npz_add_scalar_str(npz_writer *w, const char *name, const char *s, lp_error *err);

/* Write the central directory, flush, fsync and rename into place. Frees w. */
lp_status npz_writer_commit(npz_writer *w, lp_error *err);
/* Path of the temporary file being written. */
const char *npz_writer_temp_path(const npz_writer *w);
/* Write ZIP64 records even for small archives (tests exercise the ZIP64
 * path without writing 4 GiB; the environment variable
 * LPMAP_NPZ_FORCE_ZIP64 does the same for every writer). */
void npz_writer_force_zip64(npz_writer *w);
/* Remove the temporary file. Frees w. Safe with NULL. */
void npz_writer_abort(npz_writer *w);

#endif
