/* ER 3-D electron flux tables 3DYYMMDD.TAB (docs/formats.md §1): reader, sweep
 * cleaning (docs/physics.md §1) and sweep index (docs/physics.md §9).
 * API pinned by the integrator; implemented in er_tab.c. */
#ifndef LPMAP_IO_ER_TAB_H
#define LPMAP_IO_ER_TAB_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/constants.h"
#include "core/status.h"

#define ER_TEXT_WIDTH 32 /* UTC and time fields as read, NUL-terminated */

/* Rows of one or more files, structure of arrays, in input order. Fill
 * values are NaN. */
typedef struct {
    size_t n_rows, capacity;
    char (*utc)[ER_TEXT_WIDTH];       /* field 1 as read */
    char (*time_text)[ER_TEXT_WIDTH]; /* field 2 as read */
    double *time_unix;                /* field 2 parsed */
    double *energy;                   /* eV */
    int64_t *spec_no;
    double (*mag)[3];              /* nT, SCD */
    double (*flux)[LP_N_CHANNELS]; /* #/(cm^2 s sr eV), NaN = fill */
    double (*phi)[LP_N_CHANNELS];  /* deg, NaN = fill */
} er_table;

typedef struct {
    int strict; /* a malformed line is fatal instead of skipping its sweep */
} er_read_options;

typedef struct {
    size_t lines; /* data lines seen */
    size_t rows_kept;
    size_t sweeps_kept;
    size_t sweeps_bad_format; /* skipped: malformed line in the sweep */
    size_t sweeps_bad_field;  /* dropped: |B| out of range / non-finite B */
    size_t sweeps_bad_time;   /* dropped: epoch-zero time stamp */
    size_t fill_values;       /* flux/phi fill values turned into NaN */
    char first_problem[512];  /* first format problem "file:line: field N: why" */
    size_t bytes;             /* input size; 0 = an empty file (no rows, not an error) */
    size_t malformed_lines;   /* lines that failed to parse (non-strict) */
} er_read_stats;

/* Read one file, appending cleaned rows to `table` (which may already hold
 * rows). On a malformed line: non-strict skips the sweep, counts it and
 * logs one warning naming file, line and field; strict returns
 * LP_ERR_FORMAT with that message. A spec_no that comes back after another
 * sweep is malformed too (all its runs are skipped). A file that cannot be
 * opened is LP_ERR_IO. The table is unchanged on error. `stats` (may be
 * NULL) is reset by each call. */
lp_status er_table_read(const char *path, const er_read_options *opt, er_table *table,
                        er_read_stats *stats, lp_error *err);

/* Read from memory (the fuzzers and tests use it); `name` is used in messages. */
lp_status er_table_read_buffer(const char *data, size_t len, const char *name,
                               const er_read_options *opt, er_table *table, er_read_stats *stats,
                               lp_error *err);

void er_table_init(er_table *table);
void er_table_free(er_table *table);
void er_table_clear(er_table *table); /* n_rows = 0, keeps capacity */
/* An empty table with room for `rows` rows (at least 1), zero-filled, for
 * callers that fill rows themselves (the C API, the benchmarks); -1 when out
 * of memory (the table is then empty). */
int er_table_alloc(er_table *table, size_t rows);

/* Keep the rows r with keep[r] != 0 (in order), drop the others; returns
 * how many were dropped (the batch drops sweeps read twice). */
size_t er_table_keep_rows(er_table *table, const unsigned char *keep);

/* The random stream id of a sweep in the default physics (docs/decisions.md
 * "Sweep streams"): from the time of its first row (rounded to the ms), so
 * a sweep's fit does not depend on what else was read with it; `fallback`
 * where that time is not finite. */
uint64_t er_sweep_stream(double time_unix, uint64_t fallback);

/* Sweeps: contiguous runs of rows sharing a spec_no. */
typedef struct {
    size_t n_sweeps;
    size_t *start; /* first row */
    int *n_rows;   /* rows in the sweep (<= LP_N_ENERGIES normally) */
} er_sweeps;

/* Index the sweeps of a table; a spec_no appearing in two separate runs is
 * LP_ERR_FORMAT naming it. */
lp_status er_sweeps_build(const er_table *table, er_sweeps *out, lp_error *err);
void er_sweeps_free(er_sweeps *s);

/* Add `offset` to every spec_no (merging files, docs/physics.md §9); returns the
 * next offset, (max spec_no after the shift) + 1. */
int64_t er_table_offset_spec_no(er_table *table, size_t first_row, int64_t offset);

/* Write rows [first_row, first_row+n_rows) in the PDS text format (NaN flux
 * as 9.999E-99, NaN phi as 999.99). Used by the simulator and bench parse. */
lp_status er_table_write(FILE *f, const er_table *t, size_t first_row, size_t n_rows,
                         lp_error *err);

#endif
