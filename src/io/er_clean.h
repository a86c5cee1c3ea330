/* Sweep cleaning for the ER reader (er_clean.c): runs of rows sharing a
 * spec_no are kept or dropped as they close, and spec_no values that come
 * back after another sweep are found with a hash set. Internal to the io
 * layer (er_tab.c uses it). */
#ifndef LPMAP_IO_ER_CLEAN_H
#define LPMAP_IO_ER_CLEAN_H

#include <stddef.h>
#include <stdint.h>

#include "io/er_tab.h"

/* spec_no values seen in this file (open addressing): the line of the first
 * run, how many runs were kept, and whether the value came back after
 * another sweep (an input error). */
typedef struct {
    int64_t spec;
    size_t first_line;
    size_t kept_runs;
    unsigned char used, dup;
} spec_slot;

typedef struct {
    spec_slot *slots;
    size_t cap, n;
    int any_dup;
} spec_set;

/* The sweep run being read: rows [start, t->n_rows) sharing `spec`. */
typedef struct {
    int open, bad;
    size_t start;
    int64_t spec;
} sweep_run;

void er_row_move(er_table *t, size_t dst, size_t src);
/* The slot of v, or NULL. */
spec_slot *er_spec_find(spec_set *s, int64_t v);
/* Insert v (absent); NULL when out of memory. */
spec_slot *er_spec_insert(spec_set *s, int64_t v);
/* Close the current run: keep it, or drop its rows (bad format, bad B,
 * bad time) and count why. */
void er_run_close(er_table *t, sweep_run *run, er_read_stats *stats, spec_set *seen);
/* Remove the kept rows of spec_no values that came back after another
 * sweep and move their count from kept to bad format. */
void er_drop_duplicated_specs(er_table *t, size_t first_row, spec_set *seen, er_read_stats *stats);

#endif
