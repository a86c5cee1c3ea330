/* CPU differential-evolution loop (see de.h, docs/physics.md §4.4). */
#include "fit/de.h"

#include <string.h>

#include "fit/lhs_core.h"

int de_minimize(const de_params *p, rng_key key, uint64_t phase_init, uint64_t phase_gen,
                const double *lo, const double *hi, const double *x0, de_objective fn, void *ctx,
                de_result *out)
{
    if (p->dim < 1 || p->dim > DE_MAX_DIM || p->population < 4 || p->population > DE_MAX_POPULATION)
        return -1;
    const int n = p->population, dim = p->dim;
    double pop[DE_MAX_POPULATION * DE_MAX_DIM], trials[DE_MAX_POPULATION * DE_MAX_DIM];
    double f[DE_MAX_POPULATION], ft[DE_MAX_POPULATION];

    lhs_fill(key, phase_init, n, dim, lo, hi, pop);
    if (x0)
        for (int d = 0; d < dim; d++)
            pop[d] = x0[d];
    fn(pop, n, NULL, f, ctx);
    long evals = n;
    int best = 0;
    for (int i = 0; i < n; i++) {
        f[i] = de_sanitize(f[i], p->bad_value);
        if (f[i] < f[best])
            best = i;
    }

    /* Best value at the end of each of the last DE_WINDOW generations. */
    const int window = de_window(p);
    double history[DE_MAX_WINDOW];
    for (int k = 0; k < window; k++)
        history[k] = f[best];
    int gen = 0;
    while (gen < p->max_generations) {
        gen++;
        for (int i = 0; i < n; i++)
            de_make_trial(p, key, phase_gen, gen, i, pop, best, lo, hi, trials + i * dim);
        fn(trials, n, f, ft, ctx); /* a trial must beat its parent */
        evals += n;
        for (int i = 0; i < n; i++) {
            ft[i] = de_sanitize(ft[i], p->bad_value);
            if (ft[i] < f[i]) {
                f[i] = ft[i];
                for (int d = 0; d < dim; d++)
                    pop[i * dim + d] = trials[i * dim + d];
            }
        }
        /* Lowest index wins ties, so the choice is order-independent. */
        for (int i = 0; i < n; i++)
            if (f[i] < f[best] || (f[i] == f[best] && i < best))
                best = i;
        /* Converged when the best improved by less than atol over the last
         * `window` generations (docs/decisions.md: without the polish a
         * single quiet generation stopped fits too early). */
        double window_start = history[gen % window];
        history[gen % window] = f[best];
        if (gen >= p->min_generations && gen >= window && window_start - f[best] < p->atol)
            break;
    }
    memset(out, 0, sizeof *out);
    for (int d = 0; d < dim; d++)
        out->x[d] = pop[best * dim + d];
    out->f = f[best];
    out->generations = gen;
    out->evaluations = evals;
    return 0;
}
