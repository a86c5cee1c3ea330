/* The kappa-fit kernel (docs/physics.md §5, docs/decisions.md "GPU"): one block of 32
 * threads per sweep (population 30: one member per thread), the packed
 * sweep (response matrix, ln J_d, weights, v²) in shared memory and the whole
 * DE run inside one launch (fit/kappa_body.h, the CPU fitter's body).
 * fp64 only. The sunlit refit (scpot.c) goes through the same path with the
 * refit's random-stream phases carried in kappa_data. */
#include <cuda_runtime.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

extern "C" {
#include "core/cancel.h"
#include "core/log.h"
#include "core/status.h"
}

#include "gpu/gpu_internal.h"
#include "fit/kappa_body.h"

#define KG_THREADS 32

namespace
{

struct kg_layout {
    size_t sweep, pop, trial, f, ft, shared, total;
};

__host__ __device__ inline size_t kg_align(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

__host__ __device__ inline kg_layout kg_layout_make(int population)
{
    kg_layout l;
    size_t at = 0;
    l.sweep = at;
    at += kg_align(sizeof(kg_sweep));
    l.pop = at;
    at += kg_align(sizeof(double) * (size_t)population * KG_DIM);
    l.trial = at;
    at += kg_align(sizeof(double) * (size_t)population * KG_DIM);
    l.f = at;
    at += kg_align(sizeof(double) * (size_t)population);
    l.ft = at;
    at += kg_align(sizeof(double) * (size_t)population);
    l.shared = at;
    at += kg_align(sizeof(de_block_shared));
    l.total = at;
    return l;
}

__global__ void __launch_bounds__(KG_THREADS)
    kg_fit_kernel(const kg_sweep *sweeps, int n, kg_config cfg, kappa_result *out)
{
    extern __shared__ double2 kg_smem_raw[];
    unsigned char *smem = (unsigned char *)kg_smem_raw;
    const int b = blockIdx.x;
    if (b >= n)
        return;
    const kg_layout l = kg_layout_make(cfg.de.population);
    const int tid = threadIdx.x, nt = blockDim.x;
    const uint32_t *src = (const uint32_t *)(sweeps + b);
    uint32_t *dst = (uint32_t *)(smem + l.sweep);
    const int words = (int)(sizeof(kg_sweep) / 4);
    for (int k = tid; k < words; k += nt)
        dst[k] = src[k];
    const kg_config c = cfg;
    de_block_mem m;
    m.pop = (double *)(smem + l.pop);
    m.trial = (double *)(smem + l.trial);
    m.f = (double *)(smem + l.f);
    m.ft = (double *)(smem + l.ft);
    m.s = (de_block_shared *)(smem + l.shared);
    __syncthreads();
    kg_fit_block(tid, nt, (const kg_sweep *)(smem + l.sweep), &c, &m, out + b);
}

/* One GPU kappa job: the batch driver's callbacks (gpu_batch.h) on the
 * session's buffers and stream (gpu_internal.h). */
struct kg_job {
    gpu_state *st;
    gpu_session *sess;
    const kg_config *cfg;
    const kappa_data *data;
    kappa_result *out;
    size_t smem;
};

/* The session keeps its buffers for the next job: nothing to release. */
void kg_release(void *vctx)
{
    (void)vctx;
}

lp_status kg_alloc(void *vctx, long batch, lp_error *err)
{
    kg_job *j = (kg_job *)vctx;
    return gpu_session_reserve(j->st, j->sess, batch, sizeof(kg_sweep), sizeof(kappa_result), 0,
                               err);
}

lp_status kg_chunk(void *vctx, const size_t *idx, size_t cnt, lp_error *err)
{
    kg_job *j = (kg_job *)vctx;
    gpu_arena *a = &j->sess->arena;
    cudaStream_t stream = j->sess->stream;
    kg_sweep *h_sw = (kg_sweep *)a->buf[GPU_BUF_H_IN].ptr;
    kg_sweep *d_sw = (kg_sweep *)a->buf[GPU_BUF_D_IN].ptr;
    kappa_result *h_out = (kappa_result *)a->buf[GPU_BUF_H_OUT].ptr;
    kappa_result *d_out = (kappa_result *)a->buf[GPU_BUF_D_OUT].ptr;
    for (size_t k = 0; k < cnt; k++)
        kg_pack(&j->data[idx[k]], &h_sw[k]);
    cudaError_t rc =
        cudaMemcpyAsync(d_sw, h_sw, sizeof(kg_sweep) * cnt, cudaMemcpyHostToDevice, stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "cudaMemcpy (sweeps)", rc);
    kg_fit_kernel<<<(unsigned)cnt, KG_THREADS, j->smem, stream>>>(d_sw, (int)cnt, *j->cfg, d_out);
    rc = cudaGetLastError();
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "the kappa kernel launch", rc);
    rc = cudaMemcpyAsync(h_out, d_out, sizeof(kappa_result) * cnt, cudaMemcpyDeviceToHost, stream);
    if (rc == cudaSuccess)
        rc = cudaStreamSynchronize(stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "the kappa kernel", rc);
    for (size_t k = 0; k < cnt; k++)
        j->out[idx[k]] = h_out[k];
    return LP_OK;
}

} // namespace

lp_status gpu_kappa_run(gpu_state *st, gpu_session *sess, const kappa_settings *s,
                        const kappa_data *data, size_t n, kappa_result *out, lp_error *err)
{
    static_assert(sizeof(kg_sweep) % 8 == 0, "packed sweep must be whole 8-byte words");
    if (n > (size_t)1 << 31)
        return lp_error_set(err, LP_ERR_RANGE, "too many sweeps for one GPU job (%zu)", n);
    kg_config cfg;
    kg_config_init(s, &cfg);
    if (cfg.de.population < 4 || cfg.de.population > DE_MAX_POPULATION)
        return lp_error_set(err, LP_ERR_USAGE,
                            "kappa population %d outside what the GPU kernel supports",
                            cfg.de.population);
    const kg_layout lay = kg_layout_make(cfg.de.population);
    if (lay.total > st->smem_optin)
        return lp_error_set(err, LP_ERR_UNSUPPORTED,
                            "a kappa block needs %zu bytes of shared memory, the device offers %zu",
                            lay.total, st->smem_optin);
    cudaError_t rc;
    if (lay.total > 48 * 1024) {
        rc = cudaFuncSetAttribute(kg_fit_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  (int)lay.total);
        if (rc != cudaSuccess)
            return gpu_cuda_fail(st, err, "cudaFuncSetAttribute", rc);
    }
    size_t *idx = (size_t *)malloc(sizeof(size_t) * (n ? n : 1));
    kg_sweep *probe = (kg_sweep *)malloc(sizeof(kg_sweep));
    if (!idx || !probe) {
        free(idx);
        free(probe);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory preparing a GPU kappa job");
    }
    size_t n_fit = 0;
    for (size_t i = 0; i < n; i++) {
        if (kg_pack(&data[i], probe))
            idx[n_fit++] = i;
        else
            kg_not_fitted(&data[i], &out[i]);
    }
    free(probe);

    size_t free_b = 0;
    lp_status status = n_fit ? gpu_session_free_mem(st, &free_b, err) : LP_OK;
    if (status == LP_OK) {
        kg_job job;
        memset(&job, 0, sizeof job);
        job.st = st;
        job.sess = sess;
        job.cfg = &cfg;
        job.data = data;
        job.out = out;
        job.smem = lay.total;
        const gpu_batch_ops ops = {kg_alloc, kg_release, kg_chunk};
        long batch =
            gpu_arena_plan(&sess->arena, free_b, gpu_plan_kappa_bytes(), st->batch_override, n_fit);
        gpu_batch_report rep;
        status = gpu_batch_drive(&ops, &job, idx, n_fit, batch, &rep, err);
        st->last_batch = rep.batch;
        st->last_backoffs = rep.backoffs;
    }
    free(idx);
    return status;
}

lp_status gpu_kappa_probe(lp_error *err)
{
    cudaFuncAttributes a;
    cudaError_t rc = cudaFuncGetAttributes(&a, kg_fit_kernel);
    if (rc != cudaSuccess) {
        cudaGetLastError();
        return lp_error_set(err, LP_ERR_DEVICE, "the kappa kernel cannot run here (%s)",
                            cudaGetErrorString(rc));
    }
    return LP_OK;
}
