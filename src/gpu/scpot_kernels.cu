/* The consistent spacecraft-potential estimator on a device (issue #15,
 * docs/physics-modes.md): one thread per sweep runs scb_estimate, the same
 * header-only body (fit/scpot_body.h) the CPU runs per sweep, in fp64. A
 * sweep is a few hundred small fits with no shared state, so a thread per
 * sweep (not a block) is the natural grain; the host copies the prepared
 * sweeps in batches planned like the fits' (gpu_batch_drive on the
 * session's buffers and stream) and the results back. */
#include <cuda_runtime.h>

#include <stdlib.h>
#include <string.h>

extern "C" {
#include "core/status.h"
#include "fit/scpot_body.h"
}

#include "gpu/gpu_internal.h"

#define SCB_THREADS 64

namespace
{

__global__ void scb_kernel(const scb_sweep *in, scb_config c, scb_result *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        scb_estimate(&in[i], &c, &out[i]);
}

/* One GPU U_sc job: the batch driver's callbacks (gpu_batch.h) on the
 * session's buffers and stream; the items are consecutive sweeps. */
struct scb_job {
    gpu_state *st;
    gpu_session *sess;
    const scb_config *cfg;
    const scb_sweep *sweeps;
    scb_result *out;
};

void scb_release(void *vctx)
{
    (void)vctx; /* the session keeps its buffers */
}

lp_status scb_alloc(void *vctx, long batch, lp_error *err)
{
    scb_job *j = (scb_job *)vctx;
    return gpu_session_reserve(j->st, j->sess, batch, sizeof(scb_sweep), sizeof(scb_result), 0,
                               err);
}

lp_status scb_chunk(void *vctx, const size_t *idx, size_t cnt, lp_error *err)
{
    scb_job *j = (scb_job *)vctx;
    gpu_arena *a = &j->sess->arena;
    cudaStream_t stream = j->sess->stream;
    scb_sweep *h_in = (scb_sweep *)a->buf[GPU_BUF_H_IN].ptr;
    scb_sweep *d_in = (scb_sweep *)a->buf[GPU_BUF_D_IN].ptr;
    scb_result *h_out = (scb_result *)a->buf[GPU_BUF_H_OUT].ptr;
    scb_result *d_out = (scb_result *)a->buf[GPU_BUF_D_OUT].ptr;
    for (size_t k = 0; k < cnt; k++)
        h_in[k] = j->sweeps[idx[k]];
    cudaError_t rc =
        cudaMemcpyAsync(d_in, h_in, cnt * sizeof *d_in, cudaMemcpyHostToDevice, stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "copying sweeps to the GPU", rc);
    int blocks = (int)((cnt + SCB_THREADS - 1) / SCB_THREADS);
    scb_kernel<<<blocks, SCB_THREADS, 0, stream>>>(d_in, *j->cfg, d_out, (int)cnt);
    rc = cudaGetLastError();
    if (rc == cudaSuccess)
        rc = cudaMemcpyAsync(h_out, d_out, cnt * sizeof *d_out, cudaMemcpyDeviceToHost, stream);
    if (rc == cudaSuccess)
        rc = cudaStreamSynchronize(stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "the U_sc kernel", rc);
    for (size_t k = 0; k < cnt; k++)
        j->out[idx[k]] = h_out[k];
    return LP_OK;
}

} // namespace

lp_status gpu_scpot_run(gpu_state *st, gpu_session *sess, const scb_config *c,
                        const scb_sweep *sweeps, size_t n, scb_result *out, lp_error *err)
{
    if (n == 0)
        return LP_OK;
    if (n > (size_t)1 << 31)
        return lp_error_set(err, LP_ERR_RANGE, "too many sweeps for one GPU job (%zu)", n);
    size_t *idx = (size_t *)malloc(n * sizeof *idx);
    if (!idx)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory preparing a GPU U_sc job");
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    size_t free_b = 0;
    lp_status status = gpu_session_free_mem(st, &free_b, err);
    if (status == LP_OK) {
        scb_job job = {st, sess, c, sweeps, out};
        const gpu_batch_ops ops = {scb_alloc, scb_release, scb_chunk};
        long batch = gpu_arena_plan(&sess->arena, free_b, sizeof(scb_sweep) + sizeof(scb_result),
                                    st->batch_override, n);
        gpu_batch_report rep;
        status = gpu_batch_drive(&ops, &job, idx, n, batch, &rep, err);
        st->last_batch = rep.batch;
        st->last_backoffs = rep.backoffs;
    }
    free(idx);
    return status;
}
