/* The batch driver (docs/batch.md, docs/decisions.md "Pipeline and outputs"): discover → read/clean
 * → geometry → U_sc → pitch → normalization → loss-cone fit → classification → NPZ, day by day. */
#ifndef LPMAP_PIPELINE_BATCH_H
#define LPMAP_PIPELINE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "fit/fit_types.h"

typedef struct {
    const char *data_dir;    /* root with ER files, theta.tab, attitude.tab */
    const char *kernels_dir; /* NULL: DATA_DIR/spice_kernels */
    const char *output_dir;  /* default artifacts/potential_cache */
    int year, month, day;    /* 0 = no filter */
    int start_ymd, end_ymd;  /* date range YYYYMMDD, both inclusive; 0 = none */
    int fast;                /* GPU when usable */
    fit_method method;
    physics_mode physics; /* default PHYSICS_CONSISTENT */
    int usc_reject_phi_set;
    double usc_reject_phi; /* consistent: kappa fit rejected above this deviance/dof */
    int usc_core_prior_set;
    int usc_core_prior_off; /* consistent: no solar-wind core prior (docs/physics-modes.md) */
    norm_mode normalization;
    incident_stat incident;
    int beam_amp_fixed_set;
    double beam_amp_fixed;
    int u_spacecraft_set;
    double u_spacecraft;
    int emit_u_width_qc;
    int no_polish; /* docs/physics.md's optimizer without the polish */
    double u_width_identifiable_max_v;
    fit_dtype dtype;
    long batch_size; /* 0 = auto */
    int device;
    int threads; /* 0 = all cores */
    uint64_t seed;
    int overwrite;
    int strict;               /* malformed input is fatal instead of skipped */
    const char *command_line; /* recorded in meta_command_line */
} batch_options;

/* Defaults of docs/batch.md. */
void batch_options_init(batch_options *opt);

/* What a run did, for `lpmap bench batch` (added by the pipeline module). */
#define BATCH_REPORT_MAX_STAGES 16
typedef struct {
    int n_stages;
    const char *stage_names[BATCH_REPORT_MAX_STAGES];
    double stage_seconds[BATCH_REPORT_MAX_STAGES];
    double seconds_total;
    size_t files, rows, sweeps, sweeps_fitted;
    char device[128], dtype[16];
    int wrote_output; /* 0: nothing matched or the output existed */
} batch_report;

/* batch_run that also fills *report (may be NULL). (added by the pipeline module) */
lp_status batch_run_report(const batch_options *opt, batch_report *report, lp_error *err);

/* Run the whole job. Returns LP_OK (also when no files matched or the output
 * exists without overwrite; both are logged) or an error with a message. */
lp_status batch_run(const batch_options *opt, lp_error *err);

#endif
