/* Generic differential evolution on the CPU (docs/physics.md §4.4): initial
 * population by Latin hypercube over the bounds (optionally member 0 = x0),
 * then best/1/bin generations (de_core.h) until convergence. de_minimize
 * runs the one DE loop (de_block_impl.h, also the CUDA kernels') over a
 * function-pointer objective; the kappa fit and the tests use it. */
#ifndef LPMAP_FIT_DE_H
#define LPMAP_FIT_DE_H

#include <stdint.h>

#include "core/rng.h"
#include "fit/de_core.h"

/* Evaluates n candidates X[n*dim] into f[n]. bound (NULL: none) holds,
 * per candidate, the value it must beat to be used: an objective may stop
 * early and store any value > bound[i] once it knows f > bound[i]. */
typedef void (*de_objective)(const double *X, int n, const double *bound, double *f, void *ctx);

typedef struct {
    double x[DE_MAX_DIM]; /* best member */
    double f;             /* its objective */
    int generations;      /* generations run */
    long evaluations;     /* objective evaluations */
} de_result;

/* Largest population de_minimize supports (stack buffers). */
#define DE_MAX_POPULATION 256

/* Minimize over [lo, hi]. x0 (may be NULL) becomes member 0 of the initial
 * population. phase_init / phase_gen select the random streams. Returns 0,
 * or -1 when the parameters are invalid. */
int de_minimize(const de_params *p, rng_key key, uint64_t phase_init, uint64_t phase_gen,
                const double *lo, const double *hi, const double *x0, de_objective fn, void *ctx,
                de_result *out);

#endif
