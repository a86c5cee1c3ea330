/* One differential-evolution step (strategy best/1/bin) from counter-based
 * streams, header-only: the DE loop (de_block_impl.h) builds the same
 * trial vectors on the CPU and in the CUDA kernels (docs/physics.md §4.4).
 *
 * Updating is synchronous ("deferred"): every trial of generation g is built
 * from the population and best member after generation g-1, then all parents
 * are replaced where their trial is better. This is what a GPU does
 * naturally, and the CPU does the same so the two agree (docs/decisions.md). */
#ifndef LPMAP_FIT_DE_CORE_H
#define LPMAP_FIT_DE_CORE_H

#include "core/hostdev.h"
#include "core/rng.h"

/* Optimizer settings shared by both fits (docs/physics.md §4.4) */
#define LC_CHI2_BAD 1e30 /* non-finite chi2 inside the optimizer */
#define DE_MUTATION 0.5
#define DE_CROSSOVER 0.9
#define DE_ATOL 1e-3
#define DE_MIN_GENERATIONS 10

#define DE_MAX_DIM 4

typedef struct {
    int dim;             /* number of parameters, <= DE_MAX_DIM */
    int population;      /* members, >= 4 */
    int max_generations; /* hard cap */
    int min_generations; /* convergence is not tested before this */
    double mutation;     /* F */
    double crossover;    /* CR */
    double atol;         /* stop when best improves by less than this */
    double bad_value;    /* replaces a non-finite objective */
    int window;          /* converged: best improved < atol over this many
                            generations (1: docs/physics.md's literal rule);
                            <= 0: DE_DEFAULT_WINDOW */
} de_params;

/* Result of a DE run (fit/de_block_impl.h). */
typedef struct {
    double x[DE_MAX_DIM]; /* best member */
    double f;             /* its objective */
    int generations;      /* generations run */
    long evaluations;     /* objective evaluations */
} de_result;

/* Largest population of the host fitters' block memory (fixed arrays). */
#define DE_MAX_POPULATION 256

#define DE_DEFAULT_WINDOW 10 /* docs/decisions.md "Convergence over a window" */
#define DE_MAX_WINDOW 16

/* The window a de_params asks for, within [1, DE_MAX_WINDOW]. */
LP_HD int de_window(const de_params *p)
{
    int w = p->window <= 0 ? DE_DEFAULT_WINDOW : p->window;
    return w > DE_MAX_WINDOW ? DE_MAX_WINDOW : w;
}

/* Trial vector of member i in generation gen (gen >= 1). pop is
 * population*dim row-major, best the index of the best member. Mutant
 * components are clamped to [lo, hi]. Draws: counter (phase, gen, i, 0),
 * and (phase, gen, i, 1) for a fourth dimension. */
LP_HD void de_make_trial(const de_params *p, rng_key key, uint64_t phase, int gen, int i,
                         const double *pop, int best, const double *lo, const double *hi,
                         double *trial)
{
    /* One Philox block per trial: word 0 gives the three index draws
     * (21 bits each, plenty for a population index), words 1-3 the
     * crossover uniforms; a fourth dimension takes a second block. */
    uint64_t w[4];
    double u[3], c[4];
    rng_words4(key, phase, (uint64_t)gen, (uint64_t)i, 0, w);
    for (int k = 0; k < 3; k++)
        u[k] = (double)((w[0] >> (21 * k)) & 0x1FFFFF) * (1.0 / 2097152.0);
    c[0] = rng_u01(w[1]);
    c[1] = rng_u01(w[2]);
    c[2] = rng_u01(w[3]);
    c[3] = 0.0;
    if (p->dim > 3) {
        rng_words4(key, phase, (uint64_t)gen, (uint64_t)i, 1, w);
        c[3] = rng_u01(w[0]);
    }
    int n = p->population;
    /* r1, r2: distinct, and distinct from i (as scipy's best1bin). */
    int r1 = rng_index(u[0], n - 1);
    if (r1 >= i)
        r1++;
    int r2 = rng_index(u[1], n - 2);
    int a = i < r1 ? i : r1, b = i < r1 ? r1 : i;
    if (r2 >= a)
        r2++;
    if (r2 >= b)
        r2++;
    int jrand = rng_index(u[2], p->dim);
    const double *xb = pop + best * p->dim, *x1 = pop + r1 * p->dim, *x2 = pop + r2 * p->dim;
    const double *xi = pop + i * p->dim;
    for (int d = 0; d < p->dim; d++) {
        if (d == jrand || c[d] < p->crossover) {
            double m = xb[d] + p->mutation * (x1[d] - x2[d]);
            trial[d] = m < lo[d] ? lo[d] : (m > hi[d] ? hi[d] : m);
        } else {
            trial[d] = xi[d];
        }
    }
}

/* Objective guard: non-finite values count as bad_value. */
LP_HD double de_sanitize(double f, double bad_value)
{
    return (f == f && f < 1e308 && f > -1e308) ? f : bad_value;
}

#endif
