/* Internal interface of the batch driver (docs/decisions.md "Pipeline and outputs"): the run
 * context shared by the stages, one day's working data, and one function per stage (ingest.c,
 * geometry_stage.c, scpot_stage.c, fit_stage.c, results.c, output.c; batch.c drives them). */
#ifndef LPMAP_PIPELINE_STAGES_H
#define LPMAP_PIPELINE_STAGES_H

#include <stddef.h>
#include <stdint.h>

#include "core/progress.h"
#include "core/status.h"
#include "fit/backend.h"
#include "fit/scpot.h"
#include "fit/session.h"
#include "geometry/geometry.h"
#include "io/discover.h"
#include "io/er_tab.h"
#include "io/npz.h"
#include "physics/instrument.h"
#include "pipeline/batch.h"
#include "pipeline/results.h"
#include "spice/spice.h"

/* Wall-time buckets (meta_seconds_* and the summary). */
typedef enum {
    STAGE_SETUP = 0, /* discovery, theta, kernels, attitude, backend */
    STAGE_INGEST,    /* read + clean + sweep index */
    STAGE_TIME,      /* UTC → ET */
    STAGE_GEOMETRY,
    STAGE_SCPOT,   /* U_sc: kappa fits + charging */
    STAGE_PREPARE, /* pitch angles + normalization */
    STAGE_FIT,     /* loss-cone fits */
    STAGE_RESULTS, /* classification + appending */
    STAGE_OUTPUT,  /* NPZ */
    STAGE_COUNT
} batch_stage;

const char *batch_stage_name(batch_stage s);

/* Counters of a run (meta_* entries and the final summary). */
typedef struct {
    size_t files_read, files_failed;
    size_t lines_read, rows_kept;
    size_t sweeps_total; /* sweeps kept after cleaning (all get output rows) */
    size_t sweeps_bad_format, sweeps_bad_field, sweeps_bad_time;
    size_t rows_no_geometry;
    size_t sweeps_usc_ok, sweeps_usc_bad_kappa, sweeps_usc_no_root, sweeps_usc_no_geometry;
    size_t sweeps_fitted, sweeps_not_fitted, sweeps_invalid;
    size_t sweeps_truncated; /* > LP_N_ENERGIES rows: fitted on the first 15 */
    size_t sweeps_duplicate; /* same UTC and spec_no already read from another file: dropped */
    size_t files_misdated;   /* content dated other than the file name says (warned) */
} batch_counts;

/* Sweeps already read in this run, by (spec_no as read, UTC of the first
 * row), with the file that held them: a sweep seen twice is kept once. */
typedef struct {
    int64_t spec_no;
    char utc[ER_TEXT_WIDTH];
    size_t file; /* index into batch_context.files; SIZE_MAX = empty slot */
} sweep_key;
typedef struct {
    sweep_key *slot;
    size_t cap, n;
} sweep_key_set;

typedef struct {
    const batch_options *opt;
    char kernels_dir[4096];
    char **kernel_files; /* loaded kernels, for meta_kernels */
    size_t n_kernel_files;
    er_instrument inst;
    spice_kernels *kernels;
    attitude_table attitude;
    fit_backend *backend;
    fit_session *session; /* one per run: the fit settings, the backend's buffers and stream */
    losscone_settings lc;
    kappa_settings ks;
    er_file_list files;
    char **problem_files; /* "name (reason)": skipped files, files with bad sweeps */
    size_t n_problem_files;
    batch_counts counts;
    double stage_s[STAGE_COUNT];
    double ingest_wait_s; /* driver time spent waiting for the reader thread */
    double wall_start;
    uint64_t sweep_counter;         /* sweeps before this day (reference: the random stream) */
    int64_t spec_offset;            /* docs/physics.md §9 */
    size_t sweeps_done;             /* for the progress display */
    double bytes_total, bytes_read; /* of the ER files: total sweeps estimated from them */
    progress prog;
    batch_results res;
    sweep_key_set seen;          /* duplicate detection across files */
    char *fingerprint_text;      /* fingerprint.c: canonical text of inputs + settings */
    char fingerprint[41];        /* its SHA-1, hex */
    char first_no_geometry[512]; /* why the first row without geometry has none */
} batch_context;

/* One day's working data: only one day's input is in memory at a time. */
typedef struct {
    const er_file *file;
    const char *name; /* file name without folders */
    /* result of ingest_read (may run on the prefetch thread) */
    lp_status read_status;
    lp_error read_err;
    er_read_stats read_stats;
    double read_seconds;
    er_table table;
    er_sweeps sweeps;
    row_geometry *geo; /* per row */
    size_t cap_rows;
    /* per row: pitch angles with the default field direction b = -B/|B|
     * (pitch_stage.c; rows beyond a sweep's first LP_N_ENERGIES are not filled) */
    double (*pitch)[LP_N_CHANNELS];
    size_t cap_pitch;
    /* per sweep of the day (the whole day goes to each stage at once) */
    scpot_sweep *scp;
    scpot_result *usc;
    losscone_sweep *lcs;
    losscone_result *lcr;
    size_t cap_chunk;
} day_work;

/* Each stage gets a whole day's sweeps in one call; the backend chunks
 * them itself (fit/session.h, docs/decisions.md "Backend sessions").
 * Cancellation is checked between days and, by the CPU fitters, between
 * sweeps. */

void day_work_init(day_work *d);
void day_work_free(day_work *d);
lp_status day_work_reserve_chunk(day_work *d, size_t n, lp_error *err);

/* ingest.c: read + clean one file into d (touches only d, so it can run on
 * the prefetch thread while the previous day is fitted). */
void ingest_read(const batch_options *o, const er_file *file, day_work *d);
/* ingest.c, in file order on the driver thread: counts, spec_no offset,
 * sweep index. A file that cannot be used is recorded and *usable = 0 (not
 * an error unless --strict). */
lp_status ingest_commit(batch_context *ctx, day_work *d, int *usable, lp_error *err);
void ingest_note_problem(batch_context *ctx, const char *name, const char *reason);
void ingest_seen_free(batch_context *ctx);

/* geometry_stage.c: ET and geometry of every row of the day. */
lp_status geometry_stage_run(batch_context *ctx, day_work *d, lp_error *err);

/* pitch_stage.c: d->pitch of the rows the stages use, once per day for both
 * the U_sc and the loss-cone stage (docs/performance.md "Pitch angles once
 * per day"). Counted in the "prepare" stage. */
lp_status pitch_stage_run(batch_context *ctx, day_work *d, lp_error *err);
/* pitch_stage.c: row `row`'s pitch angles for field polarity `pol` (that of
 * pitch_row), from d->pitch where the direction is the default one. */
void pitch_stage_row(const batch_context *ctx, const day_work *d, size_t row, int pol,
                     double out[LP_N_CHANNELS]);

/* scpot_stage.c: U_sc of the day's sweeps [first, first+n) into d->usc. */
lp_status scpot_stage_run(batch_context *ctx, day_work *d, size_t first, size_t n, lp_error *err);

/* sweep_stream.c: the random stream id of the day's sweep `sweep`. */
uint64_t sweep_stream_id(const batch_context *ctx, const day_work *d, size_t sweep);

/* fit_stage.c: prepare and fit sweeps [first, first+n) into d->lcr. */
lp_status fit_stage_run(batch_context *ctx, day_work *d, size_t first, size_t n, lp_error *err);

/* results.c: classify and append rows and spectra of sweeps [first, first+n). */
lp_status results_append_chunk(batch_context *ctx, const day_work *d, size_t first, size_t n,
                               lp_error *err);

/* output.c: file name of docs/formats.md / docs/usage.md, and the NPZ with every
 * key of docs/npz.md (spectra ascending spec_no), written atomically. */
void output_path(const batch_options *o, char *buf, size_t n);
/* fingerprint.c: before any work, refuse a folder or a non-NPZ file at the
 * output path (*exists = 1 when an NPZ is there). */
lp_status batch_output_check_path(const char *path, int *exists, lp_error *err);
/* fingerprint.c: ctx->fingerprint_text / fingerprint from the discovered
 * files, theta/attitude tables, kernels and the settings. */
lp_status batch_fingerprint_build(batch_context *ctx, lp_error *err);
/* fingerprint.c: *same = 1 when the NPZ at path has this run's fingerprint;
 * otherwise an error naming the first items that differ. */
lp_status batch_fingerprint_compare(const batch_context *ctx, const char *path, int *same,
                                    lp_error *err);
lp_status output_write_npz(batch_context *ctx, const char *path, lp_error *err);

#endif
