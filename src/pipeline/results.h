/* Growing per-row and per-sweep result columns of a batch run, and their
 * output as the NPZ of docs/npz.md. */
#ifndef LPMAP_PIPELINE_RESULTS_H
#define LPMAP_PIPELINE_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "io/er_tab.h"

typedef struct {
    void *data;
    size_t elem, n, cap;
} column;

/* Row columns (one entry per kept ER row). */
typedef enum {
    ROW_SPEC_NO,
    ROW_UTC,
    ROW_TIME,
    ROW_SC_LAT,
    ROW_SC_LON,
    ROW_PROJ_LAT,
    ROW_PROJ_LON,
    ROW_USC,
    ROW_USURF,
    ROW_SC_SUN,
    ROW_PROJ_SUN,
    ROW_POLARITY,
    ROW_R,
    ROW_BEAM,
    ROW_CHI2,
    ROW_TE,
    ROW_DENSITY,
    ROW_KAPPA,
    ROW_ENV,
    ROW_UWIDTH,
    ROW_UIDENT,
    ROW_USC_SIGMA,   /* issue #15: 1-sigma of U_sc (V) */
    ROW_USURF_SIGMA, /* issue #15: 1-sigma of U_surface (V) */
    /* issue #15: numeric time and status (rows_et, rows_datetime, rows_status) */
    ROW_ET,       /* TDB s past J2000 (NaN when the UTC did not convert) */
    ROW_DATETIME, /* int64 ms since 1970-01-01 UTC, NPZ_NAT when unparsable */
    ROW_STATUS,   /* int8 sweep_status of the row's sweep */
    ROW_NCOLS
} row_column;

/* Spectrum columns (one entry per sweep). */
typedef enum {
    SPEC_SPEC_NO,
    SPEC_TIME_START,
    SPEC_TIME_END,
    SPEC_HAS_FIT,
    SPEC_ROW_COUNT,
    SPEC_USURF,
    SPEC_R,
    SPEC_CHI2,
    SPEC_TE,
    SPEC_DENSITY,
    SPEC_ENV,
    SPEC_UWIDTH,
    SPEC_UIDENT,
    SPEC_USC,
    SPEC_USC_SIGMA,
    SPEC_USURF_SIGMA,
    /* issue #15: status codes (spec_status, spec_fit_flags) */
    SPEC_STATUS,     /* int8 sweep_status: 0 exactly when has_fit */
    SPEC_FIT_FLAGS,  /* uint8 fit_flag bits */
    SPEC_USC_METHOD, /* int8: how U_sc was obtained (SCB_METHOD_*) */
    SPEC_NCOLS
} spec_column;

typedef struct {
    column rows[ROW_NCOLS];
    column spec[SPEC_NCOLS];
} batch_results;

void results_init(batch_results *r);
void results_free(batch_results *r);
/* Append one element (elem bytes) to a column; -1 when out of memory. */
int column_push(column *c, const void *value);
size_t results_n_rows(const batch_results *r);
size_t results_n_spec(const batch_results *r);
/* Order of the spectra by ascending spec_no (stable); malloc'd, NULL on OOM. */
size_t *results_spectrum_order(const batch_results *r);
/* Copy of column c permuted by idx (n entries); malloc'd, NULL on OOM. */
void *column_gather(const column *c, const size_t *idx, size_t n);

/* Milliseconds since 1970-01-01T00:00:00 UTC of an ER UTC text
 * ("YYYY-MM-DDTHH:MM:SS[.fff]", 'T' or ' '); 0 when it does not parse.
 * Leap seconds are not counted (numpy.datetime64 does not count them). */
int results_utc_to_unix_ms(const char *utc, int64_t *ms);

#endif
