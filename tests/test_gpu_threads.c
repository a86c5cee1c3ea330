/* The block bodies with real concurrency on the CPU: BLOCK_SYNC() is an
 * OpenMP barrier and each OpenMP thread plays one CUDA thread of a block,
 * so a missing barrier or a race on the shared state (population, best
 * member, stopping flag) shows up as results that differ from the
 * one-thread run. The one-thread run is the CPU fitter's path (its LHS
 * phase keeps the start list as it scans and lets the chi2 stop early),
 * the threaded runs the GPU's, so this is also their parity check.
 * Complements test_gpu_body.c (docs/decisions.md "GPU": no GPU here). */
#define BLOCK_SYNC() _Pragma("omp barrier")

#include "test_support.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "fit/kappa_body.h"
#include "fit/lc_body.h"
#include "gpu_test_data.h"

/* Shared memory of one emulated block. */
typedef struct {
    double pop[DE_MAX_POPULATION * LCG_DIM], trial[DE_MAX_POPULATION * LCG_DIM];
    double f[DE_MAX_POPULATION], ft[DE_MAX_POPULATION];
    double lhs_f[LC_LHS_SAMPLES];
    lcg_shared s;
} lc_block_mem;

static void lc_block(int nt, const lcg_sweep_f64 *sw, const lcg_config *c, const double *lhs,
                     lc_block_mem *bm, losscone_result *out)
{
    de_block_mem m;
    m.pop = bm->pop;
    m.trial = bm->trial;
    m.f = bm->f;
    m.ft = bm->ft;
    m.s = &bm->s.de;
    int team = 0;
#pragma omp parallel num_threads(nt)
    {
        if (omp_get_thread_num() == 0)
            team = omp_get_num_threads();
        lcg_fit_block_f64(omp_get_thread_num(), nt, sw, c, lhs, bm->lhs_f, &m, &bm->s, out);
    }
    assert_int_equal(team, nt); /* a real team, or the test is void */
}

static void check_losscone(fit_method method)
{
    losscone_settings s;
    gtd_losscone_settings(&s, method);
    s.emit_u_width_qc = 1;
    lcg_config c;
    lcg_config_init(&s, &c);
    static double lhs[LC_LHS_SAMPLES * LCG_DIM];
    losscone_lhs_samples(&s, lhs);
    static losscone_sweep in;
    static lcg_sweep_f64 sw;
    static lc_block_mem bm;
    const int teams[] = {2, 3, 7, 64};
    for (uint64_t i = 0; i < 4; i++) {
        gtd_losscone_sweep(42, i, &in, NULL);
        assert_int_equal(lcg_pack_f64(&c, &in, &sw), 1);
        losscone_result one, many;
        memset(&one, 0, sizeof one);
        lc_block(1, &sw, &c, lhs, &bm, &one);
        for (size_t t = 0; t < sizeof teams / sizeof teams[0]; t++) {
            memset(&bm, 0xA5, sizeof bm); /* stale shared memory must not matter */
            memset(&many, 0, sizeof many);
            lc_block(teams[t], &sw, &c, lhs, &bm, &many);
            assert_true(many.u_surface == one.u_surface ||
                        (isnan(many.u_surface) && isnan(one.u_surface)));
            assert_true(many.bs_over_bm == one.bs_over_bm || isnan(one.bs_over_bm));
            assert_true(many.chi2 == one.chi2);
            assert_int_equal(many.generations, one.generations);
            assert_int_equal(many.status, one.status);
            assert_true(many.u_width == one.u_width || isnan(one.u_width));
        }
    }
}

static void test_losscone_block_halekas(void **state)
{
    (void)state;
    check_losscone(FIT_METHOD_HALEKAS);
}

static void test_losscone_block_lillis(void **state)
{
    (void)state;
    check_losscone(FIT_METHOD_LILLIS);
}

static void test_kappa_block(void **state)
{
    (void)state;
    kappa_settings s;
    gtd_kappa_settings(&s);
    kg_config c;
    kg_config_init(&s, &c);
    static kg_sweep sw;
    static double pop[DE_MAX_POPULATION * KG_DIM], trial[DE_MAX_POPULATION * KG_DIM];
    static double f[DE_MAX_POPULATION], ft[DE_MAX_POPULATION];
    static de_block_shared sh;
    de_block_mem m = {pop, trial, f, ft, &sh};
    for (uint64_t i = 0; i < 6; i++) {
        kappa_data d;
        gtd_kappa_data(42, i, &d, NULL, NULL);
        assert_int_equal(kg_pack(&d, &sw), 1);
        kappa_result one, many;
#pragma omp parallel num_threads(1)
        kg_fit_block(omp_get_thread_num(), 1, &sw, &c, &m, &one);
        const int teams[] = {2, 5, 32};
        for (int t = 0; t < 3; t++) {
            memset(pop, 0xA5, sizeof pop);
            memset(f, 0xA5, sizeof f);
            const int nt = teams[t];
#pragma omp parallel num_threads(nt)
            kg_fit_block(omp_get_thread_num(), nt, &sw, &c, &m, &many);
            assert_true(many.kappa == one.kappa);
            assert_true(many.theta == one.theta);
            assert_true(many.chi2 == one.chi2);
            assert_int_equal(many.generations, one.generations);
        }
    }
}

int main(void)
{
    omp_set_dynamic(0); /* teams of exactly the size asked for */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_losscone_block_halekas),
        cmocka_unit_test(test_losscone_block_lillis),
        cmocka_unit_test(test_kappa_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
