/* Sweep cleaning while an ER file is read: the verdict on a finished run of
 * rows (bad |B|, epoch-zero time, malformed line), and the spec_no set that
 * finds values coming back after another sweep. See er_clean.h. */
#include "io/er_clean.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sweep-level cleaning of rows [start, end): 0 keep, 1 bad field, 2 bad time. */
static int sweep_verdict(const er_table *t, size_t start, size_t end)
{
    for (size_t r = start; r < end; r++) {
        const double *b = t->mag[r];
        if (!isfinite(b[0]) || !isfinite(b[1]) || !isfinite(b[2]))
            return 1;
        double m = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
        if (m <= LP_B_MIN_NT || m >= LP_B_MAX_NT)
            return 1;
        if (t->time_unix[r] == 0.0)
            return 2;
    }
    return 0;
}

void er_row_move(er_table *t, size_t dst, size_t src)
{
    memcpy(t->utc[dst], t->utc[src], sizeof t->utc[src]);
    memcpy(t->time_text[dst], t->time_text[src], sizeof t->time_text[src]);
    t->time_unix[dst] = t->time_unix[src];
    t->energy[dst] = t->energy[src];
    t->spec_no[dst] = t->spec_no[src];
    memcpy(t->mag[dst], t->mag[src], sizeof t->mag[src]);
    memcpy(t->flux[dst], t->flux[src], sizeof t->flux[src]);
    memcpy(t->phi[dst], t->phi[src], sizeof t->phi[src]);
}

static size_t spec_hash(int64_t v, size_t cap)
{
    uint64_t x = (uint64_t)v * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(x >> 17) & (cap - 1);
}

spec_slot *er_spec_find(spec_set *s, int64_t v)
{
    if (!s->cap)
        return NULL;
    for (size_t i = spec_hash(v, s->cap);; i = (i + 1) & (s->cap - 1)) {
        if (!s->slots[i].used)
            return NULL;
        if (s->slots[i].spec == v)
            return &s->slots[i];
    }
}

/* Insert v (absent); NULL when out of memory. */
spec_slot *er_spec_insert(spec_set *s, int64_t v)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        spec_slot *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].used) {
                size_t j = spec_hash(s->slots[i].spec, cap);
                while (ns[j].used)
                    j = (j + 1) & (cap - 1);
                ns[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = ns;
        s->cap = cap;
    }
    size_t j = spec_hash(v, s->cap);
    while (s->slots[j].used)
        j = (j + 1) & (s->cap - 1);
    s->slots[j] = (spec_slot){.spec = v, .used = 1};
    s->n++;
    return &s->slots[j];
}

/* Close the current run: keep it, or drop its rows (bad format, bad B,
 * bad time) and count why. */
void er_run_close(er_table *t, sweep_run *run, er_read_stats *stats, spec_set *seen)
{
    if (!run->open)
        return;
    int verdict = run->bad ? 3 : sweep_verdict(t, run->start, t->n_rows);
    if (verdict == 3)
        stats->sweeps_bad_format++;
    else if (verdict == 1)
        stats->sweeps_bad_field++;
    else if (verdict == 2)
        stats->sweeps_bad_time++;
    else {
        stats->sweeps_kept++;
        spec_slot *s = er_spec_find(seen, run->spec);
        if (s)
            s->kept_runs++;
    }
    if (verdict)
        t->n_rows = run->start;
    run->open = 0;
    run->bad = 0;
}

/* Remove the kept rows of spec_no values that came back after another
 * sweep (all their runs are input errors) and move their count from kept
 * to bad format. */
void er_drop_duplicated_specs(er_table *t, size_t first_row, spec_set *seen, er_read_stats *stats)
{
    size_t w = first_row;
    for (size_t r = first_row; r < t->n_rows; r++) {
        const spec_slot *s = er_spec_find(seen, t->spec_no[r]);
        if (s && s->dup)
            continue;
        if (w != r)
            er_row_move(t, w, r);
        w++;
    }
    t->n_rows = w;
    for (size_t i = 0; i < seen->cap; i++)
        if (seen->slots[i].used && seen->slots[i].dup) {
            stats->sweeps_kept -= seen->slots[i].kept_runs;
            stats->sweeps_bad_format += seen->slots[i].kept_runs;
        }
}
