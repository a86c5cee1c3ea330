/* Latin hypercube sampling from counter-based streams, header-only so the
 * CPU and CUDA paths draw identical samples (docs/physics.md §4.4). Each
 * dimension's strata are shuffled with Fisher-Yates; each sample is jittered
 * uniformly inside its stratum. Needs no scratch memory. */
#ifndef LPMAP_FIT_LHS_CORE_H
#define LPMAP_FIT_LHS_CORE_H

#include "core/hostdev.h"
#include "core/rng.h"

/* Fill out[n*dim] (row-major: sample j, dimension d at out[j*dim+d]) with an
 * LHS design over [lo[d], hi[d]]. Streams: counter (phase, d, j, 0/1). */
LP_HD void lhs_fill(rng_key key, uint64_t phase, int n, int dim, const double *lo, const double *hi,
                    double *out)
{
    for (int d = 0; d < dim; d++) {
        for (int j = 0; j < n; j++)
            out[j * dim + d] = (double)j;
        for (int j = n - 1; j > 0; j--) { /* Fisher-Yates over the strata */
            double u[4];
            rng_uniform4(key, phase, (uint64_t)d, (uint64_t)j, 0, u);
            int k = rng_index(u[0], j + 1);
            double t = out[j * dim + d];
            out[j * dim + d] = out[k * dim + d];
            out[k * dim + d] = t;
        }
        for (int j = 0; j < n; j++) {
            double u[4];
            rng_uniform4(key, phase, (uint64_t)d, (uint64_t)j, 1, u);
            double s = (out[j * dim + d] + u[0]) / (double)n;
            out[j * dim + d] = lo[d] + s * (hi[d] - lo[d]);
        }
    }
}

#endif
