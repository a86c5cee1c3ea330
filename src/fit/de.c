/* de_minimize (see de.h, docs/physics.md §4.4): the one DE loop of
 * fit/de_block_impl.h run as a block of one thread, over an objective
 * given as a function pointer (the kappa fit and the tests use it). */
#include "fit/de.h"

#include <string.h>

#include "fit/block_sync.h"

typedef struct {
    de_objective fn;
    void *ctx;
} de_callback;

/* One candidate through the batch objective (bound as de_objective's). */
static double de_callback_eval(const de_callback *cb, const double *x, double bound)
{
    double f;
    cb->fn(x, 1, &bound, &f, cb->ctx);
    return f;
}

#define DEB_FN de_block_callback
#define DEB_CTX const de_callback *
#define DEB_EVAL(ctx, x, bound) de_callback_eval((ctx), (x), (bound))
#include "fit/de_block_impl.h"

int de_minimize(const de_params *p, rng_key key, uint64_t phase_init, uint64_t phase_gen,
                const double *lo, const double *hi, const double *x0, de_objective fn, void *ctx,
                de_result *out)
{
    if (p->dim < 1 || p->dim > DE_MAX_DIM || p->population < 4 || p->population > DE_MAX_POPULATION)
        return -1;
    double pop[DE_MAX_POPULATION * DE_MAX_DIM], trials[DE_MAX_POPULATION * DE_MAX_DIM];
    double f[DE_MAX_POPULATION], ft[DE_MAX_POPULATION];
    de_block_shared s;
    de_block_mem m = {pop, trials, f, ft, &s};
    de_callback cb = {fn, ctx};
    memset(out, 0, sizeof *out);
    de_block_callback(0, 1, p, key, phase_init, phase_gen, lo, hi, x0, &cb, &m, out);
    return 0;
}
