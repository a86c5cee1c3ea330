/* lpmap_sweeps_*: ER files read, cleaned and indexed as `lpmap batch`
 * ingests them (io/er_tab.h, io/theta.h), and their per-sweep arrays. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "io/theta.h"

/* The sweep index of a filled table, then *out = s; frees s on failure. */
static lpmap_status sweeps_finish(lpmap_sweeps *s, lpmap_sweeps **out)
{
    lp_error err;
    lp_error_clear(&err);
    if (er_sweeps_build(&s->table, &s->index, &err) != LP_OK) {
        lpmap_sweeps_free(s);
        return api_fail(&err);
    }
    *out = s;
    return LPMAP_OK;
}

lpmap_status lpmap_sweeps_read(const char *const *paths, size_t n_paths, const char *theta_path,
                               int strict, lpmap_sweeps **out)
{
    api_enter();
    if (!out)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_sweeps_read: out is NULL");
    *out = NULL;
    if ((!paths && n_paths) || !theta_path)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_sweeps_read: paths or theta_path is NULL");
    lpmap_sweeps *s = calloc(1, sizeof *s);
    if (!s)
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory");
    er_table_init(&s->table);
    lp_error err;
    lp_error_clear(&err);
    lp_status st = theta_read(theta_path, &s->inst, &err);
    er_read_options ro = {strict};
    int64_t offset = 0;
    for (size_t i = 0; st == LP_OK && i < n_paths; i++) {
        size_t first_row = s->table.n_rows;
        if ((st = er_table_read(paths[i], &ro, &s->table, NULL, &err)) == LP_OK)
            /* spec_no restart per file: offset them as a batch run does. */
            offset = er_table_offset_spec_no(&s->table, first_row, offset);
    }
    if (st != LP_OK) {
        lpmap_sweeps_free(s);
        return api_fail(&err);
    }
    return sweeps_finish(s, out);
}

lpmap_status lpmap_sweeps_create(size_t n, const int32_t *n_rows, const double *time,
                                 const double *energy, const double *mag, const double *flux,
                                 const double *phi, const double *theta_deg, lpmap_sweeps **out)
{
    api_enter();
    if (!out)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_sweeps_create: out is NULL");
    *out = NULL;
    if (!theta_deg || (n && (!n_rows || !energy || !mag || !flux || !phi)))
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_sweeps_create: NULL array");
    size_t rows = 0;
    for (size_t k = 0; k < n; k++) {
        if (n_rows[k] < 1 || n_rows[k] > LP_N_ENERGIES)
            return api_fail_msg(LPMAP_ERR_RANGE, "sweep %zu: n_rows %d is not 1..%d", k,
                                (int)n_rows[k], LP_N_ENERGIES);
        rows += (size_t)n_rows[k];
    }
    lpmap_sweeps *s = calloc(1, sizeof *s);
    if (!s)
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory");
    er_table *t = &s->table;
    er_table_init(t);
    lp_error err;
    lp_error_clear(&err);
    if (instrument_from_theta(theta_deg, &s->inst, &err) != LP_OK) {
        free(s);
        return api_fail(&err);
    }
    if (er_table_alloc(t, rows)) {
        lpmap_sweeps_free(s);
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory for %zu rows", rows);
    }
    size_t r = 0;
    for (size_t k = 0; k < n; k++)
        for (int i = 0; i < n_rows[k]; i++, r++) {
            size_t row = k * LP_N_ENERGIES + (size_t)i;
            t->time_unix[r] = time ? time[k] : NAN;
            t->energy[r] = energy[row];
            t->spec_no[r] = (int64_t)k + 1;
            memcpy(t->mag[r], mag + row * 3, sizeof t->mag[r]);
            memcpy(t->flux[r], flux + row * LP_N_CHANNELS, sizeof t->flux[r]);
            memcpy(t->phi[r], phi + row * LP_N_CHANNELS, sizeof t->phi[r]);
        }
    t->n_rows = rows;
    return sweeps_finish(s, out);
}

void lpmap_sweeps_free(lpmap_sweeps *s)
{
    if (!s)
        return;
    er_sweeps_free(&s->index);
    er_table_free(&s->table);
    free(s);
}

size_t lpmap_sweeps_count(const lpmap_sweeps *s)
{
    return s ? s->index.n_sweeps : 0;
}

/* Values per sweep of a field. */
static size_t field_width(lpmap_field f)
{
    switch (f) {
    case LPMAP_FIELD_TIME:
    case LPMAP_FIELD_SPEC_NO:
    case LPMAP_FIELD_N_ROWS: return 1;
    case LPMAP_FIELD_ENERGY: return LP_N_ENERGIES;
    case LPMAP_FIELD_MAG: return LP_N_ENERGIES * 3;
    case LPMAP_FIELD_FLUX:
    case LPMAP_FIELD_PHI: return LP_N_ENERGIES * LP_N_CHANNELS;
    }
    return 0;
}

lpmap_status lpmap_sweeps_copy(const lpmap_sweeps *s, lpmap_field field, size_t first, size_t n,
                               double *out)
{
    size_t w = field_width(field);
    if (!s || (!out && n) || w == 0)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_sweeps_copy: bad arguments");
    if (first > s->index.n_sweeps || n > s->index.n_sweeps - first)
        return api_fail_msg(LPMAP_ERR_RANGE, "sweeps [%zu, %zu) outside the set of %zu", first,
                            first + n, s->index.n_sweeps);
    const er_table *t = &s->table;
    for (size_t k = 0; k < n; k++) {
        size_t r0 = s->index.start[first + k];
        int rows = s->index.n_rows[first + k];
        int nf = rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows; /* as the fits use them */
        double *o = out + k * w;
        for (size_t i = 0; i < w; i++)
            o[i] = NAN;
        switch (field) {
        case LPMAP_FIELD_TIME: o[0] = t->time_unix[r0]; break;
        case LPMAP_FIELD_SPEC_NO: o[0] = (double)t->spec_no[r0]; break;
        case LPMAP_FIELD_N_ROWS: o[0] = nf; break;
        case LPMAP_FIELD_ENERGY: memcpy(o, &t->energy[r0], nf * sizeof *o); break;
        case LPMAP_FIELD_MAG: memcpy(o, &t->mag[r0], nf * sizeof t->mag[0]); break;
        case LPMAP_FIELD_FLUX: memcpy(o, &t->flux[r0], nf * sizeof t->flux[0]); break;
        case LPMAP_FIELD_PHI: memcpy(o, &t->phi[r0], nf * sizeof t->phi[0]); break;
        }
    }
    return LPMAP_OK;
}
