/* CPU tests of the GPU session's buffers and planning (src/gpu/gpu_arena.c,
 * docs/decisions.md "Backend sessions") with a fake device of a given
 * size: buffers grow on demand and are reused by later jobs (no new
 * allocation), the plan counts what the session already holds, the batch
 * driver halves on a (fake or hook-forced) out-of-memory and every item
 * still runs once, an out-of-memory releases the device buffers before the
 * retry, a fatal error is returned as it is, and the fallback rule never
 * sends a usage error to the CPU. */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "gpu/gpu_arena.h"
#include "gpu/gpu_batch.h"
#include "gpu/gpu_policy.h"

typedef struct {
    size_t capacity, used; /* bytes */
    int fatal;
    int allocs, frees;
} fake_mem;

static lp_status fake_alloc(void *ctx, size_t bytes, void **out, lp_error *err)
{
    fake_mem *m = ctx;
    if (m->fatal)
        return lp_error_set(err, LP_ERR_DEVICE, "fake device broke");
    if (bytes > m->capacity - m->used)
        return lp_error_set(err, LP_ERR_NOMEM, "fake out of memory (%zu bytes)", bytes);
    size_t *p = malloc(sizeof(size_t) + bytes);
    assert_non_null(p);
    p[0] = bytes;
    m->used += bytes;
    m->allocs++;
    *out = p + 1;
    return LP_OK;
}

static void fake_release(void *ctx, void *ptr)
{
    fake_mem *m = ctx;
    size_t *p = (size_t *)ptr - 1;
    m->used -= p[0];
    m->frees++;
    free(p);
}

static void arena_make(gpu_arena *a, fake_mem *dev, fake_mem *host)
{
    const gpu_allocator d = {fake_alloc, fake_release, dev}, h = {fake_alloc, fake_release, host};
    gpu_arena_init(a, &d, &h);
}

static void test_grow_and_reuse(void **state)
{
    (void)state;
    fake_mem dev = {1 << 20, 0, 0, 0, 0}, host = {1 << 30, 0, 0, 0, 0};
    gpu_arena a;
    arena_make(&a, &dev, &host);
    lp_error err;
    assert_int_equal(gpu_arena_reserve(&a, 100, 64, 16, 8, &err), LP_OK);
    assert_int_equal(a.allocations, 5);
    assert_int_equal(gpu_arena_device_bytes(&a), 100 * 64 + 100 * 16 + 8);
    assert_int_equal(dev.used, gpu_arena_device_bytes(&a));
    /* the same or a smaller job: reused, nothing allocated */
    assert_int_equal(gpu_arena_reserve(&a, 100, 64, 16, 8, &err), LP_OK);
    assert_int_equal(gpu_arena_reserve(&a, 7, 64, 16, 0, &err), LP_OK);
    assert_int_equal(gpu_arena_reserve(&a, 50, 100, 20, 8, &err), LP_OK); /* other item sizes */
    assert_int_equal(a.allocations, 5);
    /* a larger one grows only what is too small */
    assert_int_equal(gpu_arena_reserve(&a, 200, 64, 8, 8, &err), LP_OK);
    assert_int_equal(a.allocations, 7); /* d_in and h_in */
    assert_int_equal(a.buf[GPU_BUF_D_IN].bytes, 200 * 64);
    assert_int_equal(a.buf[GPU_BUF_D_OUT].bytes, 100 * 16);
    gpu_arena_free(&a);
    assert_int_equal(dev.used, 0);
    assert_int_equal(host.used, 0);
    assert_int_equal(dev.allocs + host.allocs, dev.frees + host.frees);
}

static void test_plan_counts_held_memory(void **state)
{
    (void)state;
    const size_t mb = (size_t)1 << 20, item = mb;
    fake_mem dev = {(size_t)4096 * mb, 0, 0, 0, 0}, host = {(size_t)4096 * mb, 0, 0, 0, 0};
    gpu_arena a;
    arena_make(&a, &dev, &host);
    /* nothing held: gpu_policy_batch_size of the free memory, capped at n */
    assert_int_equal(gpu_arena_plan(&a, 1024 * mb, item, 0, 100000),
                     gpu_policy_batch_size(1024 * mb, item, 0));
    assert_int_equal(gpu_arena_plan(&a, 1024 * mb, item, 0, 5), 5);
    assert_int_equal(gpu_arena_plan(&a, 1024 * mb, item, 3, 100000), 3); /* override */
    assert_int_equal(gpu_arena_plan(&a, 0, item, 0, 0), 1);
    lp_error err;
    assert_int_equal(gpu_arena_reserve(&a, 600, item, 0, 0, &err), LP_OK);
    /* the session's own 600 MB count as available to its next job */
    assert_int_equal(gpu_arena_plan(&a, 424 * mb, item, 0, 100000),
                     gpu_policy_batch_size(1024 * mb, item, 0));
    gpu_arena_free(&a);
}

/* The session's job: the arena reserve is the batch driver's alloc. */
typedef struct {
    gpu_arena *a;
    size_t item;
    int seen[1000];
    long chunks, max_chunk;
} job;

static lp_status job_alloc(void *ctx, long batch, lp_error *err)
{
    job *j = ctx;
    return gpu_arena_reserve(j->a, batch, j->item, j->item / 2, 0, err);
}

static void job_release(void *ctx)
{
    (void)ctx; /* the session keeps its buffers */
}

static lp_status job_run(void *ctx, const size_t *idx, size_t cnt, lp_error *err)
{
    (void)err;
    job *j = ctx;
    assert_true(cnt * j->item <= j->a->buf[GPU_BUF_D_IN].bytes);
    j->chunks++;
    j->max_chunk = (long)cnt > j->max_chunk ? (long)cnt : j->max_chunk;
    for (size_t k = 0; k < cnt; k++)
        j->seen[idx[k]]++;
    return LP_OK;
}

static const gpu_batch_ops job_ops = {job_alloc, job_release, job_run};

static void test_halving_then_reuse(void **state)
{
    (void)state;
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
    /* room for 150 items of 100 + 50 bytes: a plan of 1000 halves to 125 */
    fake_mem dev = {150 * 150, 0, 0, 0, 0}, host = {1 << 30, 0, 0, 0, 0};
    gpu_arena a;
    arena_make(&a, &dev, &host);
    static job j;
    memset(&j, 0, sizeof j);
    j.a = &a;
    j.item = 100;
    size_t idx[1000];
    for (size_t i = 0; i < 1000; i++)
        idx[i] = i;
    gpu_batch_report rep;
    lp_error err;
    assert_int_equal(gpu_batch_drive(&job_ops, &j, idx, 1000, 1000, &rep, &err), LP_OK);
    assert_int_equal(rep.batch, 125);
    assert_int_equal(rep.backoffs, 3);
    assert_int_equal(j.chunks, 8);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(j.seen[i], 1);
    long allocs = a.allocations;
    assert_true(dev.used > 0); /* kept after the job */
    /* the next job of the session reuses the buffers: no allocation */
    memset(j.seen, 0, sizeof j.seen);
    assert_int_equal(gpu_batch_drive(&job_ops, &j, idx, 300, 125, &rep, &err), LP_OK);
    assert_int_equal(a.allocations, allocs);
    assert_int_equal(rep.backoffs, 0);
    for (int i = 0; i < 300; i++)
        assert_int_equal(j.seen[i], 1);
    /* the hook forces halving although the memory is there */
    setenv(GPU_ENV_FAIL_ALLOC_ABOVE, "16", 1);
    memset(j.seen, 0, sizeof j.seen);
    j.max_chunk = 0;
    assert_int_equal(gpu_batch_drive(&job_ops, &j, idx, 100, 100, &rep, &err), LP_OK);
    assert_int_equal(rep.batch, 12);
    assert_int_equal(j.max_chunk, 12);
    assert_int_equal(a.allocations, allocs); /* the larger buffers serve it */
    for (int i = 0; i < 100; i++)
        assert_int_equal(j.seen[i], 1);
    unsetenv(GPU_ENV_FAIL_ALLOC_ABOVE);
    gpu_arena_free(&a);
    assert_int_equal(dev.used, 0);
}

static void test_nomem_releases_and_fatal_returns(void **state)
{
    (void)state;
    fake_mem dev = {1000, 0, 0, 0, 0}, host = {1 << 20, 0, 0, 0, 0};
    gpu_arena a;
    arena_make(&a, &dev, &host);
    lp_error err;
    assert_int_equal(gpu_arena_reserve(&a, 10, 50, 10, 0, &err), LP_OK); /* 600 bytes */
    /* d_in grows to 900 (fits only once the old 500 are released), d_out
     * then fails: everything on the device is released for the retry */
    assert_int_equal(gpu_arena_reserve(&a, 18, 50, 10, 0, &err), LP_ERR_NOMEM);
    assert_int_equal(dev.used, 0);
    assert_int_equal(gpu_arena_device_bytes(&a), 0);
    assert_int_equal(gpu_arena_reserve(&a, 9, 50, 10, 0, &err), LP_OK);
    dev.fatal = 1;
    assert_int_equal(gpu_arena_reserve(&a, 20, 50, 10, 0, &err), LP_ERR_DEVICE);
    gpu_arena_free(&a);
    assert_int_equal(dev.used, 0);
    assert_int_equal(host.used, 0);
}

static void test_fallback_rule(void **state)
{
    (void)state;
    assert_true(gpu_policy_falls_back(LP_ERR_DEVICE));
    assert_true(gpu_policy_falls_back(LP_ERR_NOMEM));
    assert_true(gpu_policy_falls_back(LP_ERR_UNSUPPORTED));
    assert_false(gpu_policy_falls_back(LP_OK));
    assert_false(gpu_policy_falls_back(LP_ERR_USAGE));
    assert_false(gpu_policy_falls_back(LP_ERR_RANGE));
    assert_false(gpu_policy_falls_back(LP_ERR_CANCELLED));
    assert_false(gpu_policy_falls_back(LP_ERR_IO));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow_and_reuse),
        cmocka_unit_test(test_plan_counts_held_memory),
        cmocka_unit_test(test_halving_then_reuse),
        cmocka_unit_test(test_nomem_releases_and_fatal_returns),
        cmocka_unit_test(test_fallback_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
