/* Template (include with parameters defined, no include guard): THE
 * differential-evolution loop (docs/physics.md §4.4: initial LHS population with
 * member 0 = x0, best/1/bin trials from de_core.h, deferred updates, lowest
 * index wins ties, convergence over de_window() generations), written once
 * for a block of nt threads. The CUDA kernels run it with a block's
 * threads; the CPU runs it with tid = 0, nt = 1 (the loss-cone fit of
 * fit/lc_body_impl.h, the kappa fit of fit/kappa_body.h), so both execute
 * this code.
 * Every reduction is a fixed-order scan by thread 0 (no atomics), so
 * results never depend on nt.
 *
 * Parameters:
 *   DEB_FN                   name of the function to define
 *   DEB_CTX                  type of the objective context (a pointer type)
 *   DEB_EVAL(ctx, x, bound)  objective of candidate x (const double *), a
 *                            double; once it knows the value is > bound it
 *                            may stop and return any value > bound (a trial
 *                            only matters when it beats its parent)
 */
#include <math.h>

#include "fit/block_sync.h"
#include "fit/lhs_core.h"

/* All threads of the block call this with the same arguments; thread 0
 * fills *out. x0 may be NULL. */
LP_HD void DEB_FN(int tid, int nt, const de_params *p, rng_key key, uint64_t phase_init,
                  uint64_t phase_gen, const double *lo, const double *hi, const double *x0,
                  DEB_CTX ctx, const de_block_mem *m, de_result *out)
{
    const int n = p->population, dim = p->dim;
    de_block_shared *s = m->s;

    if (tid == 0) {
        lhs_fill(key, phase_init, n, dim, lo, hi, m->pop);
        if (x0)
            for (int d = 0; d < dim; d++)
                m->pop[d] = x0[d];
    }
    BLOCK_SYNC();
    for (int i = tid; i < n; i += nt)
        m->f[i] = de_sanitize(DEB_EVAL(ctx, m->pop + i * dim, INFINITY), p->bad_value);
    BLOCK_SYNC();
    if (tid == 0) {
        int best = 0;
        for (int i = 0; i < n; i++)
            if (m->f[i] < m->f[best])
                best = i;
        s->best = best;
        s->done = 0;
        for (int k = 0; k < de_window(p); k++)
            s->history[k] = m->f[best];
    }
    BLOCK_SYNC();

    int gen = 0;
    while (gen < p->max_generations) {
        gen++;
        const int best = s->best;
        for (int i = tid; i < n; i += nt) {
            double *t = m->trial + i * dim;
            de_make_trial(p, key, phase_gen, gen, i, m->pop, best, lo, hi, t);
            /* the parent's value is the bound: m->f changes only after the sync */
            m->ft[i] = de_sanitize(DEB_EVAL(ctx, t, m->f[i]), p->bad_value);
        }
        BLOCK_SYNC(); /* every trial is built from the previous generation */
        for (int i = tid; i < n; i += nt) {
            if (m->ft[i] < m->f[i]) {
                m->f[i] = m->ft[i];
                for (int d = 0; d < dim; d++)
                    m->pop[i * dim + d] = m->trial[i * dim + d];
            }
        }
        BLOCK_SYNC();
        if (tid == 0) {
            int b = s->best;
            for (int i = 0; i < n; i++)
                if (m->f[i] < m->f[b] || (m->f[i] == m->f[b] && i < b))
                    b = i;
            s->best = b;
            /* converged: the best improved by less than atol over the last
             * de_window() generations */
            const int w = de_window(p);
            const double window_start = s->history[gen % w];
            s->history[gen % w] = m->f[b];
            s->done = gen >= p->min_generations && gen >= w && window_start - m->f[b] < p->atol;
        }
        BLOCK_SYNC();
        if (s->done)
            break;
    }
    if (tid == 0) {
        const int b = s->best;
        for (int d = 0; d < DE_MAX_DIM; d++)
            out->x[d] = d < dim ? m->pop[b * dim + d] : 0.0;
        out->f = m->f[b];
        out->generations = gen;
        out->evaluations = (long)n * (gen + 1);
    }
}

#undef DEB_FN
#undef DEB_CTX
#undef DEB_EVAL
