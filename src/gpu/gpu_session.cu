/* GPU sessions (gpu_internal.h, docs/decisions.md "Backend sessions"): the
 * stream and the CUDA allocators of the session arena (gpu/gpu_arena.h):
 * device buffers from cudaMalloc, host staging pinned (cudaMallocHost) so
 * the copies on the stream are real asynchronous DMA. */
#include <cuda_runtime.h>

#include <stdlib.h>

extern "C" {
#include "core/status.h"
}

#include "gpu/gpu_internal.h"

namespace
{

lp_status device_alloc(void *ctx, size_t bytes, void **out, lp_error *err)
{
    gpu_state *st = (gpu_state *)ctx;
    cudaError_t rc = cudaMalloc(out, bytes);
    if (rc == cudaSuccess)
        return LP_OK;
    *out = NULL;
    if (rc == cudaErrorMemoryAllocation) { /* not sticky: the job retries smaller */
        cudaGetLastError();
        return lp_error_set(err, LP_ERR_NOMEM, "GPU allocation of %zu bytes failed", bytes);
    }
    return gpu_cuda_fail(st, err, "cudaMalloc", rc);
}

void device_release(void *ctx, void *p)
{
    (void)ctx;
    cudaFree(p);
}

lp_status host_alloc(void *ctx, size_t bytes, void **out, lp_error *err)
{
    (void)ctx;
    cudaError_t rc = cudaMallocHost(out, bytes);
    if (rc == cudaSuccess)
        return LP_OK;
    cudaGetLastError();
    *out = NULL;
    return lp_error_set(err, LP_ERR_NOMEM, "pinned host staging of %zu bytes failed", bytes);
}

void host_release(void *ctx, void *p)
{
    (void)ctx;
    cudaFreeHost(p);
}

} // namespace

lp_status gpu_cuda_fail(gpu_state *st, lp_error *err, const char *what, cudaError_t rc)
{
    st->broken = 1;
    cudaGetLastError();
    return lp_error_set(err, LP_ERR_DEVICE, "CUDA error in %s: %s", what, cudaGetErrorString(rc));
}

lp_status gpu_session_open(gpu_state *st, gpu_session **out, lp_error *err)
{
    *out = NULL;
    gpu_session *s = (gpu_session *)calloc(1, sizeof *s);
    if (!s)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory creating a GPU session");
    cudaError_t rc = cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking);
    if (rc != cudaSuccess) {
        free(s);
        return gpu_cuda_fail(st, err, "cudaStreamCreate", rc);
    }
    const gpu_allocator dev = {device_alloc, device_release, st};
    const gpu_allocator host = {host_alloc, host_release, st};
    gpu_arena_init(&s->arena, &dev, &host);
    *out = s;
    return LP_OK;
}

void gpu_session_close(gpu_session *sess)
{
    if (!sess)
        return;
    cudaStreamSynchronize(sess->stream);
    gpu_arena_free(&sess->arena);
    cudaStreamDestroy(sess->stream);
    cudaGetLastError();
    free(sess);
}

lp_status gpu_session_free_mem(gpu_state *st, size_t *free_b, lp_error *err)
{
    size_t total_b = 0;
    cudaError_t rc = cudaMemGetInfo(free_b, &total_b);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(st, err, "cudaMemGetInfo", rc);
    return LP_OK;
}

lp_status gpu_session_reserve(gpu_state *st, gpu_session *sess, long batch, size_t in_item,
                              size_t out_item, size_t aux, lp_error *err)
{
    (void)st; /* device_alloc marks it broken on a CUDA error */
    return gpu_arena_reserve(&sess->arena, batch, in_item, out_item, aux, err);
}
