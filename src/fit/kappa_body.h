/* The kappa fit of one sweep, written once as a block body (docs/physics.md
 * §5) with two launchers, as the loss-cone fit (fit/lc_body.h): the CPU
 * fitter (fit/kappa_fit.c: one sweep per OpenMP thread, a block of one
 * thread) and the CUDA kernel (gpu/kappa_kernels.cu: one block per sweep).
 * It holds the packed sweep (response matrix W transposed, ln J_d,
 * weights and the candidate-independent v² of the model), the weighted log chi2 of one
 * candidate (physics/kappa_model.h) and the DE run (de_block_impl.h).
 * Always fp64: a candidate costs 15 flux values and a 15x15 product, so
 * reduced precision would buy little and move answers. */
#ifndef LPMAP_FIT_KAPPA_BODY_H
#define LPMAP_FIT_KAPPA_BODY_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/hostdev.h"
#include "core/rng.h"
#include "fit/block_sync.h"
#include "fit/de_core.h"
#include "fit/kappa_fit.h"
#include "physics/kappa_model.h"

#define KG_DIM 2

typedef struct {
    de_params de;
    double lo[KG_DIM], hi[KG_DIM]; /* kappa, log10 theta */
    double chi2_good_max;
    uint64_t seed;
} kg_config;

/* One sweep packed for the fit body (fixed size; the device copies it to
 * shared memory): the inputs of kappa_chi2_packed (physics/kappa_model.h),
 * W transposed with stride n_rows. */
typedef struct {
    uint64_t sweep_id, phase_init, phase_gen;
    int n_rows, pad_;
    double density;
    double energy[LP_N_ENERGIES];
    double v2[LP_N_ENERGIES];       /* kappa_v2(E): the model's v² per energy */
    double log_data[LP_N_ENERGIES]; /* ln(J_d + EPS) */
    double weight[LP_N_ENERGIES];
    double response_t[LP_N_ENERGIES * LP_N_ENERGIES]; /* [j * n_rows + i] = W_ij */
} kg_sweep;

LP_HD void kg_config_init(const kappa_settings *s, kg_config *c)
{
    memset(c, 0, sizeof *c);
    c->de.dim = KG_DIM;
    c->de.population = s->population;
    c->de.max_generations = s->max_generations;
    c->de.min_generations = s->min_generations;
    c->de.mutation = s->mutation;
    c->de.crossover = s->crossover;
    c->de.atol = s->atol;
    c->de.bad_value = LC_CHI2_BAD;
    c->de.window = DE_DEFAULT_WINDOW;
    c->lo[0] = s->kappa_min;
    c->hi[0] = s->kappa_max;
    c->lo[1] = s->log10_theta_min;
    c->hi[1] = s->log10_theta_max;
    c->chi2_good_max = s->chi2_good_max;
    c->seed = s->seed;
}

/* Pack one prepared sweep (host): the response matrix of
 * kappa_response_matrix and ln(J_d + EPS). Returns 1 when the sweep is
 * fitted (at least 2 rows, finite positive density). */
static inline int kg_pack(const kappa_data *in, kg_sweep *out)
{
    memset(out, 0, sizeof *out);
    int rows = in->n_rows < 0 ? 0 : (in->n_rows > LP_N_ENERGIES ? LP_N_ENERGIES : in->n_rows);
    out->n_rows = rows;
    out->sweep_id = in->sweep_id;
    out->phase_init = in->rng_phase_init;
    out->phase_gen = in->rng_phase_gen;
    out->density = in->density;
    for (int i = 0; i < rows; i++) {
        out->energy[i] = in->energy[i];
        out->v2[i] = kappa_v2(in->energy[i]);
        out->log_data[i] = log(in->omni_flux[i] + LP_EPS);
        out->weight[i] = in->weight[i];
    }
    double w[LP_N_ENERGIES * LP_N_ENERGIES];
    kappa_response_matrix(rows, out->energy, w);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < rows; j++)
            out->response_t[j * rows + i] = w[i * rows + j];
    return rows >= 2 && in->density > 0.0 && isfinite(in->density);
}

/* Weighted log chi2 of x = (kappa, log10 theta): kappa_chi2 of
 * physics/kappa_model.h (identical doubles) on the packed sweep. `bound`:
 * the value to beat (INFINITY: none); see kappa_chi2_packed. */
LP_HD double kg_chi2_bounded(const kg_sweep *sw, const double *x, double bound)
{
    double model[LP_N_ENERGIES];
    return kappa_chi2_packed(sw->n_rows, sw->v2, sw->response_t, sw->log_data, sw->weight,
                             sw->density, x[0], pow(10.0, x[1]), bound, model);
}

LP_HD double kg_chi2(const kg_sweep *sw, const double *x)
{
    return kg_chi2_bounded(sw, x, INFINITY);
}

/* The DE's bound is the parent's value: a trial above it is never used
 * (de_block_impl.h), so the chi2 may stop there (docs/performance.md). Not
 * above the DE's bad value (kg_config_init: LC_CHI2_BAD): a non-finite
 * full sum counts as that value and would beat a parent worse than it. */
#define DEB_FN kg_de_block
#define DEB_CTX const kg_sweep *
#define DEB_EVAL(ctx, x, bound)                                                                    \
    kg_chi2_bounded((ctx), (x), (bound) <= LC_CHI2_BAD ? (bound) : INFINITY)
#include "fit/de_block_impl.h"

/* Result from the DE best (docs/physics.md §5). */
LP_HD void kg_result_from(const kg_sweep *sw, const kg_config *c, const de_result *r,
                          kappa_result *out)
{
    out->kappa = r->x[0];
    out->theta = pow(10.0, r->x[1]);
    out->te_ev = kappa_temperature_ev(out->kappa, out->theta);
    out->density = sw->density;
    out->chi2 = r->f;
    out->good = r->f < c->chi2_good_max;
    out->generations = r->generations;
}

LP_HD void kg_not_fitted(const kappa_data *in, kappa_result *out)
{
    out->kappa = out->theta = out->te_ev = out->chi2 = NAN;
    out->density = in->density;
    out->good = 0;
    out->generations = 0;
}

/* Fit one packed sweep with nt threads; thread 0 writes *out. */
LP_HD void kg_fit_block(int tid, int nt, const kg_sweep *sw, const kg_config *c,
                        const de_block_mem *m, kappa_result *out)
{
    de_result r;
    kg_de_block(tid, nt, &c->de, rng_make_key(c->seed, sw->sweep_id), sw->phase_init, sw->phase_gen,
                c->lo, c->hi, NULL, sw, m, &r);
    if (tid == 0)
        kg_result_from(sw, c, &r, out);
}

/* Host working memory of a block of one thread: the packed sweep, the
 * block's shared scalars and the DE arrays. One per CPU thread, reused for
 * every sweep it fits. */
typedef struct {
    kg_sweep sw;
    de_block_shared s;
    double de[4 * DE_MAX_POPULATION * KG_DIM]; /* pop, trial, f, ft */
} kg_host;

/* The whole fit of one sweep on the host (the CPU fitter, and the tests):
 * pack, then the block body with tid 0 of 1. c->de.population must be
 * within [4, DE_MAX_POPULATION]. */
static inline void kg_fit_scratch(const kg_config *c, const kappa_data *in, kg_host *h,
                                  kappa_result *out)
{
    if (!kg_pack(in, &h->sw)) {
        kg_not_fitted(in, out);
        return;
    }
    de_block_mem m;
    m.pop = h->de;
    m.trial = h->de + DE_MAX_POPULATION * KG_DIM;
    m.f = h->de + 2 * DE_MAX_POPULATION * KG_DIM;
    m.ft = m.f + DE_MAX_POPULATION;
    m.s = &h->s;
    kg_fit_block(0, 1, &h->sw, c, &m, out);
}

/* kg_fit_scratch with its own memory (tests). Returns -1 for an
 * unsupported population or when out of memory. */
static inline int kg_fit_host(const kg_config *c, const kappa_data *in, kappa_result *out)
{
    if (c->de.population < 4 || c->de.population > DE_MAX_POPULATION)
        return -1;
    kg_host *h = (kg_host *)malloc(sizeof *h);
    if (!h)
        return -1;
    kg_fit_scratch(c, in, h, out);
    free(h);
    return 0;
}

#endif
