/* `lpmap simulate` driver (docs/simulate.md, docs/formats.md §1-§4, §7):
 * writes theta.tab, attitude.tab, spice_kernels/, the ER day files in the
 * PDS layout, truth.csv and the run's metadata (simulation.json: the options
 * and the plasma simulated; the pipeline never reads it) under one folder.
 * Output is byte-identical for the same options whatever the thread count. */
#ifndef LPMAP_SIM_SIM_RUN_H
#define LPMAP_SIM_SIM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct {
    const char *out_dir;
    int year, month, day; /* first day (UTC) */
    int days;             /* default 30 */
    uint64_t seed;        /* default 42 */
    int sweeps_per_day;   /* default 1080 (80 s cadence) */
    int overwrite;        /* allow a non-empty out_dir */
    int threads;          /* 0 = all cores */
    int plasma;           /* sim_plasma_kind; default SIM_PLASMA_KAPPA */
} sim_options;

void sim_options_init(sim_options *o);

typedef struct {
    size_t files, sweeps, rows;
    size_t sweeps_invalid_b; /* sweeps written with |B| = 0 */
    size_t sweeps_footpoint; /* sweeps with a footpoint */
    size_t sweeps_sunlit;    /* spacecraft in sunlight */
    double bytes;            /* ER bytes written */
    double seconds_kernels, seconds_days;
} sim_summary;

lp_status sim_run(const sim_options *o, sim_summary *summary, lp_error *err);

/* ER file path parts for a date: "1998/091_120APR" and "3D980401.TAB". */
void sim_er_folder(int year, int month, char *buf, size_t size);
void sim_er_name(int year, int month, int day, char *buf, size_t size);

#endif
