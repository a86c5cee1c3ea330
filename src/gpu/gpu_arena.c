/* Persistent GPU session buffers (see gpu_arena.h). */
#include "gpu/gpu_arena.h"

#include <stdint.h>
#include <string.h>

#include "gpu/gpu_policy.h"

void gpu_arena_init(gpu_arena *a, const gpu_allocator *device, const gpu_allocator *host)
{
    memset(a, 0, sizeof *a);
    a->device = *device;
    a->host = *host;
}

static int is_device(int id)
{
    return id == GPU_BUF_D_IN || id == GPU_BUF_D_OUT || id == GPU_BUF_D_AUX;
}

static void buffer_release(gpu_arena *a, int id)
{
    gpu_buffer *b = &a->buf[id];
    const gpu_allocator *al = is_device(id) ? &a->device : &a->host;
    if (b->ptr)
        al->release(al->ctx, b->ptr);
    b->ptr = NULL;
    b->bytes = 0;
}

static lp_status buffer_reserve(gpu_arena *a, int id, size_t bytes, lp_error *err)
{
    gpu_buffer *b = &a->buf[id];
    if (bytes == 0 || (b->ptr && b->bytes >= bytes))
        return LP_OK;
    buffer_release(a, id); /* its memory may be needed for the larger one */
    const gpu_allocator *al = is_device(id) ? &a->device : &a->host;
    void *p = NULL;
    lp_status st = al->alloc(al->ctx, bytes, &p, err);
    if (st != LP_OK)
        return st;
    b->ptr = p;
    b->bytes = bytes;
    a->allocations++;
    return LP_OK;
}

lp_status gpu_arena_reserve(gpu_arena *a, long batch, size_t in_item, size_t out_item, size_t aux,
                            lp_error *err)
{
    if (batch < 1)
        batch = 1;
    size_t nb = (size_t)batch;
    if ((in_item && nb > SIZE_MAX / in_item) || (out_item && nb > SIZE_MAX / out_item))
        return lp_error_set(err, LP_ERR_NOMEM, "GPU batch of %ld items too large", batch);
    const size_t want[GPU_BUF_COUNT] = {nb * in_item, nb * out_item, aux, nb * in_item,
                                        nb * out_item};
    for (int id = 0; id < GPU_BUF_COUNT; id++) {
        lp_status st = buffer_reserve(a, id, want[id], err);
        if (st == LP_ERR_NOMEM)
            for (int k = 0; k < GPU_BUF_COUNT; k++)
                if (is_device(k))
                    buffer_release(a, k);
        if (st != LP_OK)
            return st;
    }
    return LP_OK;
}

size_t gpu_arena_device_bytes(const gpu_arena *a)
{
    size_t s = 0;
    for (int id = 0; id < GPU_BUF_COUNT; id++)
        if (is_device(id))
            s += a->buf[id].bytes;
    return s;
}

long gpu_arena_plan(const gpu_arena *a, size_t free_mem, size_t item_bytes, long override, size_t n)
{
    size_t held = gpu_arena_device_bytes(a);
    size_t avail = free_mem > SIZE_MAX - held ? SIZE_MAX : free_mem + held;
    long batch = gpu_policy_batch_size(avail, item_bytes, override);
    if (n > 0 && (size_t)batch > n)
        batch = (long)n;
    return batch < 1 ? 1 : batch;
}

void gpu_arena_free(gpu_arena *a)
{
    for (int id = 0; id < GPU_BUF_COUNT; id++)
        buffer_release(a, id);
}
