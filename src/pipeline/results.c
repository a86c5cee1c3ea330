/* Result columns of a batch run (see results.h). */
#include "pipeline/results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/utc.h"
#include "core/constants.h"
#include "io/npz.h"
#include "pipeline/stages.h"
#include "pipeline/sweep_status.h"

static const size_t row_elem[ROW_NCOLS] = {[ROW_SPEC_NO] = 8,
                                           [ROW_UTC] = ER_TEXT_WIDTH,
                                           [ROW_TIME] = ER_TEXT_WIDTH,
                                           [ROW_SC_LAT] = 8,
                                           [ROW_SC_LON] = 8,
                                           [ROW_PROJ_LAT] = 8,
                                           [ROW_PROJ_LON] = 8,
                                           [ROW_USC] = 8,
                                           [ROW_USURF] = 8,
                                           [ROW_SC_SUN] = 1,
                                           [ROW_PROJ_SUN] = 1,
                                           [ROW_POLARITY] = 1,
                                           [ROW_R] = 8,
                                           [ROW_BEAM] = 8,
                                           [ROW_CHI2] = 8,
                                           [ROW_TE] = 8,
                                           [ROW_DENSITY] = 8,
                                           [ROW_KAPPA] = 8,
                                           [ROW_ENV] = 1,
                                           [ROW_UWIDTH] = 8,
                                           [ROW_UIDENT] = 1,
                                           [ROW_USC_SIGMA] = 8,
                                           [ROW_USURF_SIGMA] = 8,
                                           [ROW_ET] = 8,
                                           [ROW_DATETIME] = 8,
                                           [ROW_STATUS] = 1};

static const size_t spec_elem[SPEC_NCOLS] = {[SPEC_SPEC_NO] = 8,
                                             [SPEC_TIME_START] = ER_TEXT_WIDTH,
                                             [SPEC_TIME_END] = ER_TEXT_WIDTH,
                                             [SPEC_HAS_FIT] = 1,
                                             [SPEC_ROW_COUNT] = 8,
                                             [SPEC_USURF] = 8,
                                             [SPEC_R] = 8,
                                             [SPEC_CHI2] = 8,
                                             [SPEC_TE] = 8,
                                             [SPEC_DENSITY] = 8,
                                             [SPEC_ENV] = 1,
                                             [SPEC_UWIDTH] = 8,
                                             [SPEC_UIDENT] = 1,
                                             [SPEC_USC] = 8,
                                             [SPEC_USC_SIGMA] = 8,
                                             [SPEC_USURF_SIGMA] = 8,
                                             [SPEC_STATUS] = 1,
                                             [SPEC_FIT_FLAGS] = 1,
                                             [SPEC_USC_METHOD] = 1};

void results_init(batch_results *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < ROW_NCOLS; i++)
        r->rows[i].elem = row_elem[i];
    for (int i = 0; i < SPEC_NCOLS; i++)
        r->spec[i].elem = spec_elem[i];
}

void results_free(batch_results *r)
{
    for (int i = 0; i < ROW_NCOLS; i++)
        free(r->rows[i].data);
    for (int i = 0; i < SPEC_NCOLS; i++)
        free(r->spec[i].data);
    memset(r, 0, sizeof *r);
}

int column_push(column *c, const void *value)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        if (cap > SIZE_MAX / c->elem)
            return -1;
        void *d = realloc(c->data, cap * c->elem);
        if (!d)
            return -1;
        c->data = d;
        c->cap = cap;
    }
    memcpy((char *)c->data + c->n * c->elem, value, c->elem);
    c->n++;
    return 0;
}

size_t results_n_rows(const batch_results *r)
{
    return r->rows[ROW_SPEC_NO].n;
}
size_t results_n_spec(const batch_results *r)
{
    return r->spec[SPEC_SPEC_NO].n;
}

/* ---- issue #15: status codes and numeric time ---- */

/* Why a sweep has no fit (sweep_status.h). Checked from the most basic
 * cause on: geometry, footpoint, U_sc, then the loss-cone fit, so the code
 * names what a scientist would have to fix first. */
static int8_t sweep_status_of(const day_work *d, size_t s0, int rows, const scpot_result *u,
                              const losscone_result *f)
{
    if (isfinite(f->u_surface))
        return SWEEP_OK;
    int any_geo = 0, any_foot = 0;
    for (int i = 0; i < rows; i++) {
        const row_geometry *g = &d->geo[s0 + (size_t)i];
        any_geo |= g->ok != 0;
        any_foot |= g->ok && g->polarity != 0;
    }
    if (!any_geo || (!isfinite(u->u_sc) && u->status == SCPOT_NO_GEOMETRY))
        return SWEEP_NO_GEOMETRY;
    if (!any_foot)
        return SWEEP_NO_FOOTPOINT;
    if (!isfinite(u->u_sc))
        return u->status == SCPOT_BAD_KAPPA_FIT ? SWEEP_USC_KAPPA_REJECTED
               : u->status == SCPOT_NO_DATA     ? SWEEP_USC_NO_DATA
                                                : SWEEP_USC_NO_ROOT;
    if (f->status == LC_INVALID)
        return SWEEP_LC_REJECTED;
    return SWEEP_LC_NO_DATA;
}

/* x within 1e-4 of the range of [lo, hi] from either end (an optimizer that
 * ends on a bound stops there to within its line-search tolerance). */
static int at_bound(double x, double lo, double hi)
{
    double tol = 1e-4 * (hi - lo);
    return isfinite(x) && (fabs(x - lo) <= tol || fabs(x - hi) <= tol);
}

static uint8_t sweep_fit_flags(const batch_context *ctx, const scpot_result *u,
                               const losscone_result *f)
{
    const losscone_settings *lc = &ctx->lc;
    uint8_t flags = 0;
    if (isfinite(f->u_surface)) {
        if (at_bound(f->u_surface, lc->u_min, lc->u_max))
            flags |= FIT_FLAG_U_AT_BOUND;
        if (at_bound(f->bs_over_bm, lc->r_min, lc->r_max))
            flags |= FIT_FLAG_BSBM_AT_BOUND;
        /* only the upper end: A = 0 is "no beam", a physical value, not a bound artefact */
        if (!lc->beam_amp_fixed && isfinite(f->beam_amp) &&
            fabs(f->beam_amp - lc->a_max) <= 1e-4 * (lc->a_max - lc->a_min))
            flags |= FIT_FLAG_BEAM_AT_BOUND;
    }
    if (at_bound(u->kappa, ctx->ks.kappa_min, ctx->ks.kappa_max))
        flags |= FIT_FLAG_KAPPA_AT_BOUND;
    return flags;
}

int results_utc_to_unix_ms(const char *utc, int64_t *ms)
{
    utc_stamp t;
    if (utc_parse(utc, strlen(utc), 0, &t, NULL) != LP_OK)
        return 0;
    *ms = utc_to_unix_ms(&t);
    return 1;
}

/* ---- appending a chunk of sweeps (docs/npz.md; aggregation rule in
 * docs/decisions.md "Pipeline and outputs") ---- */

#define PUSH(col, v)                                                                               \
    do {                                                                                           \
        __typeof__(v) tmp_ = (v);                                                                  \
        if (column_push(&(col), &tmp_))                                                            \
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory storing results");               \
    } while (0)

lp_status results_append_chunk(batch_context *ctx, const day_work *d, size_t first, size_t n,
                               lp_error *err)
{
    const er_table *t = &d->table;
    batch_results *R = &ctx->res;
    batch_counts *c = &ctx->counts;
    double t0 = progress_now();
    for (size_t k = 0; k < n; k++) {
        const scpot_result *u = &d->usc[k];
        const losscone_result *f = &d->lcr[k];
        size_t s0 = d->sweeps.start[first + k];
        int rows = d->sweeps.n_rows[first + k];
        if (rows > LP_N_ENERGIES)
            c->sweeps_truncated++;
        if (isfinite(u->u_sc))
            c->sweeps_usc_ok++;
        else if (u->status == SCPOT_BAD_KAPPA_FIT)
            c->sweeps_usc_bad_kappa++;
        else if (u->status == SCPOT_NO_GEOMETRY)
            c->sweeps_usc_no_geometry++;
        else
            c->sweeps_usc_no_root++;
        int has_fit = isfinite(f->u_surface);
        double usurf_sigma = has_fit ? f->u_sigma : NAN;
        if (has_fit)
            c->sweeps_fitted++;
        else if (f->status == LC_INVALID)
            c->sweeps_invalid++;
        else
            c->sweeps_not_fitted++;
        int8_t env_first = ENV_UNKNOWN;
        const int8_t status = sweep_status_of(d, s0, rows, u, f); /* issue #15 */
        for (int i = 0; i < rows; i++) {
            size_t r = s0 + (size_t)i;
            const row_geometry *g = &d->geo[r];
            /* Footpoint shadowed → wake; no footpoint → by T_e alone. */
            int8_t env =
                (int8_t)environment_class(g->ok && g->polarity ? g->foot_sunlit : 1, u->te_ev);
            if (i == 0)
                env_first = env;
            PUSH(R->rows[ROW_SPEC_NO], t->spec_no[r]);
            if (column_push(&R->rows[ROW_UTC], t->utc[r]) ||
                column_push(&R->rows[ROW_TIME], t->time_text[r]))
                return lp_error_set(err, LP_ERR_NOMEM, "out of memory storing results");
            PUSH(R->rows[ROW_SC_LAT], g->sc_lat);
            PUSH(R->rows[ROW_SC_LON], g->sc_lon);
            PUSH(R->rows[ROW_PROJ_LAT], g->foot_lat);
            PUSH(R->rows[ROW_PROJ_LON], g->foot_lon);
            PUSH(R->rows[ROW_USC], u->u_sc);
            PUSH(R->rows[ROW_USURF], f->u_surface);
            PUSH(R->rows[ROW_SC_SUN], (uint8_t)(g->ok && g->sc_sunlit));
            PUSH(R->rows[ROW_PROJ_SUN], (uint8_t)(g->ok && g->foot_sunlit));
            PUSH(R->rows[ROW_POLARITY], (int8_t)(g->ok ? g->polarity : 0));
            PUSH(R->rows[ROW_R], f->bs_over_bm);
            PUSH(R->rows[ROW_BEAM], f->beam_amp);
            PUSH(R->rows[ROW_CHI2], f->chi2);
            PUSH(R->rows[ROW_TE], u->te_ev);
            PUSH(R->rows[ROW_DENSITY], u->density);
            PUSH(R->rows[ROW_KAPPA], u->kappa);
            PUSH(R->rows[ROW_ENV], env);
            PUSH(R->rows[ROW_UWIDTH], f->u_width);
            PUSH(R->rows[ROW_UIDENT], (uint8_t)f->u_identifiable);
            PUSH(R->rows[ROW_USC_SIGMA], u->u_sigma);
            PUSH(R->rows[ROW_USURF_SIGMA], usurf_sigma);
            /* issue #15: numeric time and status */
            int64_t ms;
            if (!results_utc_to_unix_ms(t->utc[r], &ms))
                ms = NPZ_NAT;
            PUSH(R->rows[ROW_ET], g->et);
            PUSH(R->rows[ROW_DATETIME], ms);
            PUSH(R->rows[ROW_STATUS], status);
        }
        PUSH(R->spec[SPEC_SPEC_NO], t->spec_no[s0]);
        if (column_push(&R->spec[SPEC_TIME_START], t->time_text[s0]) ||
            column_push(&R->spec[SPEC_TIME_END], t->time_text[s0 + (size_t)rows - 1]))
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory storing results");
        PUSH(R->spec[SPEC_HAS_FIT], (uint8_t)has_fit);
        PUSH(R->spec[SPEC_ROW_COUNT], (int64_t)rows);
        PUSH(R->spec[SPEC_USURF], f->u_surface);
        PUSH(R->spec[SPEC_R], f->bs_over_bm);
        PUSH(R->spec[SPEC_CHI2], f->chi2);
        PUSH(R->spec[SPEC_TE], u->te_ev);
        PUSH(R->spec[SPEC_DENSITY], u->density);
        PUSH(R->spec[SPEC_ENV], env_first);
        PUSH(R->spec[SPEC_UWIDTH], f->u_width);
        PUSH(R->spec[SPEC_UIDENT], (uint8_t)f->u_identifiable);
        PUSH(R->spec[SPEC_USC], u->u_sc);
        PUSH(R->spec[SPEC_USC_SIGMA], u->u_sigma);
        PUSH(R->spec[SPEC_USURF_SIGMA], usurf_sigma);
        /* issue #15: status codes */
        PUSH(R->spec[SPEC_STATUS], status);
        PUSH(R->spec[SPEC_FIT_FLAGS], sweep_fit_flags(ctx, u, f));
        PUSH(R->spec[SPEC_USC_METHOD], (int8_t)u->method);
    }
    ctx->stage_s[STAGE_RESULTS] += progress_now() - t0;
    return LP_OK;
}

typedef struct {
    int64_t spec_no;
    size_t index;
} spec_key;

static int spec_key_cmp(const void *a, const void *b)
{
    const spec_key *x = a, *y = b;
    if (x->spec_no != y->spec_no)
        return x->spec_no < y->spec_no ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

size_t *results_spectrum_order(const batch_results *r)
{
    size_t n = results_n_spec(r);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    spec_key *keys = malloc((n ? n : 1) * sizeof *keys);
    if (!idx || !keys) {
        free(idx);
        free(keys);
        return NULL;
    }
    const int64_t *spec = r->spec[SPEC_SPEC_NO].data;
    for (size_t i = 0; i < n; i++) {
        keys[i].spec_no = spec[i];
        keys[i].index = i;
    }
    qsort(keys, n, sizeof *keys, spec_key_cmp);
    for (size_t i = 0; i < n; i++)
        idx[i] = keys[i].index;
    free(keys);
    return idx;
}

void *column_gather(const column *c, const size_t *idx, size_t n)
{
    char *out = malloc((n ? n : 1) * c->elem);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * c->elem, (const char *)c->data + idx[i] * c->elem, c->elem);
    return out;
}
