/* The loss-cone fit of one sweep, written once as a block body
 * (docs/physics.md §4.3-§4.4) with two launchers: the CPU fitter
 * (fit/losscone_fit.c: one sweep per OpenMP thread, a block of one thread)
 * and the CUDA kernels (gpu/losscone_kernels.cu: one block per sweep). It
 * holds a sweep layout per precision, the chi2 of one candidate, the LHS
 * phase, the DE run (de_block_impl.h), the polish and the final choice.
 * Instantiated per precision by including lc_body_impl.h: fp64 here (the
 * CPU's and GPU fp64's fit), fp32 here, and mixed (fp16 storage) in
 * losscone_kernels.cu. */
#ifndef LPMAP_FIT_LC_BODY_H
#define LPMAP_FIT_LC_BODY_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/hostdev.h"
#include "core/rng.h"
#include "fit/de_core.h"
#include "fit/lhs_core.h"
#include "fit/losscone_chi2.h"
#include "fit/losscone_fit.h"
#include "fit/losscone_polish.h"
#include "fit/block_sync.h"
#include "physics/losscone_model.h"

#define LCG_NBINS (LP_N_ENERGIES * LP_N_CHANNELS)
#define LCG_DIM 3

/* Run-wide settings of the loss-cone block body (derived from
 * losscone_settings by lcg_config_init). */
typedef struct {
    losscone_shape shape;
    int method; /* fit_method */
    int lillis;
    int min_bins; /* fewer masked bins: not fitted */
    de_params de;
    double lo[LCG_DIM], hi[LCG_DIM]; /* DE bounds (A pinned when fixed) */
    double a_min, a_max;             /* A is reported clamped to these */
    int n_lhs;
    uint64_t seed;
    int emit_u_width;
    double u_width_dchi2, u_width_max_v;
    int polish;   /* exact line-search polish (fit/losscone_polish.h), fp64 only */
    int n_starts; /* LHS samples kept: x0 plus the extra polish starts */
} lcg_config;

/* Scalars shared by a block's threads (thread 0 writes, all read after a
 * BLOCK_SYNC). */
typedef struct {
    de_block_shared de;
    int best_lhs;
    double f_x0;
    double x0[LCG_DIM];
    /* the best LHS samples, ascending (top_i[0] = x0), and each polish
     * start's result (start 0: the DE answer) */
    int n_top;
    int top_i[LC_POLISH_MAX_STARTS + 1];
    double top_f[LC_POLISH_MAX_STARTS + 1];
    double start_x[LC_POLISH_MAX_STARTS + 1][LCG_DIM];
    double start_f[LC_POLISH_MAX_STARTS + 1];
} lcg_shared;

/* Derive the block settings from the fit settings (docs/physics.md §4.2, §4.4).
 * Precisions without the fp64 layout cannot polish: lcg_config_no_polish
 * gives them the optimizer as it was before the polish. */
LP_HD void lcg_config_init(const losscone_settings *s, lcg_config *c)
{
    memset(c, 0, sizeof *c);
    c->shape = s->shape;
    c->method = (int)s->method;
    c->lillis = s->method == FIT_METHOD_LILLIS;
    c->min_bins = c->lillis ? LILLIS_MIN_BINS : 1;
    c->de.dim = LCG_DIM;
    c->de.population = s->population;
    c->de.max_generations = s->max_generations;
    c->de.min_generations = s->min_generations;
    c->de.mutation = s->mutation;
    c->de.crossover = s->crossover;
    c->de.atol = s->atol;
    c->de.bad_value = LC_CHI2_BAD;
    c->de.window = losscone_de_window(s);
    c->polish = s->polish;
    c->n_starts = 1 + (s->polish ? s->polish_starts : 0);
    c->lo[0] = s->u_min;
    c->hi[0] = s->u_max;
    c->lo[1] = s->r_min;
    c->hi[1] = s->r_max;
    c->lo[2] = s->beam_amp_fixed ? s->beam_amp : s->a_min;
    c->hi[2] = s->beam_amp_fixed ? s->beam_amp : s->a_max;
    c->a_min = s->a_min;
    c->a_max = s->a_max;
    c->n_lhs = s->lhs_samples;
    c->seed = s->seed;
    c->emit_u_width = c->lillis && s->emit_u_width_qc;
    c->u_width_dchi2 = s->u_width_dchi2;
    c->u_width_max_v = s->u_width_identifiable_max_v;
}

LP_HD void lcg_config_no_polish(lcg_config *c)
{
    c->polish = 0;
    c->n_starts = 1;
    c->de.window = DE_DEFAULT_WINDOW;
}

/* lcg_prepare without clearing p first: the CPU's per-thread scratch,
 * where a sweep's unused tail is never read (a memset of the whole layout
 * per sweep cost 1 % of the fit). */
static inline int lcg_prepare_reuse(const lcg_config *c, const losscone_sweep *sw, lc_prepared *p)
{
    if (!isfinite(sw->u_sc) || sw->n_rows <= 0) {
        p->n_rows = p->n_bins = 0;
        return 0;
    }
    losscone_settings s;
    losscone_settings_init(&s);
    s.method = (fit_method)c->method;
    s.shape = c->shape;
    losscone_prepare_chi2(&s, sw, p);
    return p->n_bins > 0 && p->n_bins >= c->min_bins;
}

/* The fast chi2 layout (fit/losscone_chi2.h) of one sweep, built by
 * losscone_prepare_chi2 (test_gpu_body checks lc_chi2 on it equals
 * losscone_chi2_fast bit for bit). Returns 1 when the sweep is fitted. */
static inline int lcg_prepare(const lcg_config *c, const losscone_sweep *sw, lc_prepared *p)
{
    memset(p, 0, sizeof *p); /* no stale bytes in what the GPU uploads */
    return lcg_prepare_reuse(c, sw, p);
}

/* fp64 instantiation (C and CUDA): the CPU fitter's prepared layout and
 * its exact fast chi2 (fit/losscone_chi2.h), so GPU fp64 runs the CPU's
 * arithmetic. */
#define LCB_SFX f64
#define LCB_PREPARED 1
#include "fit/lc_body_impl.h"

/* fp32 instantiation (C and CUDA). */
#define LCB_SFX f32
#define LCB_DATA float
#define LCB_PITCH float
#define LCB_REAL float
#define LCB_LOAD(x) (x)
#define LCB_STORE(x) ((float)(x))
#define LCB_LOG(x) logf(x)
#include "fit/lc_body_impl.h"

/* Size of the mixed (fp16 storage) packed sweep, usable from C, where
 * __half does not exist: same layout with 16-bit storage (checked against
 * the CUDA instantiation by a static_assert in losscone_kernels.cu). */
typedef struct {
    double energy[LP_N_ENERGIES];
    double u_sc;
    uint64_t sweep_id;
    int n_rows, n_mask;
    uint16_t data[LCG_NBINS];
    uint16_t beam_pitch[LCG_NBINS];
    float pitch[LCG_NBINS];
    unsigned char mask[LCG_NBINS];
} lcg_sweep_h16_layout;

#endif
