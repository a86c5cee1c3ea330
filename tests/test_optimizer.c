/* Tests of the shared optimizer pieces: Philox streams, Latin hypercube,
 * differential evolution (docs/physics.md §4.4): the one DE loop of
 * fit/de_block_impl.h, instantiated here over test objectives and run as
 * the CPU fitters run it (a block of one thread). */
#include "test_support.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "fit/block_sync.h"
#include "fit/de_core.h"
#include "fit/lhs_core.h"

static void test_rng_is_counter_based(void **state)
{
    (void)state;
    rng_key k = rng_make_key(42, 7);
    double a[4], b[4], c[4];
    rng_uniform4(k, 1, 2, 3, 4, a);
    rng_uniform4(k, 1, 2, 3, 4, b);
    rng_uniform4(rng_make_key(42, 8), 1, 2, 3, 4, c);
    for (int i = 0; i < 4; i++) {
        assert_true(a[i] == b[i]);
        assert_true(a[i] >= 0.0 && a[i] < 1.0);
        assert_true(a[i] != c[i]);
    }
    /* Mean of many draws is near 1/2. */
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        rng_uniform4(k, 9, 0, (uint64_t)i, 0, a);
        sum += a[0];
    }
    assert_close(sum / 10000, 0.5, 0, 0.01);
}

static void test_lhs_stratified(void **state)
{
    (void)state;
    enum { N = 400, D = 3 };
    static double x[N * D];
    double lo[D] = {-1000, 0.3, 0}, hi[D] = {0, 1.1, 5};
    lhs_fill(rng_make_key(42, RNG_STREAM_SHARED), RNG_PHASE_LC_LHS, N, D, lo, hi, x);
    for (int d = 0; d < D; d++) {
        int seen[N];
        memset(seen, 0, sizeof seen);
        for (int j = 0; j < N; j++) {
            double s = (x[j * D + d] - lo[d]) / (hi[d] - lo[d]) * N;
            int stratum = (int)floor(s);
            assert_true(stratum >= 0 && stratum < N);
            seen[stratum]++;
        }
        for (int s = 0; s < N; s++)
            assert_int_equal(seen[s], 1); /* exactly one sample per stratum */
    }
}

/* A test objective: f(x, ctx). */
typedef struct {
    double (*fn)(const double *x, const double *ctx);
    const double *ctx;
} objective;

#define DEB_FN test_de_block
#define DEB_CTX const objective *
#define DEB_EVAL(o, x, bound) ((o)->fn((x), (o)->ctx))
#include "fit/de_block_impl.h"

/* Minimize fn over [lo, hi] with the DE loop (x0 may be NULL). Returns -1
 * for parameters the fixed block memory does not hold. */
static int de_run(const de_params *p, rng_key key, uint64_t phase_init, uint64_t phase_gen,
                  const double *lo, const double *hi, const double *x0,
                  double (*fn)(const double *, const double *), const double *ctx, de_result *out)
{
    if (p->dim < 1 || p->dim > DE_MAX_DIM || p->population < 4 || p->population > DE_MAX_POPULATION)
        return -1;
    static double pop[DE_MAX_POPULATION * DE_MAX_DIM], trial[DE_MAX_POPULATION * DE_MAX_DIM];
    static double f[DE_MAX_POPULATION], ft[DE_MAX_POPULATION];
    de_block_shared s;
    de_block_mem m = {pop, trial, f, ft, &s};
    objective o = {fn, ctx};
    memset(out, 0, sizeof *out);
    test_de_block(0, 1, p, key, phase_init, phase_gen, lo, hi, x0, &o, &m, out);
    return 0;
}

static double sphere_shifted(const double *x, const double *c)
{
    double s = 0;
    for (int d = 0; d < 3; d++)
        s += (x[d] - c[d]) * (x[d] - c[d]);
    return s;
}

static double rosenbrock2(const double *x, const double *ctx)
{
    (void)ctx;
    double a = x[0], b = x[1];
    return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
}

static de_params params(int dim, int pop, int maxgen, double atol)
{
    de_params p = {.dim = dim,
                   .population = pop,
                   .max_generations = maxgen,
                   .min_generations = 10,
                   .mutation = 0.5,
                   .crossover = 0.9,
                   .atol = atol,
                   .bad_value = 1e30};
    return p;
}

static void test_de_finds_minimum(void **state)
{
    (void)state;
    double center[3] = {-321.0, 0.77, 1.3};
    double lo[3] = {-2000, 0.3, 0}, hi[3] = {20, 1.1, 5};
    de_params p = params(3, 50, 500, 0); /* atol 0: run until no improvement */
    de_result r;
    assert_int_equal(
        de_run(&p, rng_make_key(1, 2), 10, 11, lo, hi, NULL, sphere_shifted, center, &r), 0);
    assert_close(r.x[0], center[0], 0, 1e-3);
    assert_close(r.x[1], center[1], 0, 1e-5);
    assert_close(r.x[2], center[2], 0, 1e-5);

    double lo2[2] = {-2, -2}, hi2[2] = {2, 2};
    de_params p2 = params(2, 30, 1000, 0);
    assert_int_equal(de_run(&p2, rng_make_key(3, 4), 10, 11, lo2, hi2, NULL, rosenbrock2, NULL, &r),
                     0);
    assert_close(r.x[0], 1.0, 0, 1e-3);
    assert_close(r.x[1], 1.0, 0, 2e-3);
}

static void test_de_deterministic_and_x0(void **state)
{
    (void)state;
    double center[3] = {-50.0, 0.5, 2.0};
    double lo[3] = {-2000, 0.3, 0}, hi[3] = {20, 1.1, 5};
    de_params p = params(3, 50, 500, 1e-3);
    de_result a, b;
    de_run(&p, rng_make_key(9, 9), 10, 11, lo, hi, NULL, sphere_shifted, center, &a);
    de_run(&p, rng_make_key(9, 9), 10, 11, lo, hi, NULL, sphere_shifted, center, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.generations >= 10 && a.generations <= 500);
    /* x0 at the exact optimum stays the answer. */
    de_run(&p, rng_make_key(9, 9), 10, 11, lo, hi, center, sphere_shifted, center, &b);
    assert_true(b.f == 0.0);
    assert_true(b.generations == 10); /* no improvement possible: stops at the minimum */
}

static double nan_objective(const double *x, const double *ctx)
{
    (void)x;
    (void)ctx;
    return NAN;
}

static void test_de_bad_values(void **state)
{
    (void)state;
    double lo[2] = {0, 0}, hi[2] = {1, 1};
    de_params p = params(2, 10, 50, 1e-3);
    de_result r;
    assert_int_equal(de_run(&p, rng_make_key(1, 1), 1, 2, lo, hi, NULL, nan_objective, NULL, &r),
                     0);
    assert_true(r.f == 1e30);
    p.population = 2;
    assert_int_equal(de_run(&p, rng_make_key(1, 1), 1, 2, lo, hi, NULL, nan_objective, NULL, &r),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_is_counter_based), cmocka_unit_test(test_lhs_stratified),
        cmocka_unit_test(test_de_finds_minimum),     cmocka_unit_test(test_de_deterministic_and_x0),
        cmocka_unit_test(test_de_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
