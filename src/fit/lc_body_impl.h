/* Template (include from lc_body.h / losscone_kernels.cu with parameters
 * defined; no include guard): the packed sweep, chi2 and block body of the
 * loss-cone fit for one precision. The fp64 instantiation (LCB_PREPARED) is
 * THE loss-cone fit: the CPU runs it one sweep per thread (tid 0 of a
 * block of 1, lcg_fit_scratch), the GPU one block per sweep.
 *   LCB_SFX     name suffix (f64, f32, h16)
 *   LCB_DATA    storage of per-bin data and beam factors
 *   LCB_PITCH   storage of pitch angles
 *   LCB_REAL    per-bin arithmetic (the sum is always accumulated in fp64)
 *   LCB_LOAD(x) LCB_DATA -> LCB_REAL;  LCB_STORE(x) double -> LCB_DATA
 *   LCB_LOG(x)  natural log in LCB_REAL */
#define LCB_CAT2(a, b) a##_##b
#define LCB_CAT(a, b) LCB_CAT2(a, b)
#define LCB_T(name) LCB_CAT(name, LCB_SFX)

#ifdef LCB_PREPARED
typedef struct {
    lc_prepared p;
    uint64_t sweep_id;
} LCB_T(lcg_sweep);

static inline int LCB_T(lcg_pack)(const lcg_config *c, const losscone_sweep *in,
                                  LCB_T(lcg_sweep) * out)
{
    out->sweep_id = in->sweep_id;
    return lcg_prepare(c, in, &out->p);
}

/* lcg_pack into a host scratch reused sweep after sweep (no clearing). */
static inline int LCB_T(lcg_pack_host)(const lcg_config *c, const losscone_sweep *in,
                                       LCB_T(lcg_sweep) * out)
{
    out->sweep_id = in->sweep_id;
    return lcg_prepare_reuse(c, in, &out->p);
}

/* The objective: lc_chi2 of fit/losscone_chi2.h (reduced for lillis). */
LP_HD double LCB_T(lcg_chi2)(const LCB_T(lcg_sweep) * sw, const lcg_config *c, const double *x)
{
    return lc_chi2(&sw->p, &c->shape, x[0], x[1], x[2]);
}

/* The objective with the early exit: exact when <= bound, else some value
 * > bound (lc_chi2_bounded). */
LP_HD double LCB_T(lcg_chi2_bounded)(const LCB_T(lcg_sweep) * sw, const lcg_config *c,
                                     const double *x, double bound)
{
    return lc_chi2_bounded(&sw->p, &c->shape, x[0], x[1], x[2], bound);
}
#else
/* One sweep packed for the device: contiguous, fixed size, copied into
 * shared memory word by word. data = ln(norm + EPS) (halekas) or norm
 * (lillis); mask 1 for bins in the objective. */
typedef struct {
    double energy[LP_N_ENERGIES];
    double u_sc;
    uint64_t sweep_id;
    int n_rows, n_mask;
    LCB_DATA data[LCG_NBINS];
    LCB_DATA beam_pitch[LCG_NBINS];
    LCB_PITCH pitch[LCG_NBINS];
    unsigned char mask[LCG_NBINS];
} LCB_T(lcg_sweep);

/* Pack one sweep (host). Returns 1 when the sweep is fitted (enough masked
 * bins, docs/physics.md §4.3/§4.5), 0 when not (the result is all NaN). */
static inline int LCB_T(lcg_pack)(const lcg_config *c, const losscone_sweep *in,
                                  LCB_T(lcg_sweep) * out)
{
    memset(out, 0, sizeof *out);
    int rows = in->n_rows < 0 ? 0 : (in->n_rows > LP_N_ENERGIES ? LP_N_ENERGIES : in->n_rows);
    out->n_rows = rows;
    out->u_sc = in->u_sc;
    out->sweep_id = in->sweep_id;
    int n_mask = 0;
    if (!isfinite(in->u_sc))
        rows = 0;
    for (int row = 0; row < rows; row++) {
        out->energy[row] = in->energy[row];
        double row_max = c->lillis ? lc_row_max_incident(in->flux[row], in->pitch_deg[row]) : 0.0;
        for (int ch = 0; ch < LP_N_CHANNELS; ch++) {
            const int k = row * LP_N_CHANNELS + ch;
            double norm = in->norm[row][ch], pitch = in->pitch_deg[row][ch];
            int m = lc_bin_masked(c->lillis, in->energy[row], in->u_sc, pitch, norm,
                                  in->flux[row][ch], row_max);
            out->mask[k] = (unsigned char)m;
            n_mask += m;
            out->pitch[k] = (LCB_PITCH)pitch;
            out->beam_pitch[k] = LCB_STORE(lc_beam_pitch_factor(&c->shape, pitch));
            out->data[k] = m ? LCB_STORE(c->lillis ? norm : log(norm + LP_EPS)) : LCB_STORE(0.0);
        }
    }
    out->n_mask = n_mask;
    return n_mask >= c->min_bins && n_mask > 0;
}

static inline int LCB_T(lcg_pack_host)(const lcg_config *c, const losscone_sweep *in,
                                       LCB_T(lcg_sweep) * out)
{
    return LCB_T(lcg_pack)(c, in, out);
}

/* chi2 of candidate x = (U, r, A) (docs/physics.md §4.3, not yet sanitized).
 * Per row, the loss-cone edge and the energy part of the beam come from
 * physics/losscone_model.h in fp64; per bin, the model and the term in
 * LCB_REAL; the sum in fp64, in bin order. */
LP_HD double LCB_T(lcg_chi2)(const LCB_T(lcg_sweep) * sw, const lcg_config *c, const double *x)
{
    const double u = x[0], r = x[1], a = x[2];
    const LCB_REAL one = (LCB_REAL)1.0, bg = (LCB_REAL)c->shape.background;
    const LCB_REAL eps = (LCB_REAL)LP_EPS;
    double sum = 0.0;
    for (int row = 0; row < sw->n_rows; row++) {
        const double e = sw->energy[row];
        const LCB_REAL edge = (LCB_REAL)losscone_edge_deg(e, sw->u_sc, u, r);
        const LCB_REAL row_beam = (LCB_REAL)losscone_beam(&c->shape, e, 180.0, sw->u_sc, u, a);
        const int base = row * LP_N_CHANNELS;
        if (row_beam == (LCB_REAL)0.0) {
            /* No beam on this row: the model is 1 or b, so the two logs
             * are taken once per row (the same values a per-bin log gives). */
            const LCB_REAL t_in = c->lillis ? one : LCB_LOG(one + eps);
            const LCB_REAL t_out = c->lillis ? bg : LCB_LOG(bg + eps);
            for (int ch = 0; ch < LP_N_CHANNELS; ch++) {
                const int k = base + ch;
                if (!sw->mask[k])
                    continue;
                const LCB_REAL d =
                    LCB_LOAD(sw->data[k]) - ((LCB_REAL)sw->pitch[k] <= edge ? t_in : t_out);
                sum += (double)(d * d);
            }
            continue;
        }
        for (int ch = 0; ch < LP_N_CHANNELS; ch++) {
            const int k = base + ch;
            if (!sw->mask[k])
                continue;
            LCB_REAL m = (LCB_REAL)sw->pitch[k] <= edge ? one : bg;
            m = m + row_beam * LCB_LOAD(sw->beam_pitch[k]);
            const LCB_REAL v = LCB_LOAD(sw->data[k]);
            const LCB_REAL d = c->lillis ? v - m : v - LCB_LOG(m + eps);
            sum += (double)(d * d);
        }
    }
    if (c->lillis)
        sum /= (double)(sw->n_mask - 3 > 1 ? sw->n_mask - 3 : 1);
    return sum;
}

/* The packed layouts have no early exit: always the exact value. */
LP_HD double LCB_T(lcg_chi2_bounded)(const LCB_T(lcg_sweep) * sw, const lcg_config *c,
                                     const double *x, double bound)
{
    (void)bound;
    return LCB_T(lcg_chi2)(sw, c, x);
}

#endif

/* The objective handed to the DE template. */
typedef struct {
    const LCB_T(lcg_sweep) * sw;
    const lcg_config *c;
} LCB_T(lcg_ctx);

#define DEB_FN LCB_T(lcg_de_block)
#define DEB_CTX const LCB_T(lcg_ctx) *
#define DEB_EVAL(ctx, x, bound) LCB_T(lcg_chi2_bounded)((ctx)->sw, (ctx)->c, (x), (bound))
#include "fit/de_block_impl.h"

/* Fit one packed, fittable sweep with nt threads (docs/physics.md §4.4): the LHS
 * phase over the shared sample set lhs (n_lhs * 3), x0 = its best, the DE
 * run seeded with x0, the better of the two, clamping, lillis validity and
 * the U-width QC. lhs_f holds n_lhs values; thread 0 writes *out. */
LP_HD void LCB_T(lcg_fit_block)(int tid, int nt, const LCB_T(lcg_sweep) * sw, const lcg_config *c,
                                const double *lhs, double *lhs_f, const de_block_mem *m,
                                lcg_shared *s, losscone_result *out)
{
    LCB_T(lcg_ctx) ctx;
    ctx.sw = sw;
    ctx.c = c;
    /* x0 and the extra polish starts: the lowest LHS values, ascending
     * (lc_top_insert; the first of equal values wins) */
    const int cap = c->n_starts < 1 ? 1 : c->n_starts;
    if (nt == 1) {
        /* One thread (the CPU): the list grows as the samples are scanned,
         * so a value need only be exact where it can still enter the list
         * or the U-width window; beyond that the chi2 stops early. The
         * list and every value the QC reads equal the threaded path's. */
        s->n_top = 0;
        for (int j = 0; j < c->n_lhs; j++) {
            double bound = s->n_top < cap ? INFINITY : s->top_f[s->n_top - 1];
            if (c->emit_u_width && s->n_top > 0 && s->top_f[0] + c->u_width_dchi2 > bound)
                bound = s->top_f[0] + c->u_width_dchi2;
            lhs_f[j] =
                de_sanitize(LCB_T(lcg_chi2_bounded)(sw, c, lhs + j * LCG_DIM, bound), LC_CHI2_BAD);
            lc_top_insert(s->top_f, s->top_i, &s->n_top, cap, lhs_f[j], j);
        }
    } else {
        for (int j = tid; j < c->n_lhs; j += nt)
            lhs_f[j] = de_sanitize(LCB_T(lcg_chi2)(sw, c, lhs + j * LCG_DIM), LC_CHI2_BAD);
        BLOCK_SYNC();
        if (tid == 0) {
            s->n_top = 0;
            for (int j = 0; j < c->n_lhs; j++)
                lc_top_insert(s->top_f, s->top_i, &s->n_top, cap, lhs_f[j], j);
        }
    }
    if (tid == 0) {
        const int b = s->top_i[0];
        s->best_lhs = b;
        s->f_x0 = lhs_f[b];
        for (int d = 0; d < LCG_DIM; d++)
            s->x0[d] = lhs[b * LCG_DIM + d];
    }
    BLOCK_SYNC();
    de_result res;
    int polished = 0;
    LCB_T(lcg_de_block)
    (tid, nt, &c->de, rng_make_key(c->seed, sw->sweep_id), RNG_PHASE_LC_DE_INIT, RNG_PHASE_LC_DE,
     c->lo, c->hi, s->x0, &ctx, m, &res);
#ifdef LCB_PREPARED
    if (c->polish) {
        /* Start 0 is the better of x0 and the DE best (thread 0 holds the
         * DE result), starts 1.. the next LHS samples; one thread each. */
        if (tid == 0) {
            const int de_better = res.f < s->f_x0;
            for (int d = 0; d < LCG_DIM; d++)
                s->start_x[0][d] = de_better ? res.x[d] : s->x0[d];
            s->start_f[0] = de_better ? res.f : s->f_x0;
        }
        BLOCK_SYNC();
        for (int k = tid; k < s->n_top; k += nt) {
            if (k > 0) {
                for (int d = 0; d < LCG_DIM; d++)
                    s->start_x[k][d] = lhs[s->top_i[k] * LCG_DIM + d];
                s->start_f[k] = s->top_f[k];
            }
            lc_polish_lines(&sw->p, &c->shape, c->lo, c->hi, s->start_x[k], &s->start_f[k]);
        }
        BLOCK_SYNC();
        if (tid != 0)
            return;
        int w = 0; /* the first of the lowest, as the CPU's sequential choice */
        for (int k = 1; k < s->n_top; k++)
            if (s->start_f[k] < s->start_f[w])
                w = k;
        res.f = s->start_f[w];
        for (int d = 0; d < LCG_DIM; d++)
            res.x[d] = s->start_x[w][d];
        lc_polish_final(&sw->p, &c->shape, c->lo, c->hi, res.x, &res.f);
        polished = 1; /* the answer already includes x0 */
    }
#endif
    if (tid != 0)
        return;
    const double *x = s->x0; /* the better of x0 and the DE best, as the CPU */
    double f = s->f_x0;
    if (polished || res.f < f) {
        x = res.x;
        f = res.f;
    }
    double u = x[0], r = x[1], a = x[2];
    r = fmin(fmax(r, c->lo[1]), c->hi[1]);
    a = fmin(fmax(a, c->a_min), c->a_max);
    if (c->lillis)
        u = fmin(fmax(u, c->lo[0]), c->hi[0]);
    out->u_surface = u;
    out->bs_over_bm = r;
    out->beam_amp = a;
    out->chi2 = f;
    out->generations = res.generations;
    out->status = LC_FITTED;
    out->u_width = NAN;
    out->u_identifiable = 0;
    if (c->lillis && !(f <= LILLIS_CHI2_MAX)) {
        out->status = LC_INVALID;
        out->u_surface = out->bs_over_bm = out->beam_amp = NAN;
    }
    if (c->emit_u_width) {
        const double lim = s->f_x0 + c->u_width_dchi2;
        double lo = INFINITY, hi = -INFINITY;
        for (int j = 0; j < c->n_lhs; j++) {
            if (lhs_f[j] <= lim) {
                double uj = lhs[j * LCG_DIM];
                lo = uj < lo ? uj : lo;
                hi = uj > hi ? uj : hi;
            }
        }
        out->u_width = hi - lo;
        out->u_identifiable = out->u_width <= c->u_width_max_v;
    }
}

/* Result of a sweep that is not fitted (docs/physics.md §4.3). */
LP_HD void LCB_T(lcg_not_fitted)(losscone_result *out)
{
    out->u_surface = out->bs_over_bm = out->beam_amp = out->chi2 = NAN;
    out->generations = 0;
    out->status = LC_NOT_FITTED;
    out->u_width = NAN;
    out->u_identifiable = 0;
}

/* Host working memory of a block of one thread: the packed sweep, the
 * block's shared scalars, the DE arrays and the LHS values. One per CPU
 * thread, reused for every sweep it fits. */
typedef struct {
    LCB_T(lcg_sweep) sw;
    lcg_shared s;
    double de[4 * DE_MAX_POPULATION * LCG_DIM]; /* pop, trial, f, ft */
    double *lhs_f;                              /* n_lhs values */
} LCB_T(lcg_host);

/* NULL when out of memory. calloc: every slot is written before it is
 * read, but gcc cannot prove it. */
static inline LCB_T(lcg_host) * LCB_T(lcg_host_new)(int n_lhs)
{
    LCB_T(lcg_host) *h = (LCB_T(lcg_host) *)calloc(1, sizeof *h);
    if (h)
        h->lhs_f = (double *)calloc((size_t)(n_lhs > 0 ? n_lhs : 1), sizeof(double));
    if (h && !h->lhs_f) {
        free(h);
        h = NULL;
    }
    return h;
}

static inline void LCB_T(lcg_host_free)(LCB_T(lcg_host) * h)
{
    if (h)
        free(h->lhs_f);
    free(h);
}

/* The whole fit of one sweep on the host (the CPU fitter, and the tests):
 * pack, then the block body with tid 0 of 1. c must be valid for the
 * block memory (population <= DE_MAX_POPULATION, n_starts <=
 * LC_POLISH_MAX_STARTS + 1) and h sized for c->n_lhs; lhs from
 * losscone_lhs_samples. */
static inline void LCB_T(lcg_fit_scratch)(const lcg_config *c, const double *lhs,
                                          const losscone_sweep *in, LCB_T(lcg_host) * h,
                                          losscone_result *out)
{
    if (!LCB_T(lcg_pack_host)(c, in, &h->sw)) {
        LCB_T(lcg_not_fitted)(out);
        return;
    }
    de_block_mem m;
    m.pop = h->de;
    m.trial = h->de + DE_MAX_POPULATION * LCG_DIM;
    m.f = h->de + 2 * DE_MAX_POPULATION * LCG_DIM;
    m.ft = m.f + DE_MAX_POPULATION;
    m.s = &h->s.de;
    LCB_T(lcg_fit_block)(0, 1, &h->sw, c, lhs, h->lhs_f, &m, &h->s, out);
}

/* lcg_fit_scratch with its own memory (tests). Returns 0, or -1 when the
 * population, LHS size or number of polish starts is outside what the
 * block memory supports (or out of memory). */
static inline int LCB_T(lcg_fit_host)(const lcg_config *c, const double *lhs,
                                      const losscone_sweep *in, losscone_result *out)
{
    static const int max_lhs = 4096;
    if (c->de.population < 4 || c->de.population > DE_MAX_POPULATION || c->n_lhs < 1 ||
        c->n_lhs > max_lhs || c->n_starts < 1 || c->n_starts > LC_POLISH_MAX_STARTS + 1)
        return -1;
    LCB_T(lcg_host) *h = LCB_T(lcg_host_new)(c->n_lhs);
    if (!h)
        return -1;
    LCB_T(lcg_fit_scratch)(c, lhs, in, h, out);
    LCB_T(lcg_host_free)(h);
    return 0;
}

#undef LCB_CAT2
#undef LCB_CAT
#undef LCB_T
#undef LCB_SFX
#undef LCB_DATA
#undef LCB_PITCH
#undef LCB_REAL
#undef LCB_LOAD
#undef LCB_STORE
#undef LCB_LOG
#undef LCB_PREPARED
