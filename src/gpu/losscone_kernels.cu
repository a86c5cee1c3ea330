/* The fused loss-cone kernel (docs/decisions.md "GPU", docs/physics.md §4):
 * one thread block per sweep, the packed sweep staged in shared memory,
 * the LHS phase, every DE generation, the per-sweep stopping test and the
 * final choice inside one launch (lc_body_impl.h, shared with the CPU
 * tests). One thread evaluates one candidate over all bins in bin order,
 * so no cross-thread chi2 reduction exists and results are deterministic;
 * argmins are fixed-order scans by thread 0. Precisions: fp64, fp32, and
 * mixed (fp16 storage of per-bin data, fp32 maths, fp64 accumulation). */
#include <cuda_fp16.h>
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
#include "fit/lc_body.h"

/* mixed instantiation: fp16 storage of data and beam factors, fp32 pitch
 * and maths. */
#define LCB_SFX h16
#define LCB_DATA __half
#define LCB_PITCH float
#define LCB_REAL float
#define LCB_LOAD(x) __half2float(x)
#define LCB_STORE(x) __double2half(x)
#define LCB_LOG(x) logf(x)
#include "fit/lc_body_impl.h"

static_assert(sizeof(lcg_sweep_h16) == sizeof(lcg_sweep_h16_layout),
              "the C mirror of the mixed packed sweep must match");

#define LC_THREADS 64 /* population 50: one member per thread */

namespace
{

struct prec_f64 {
    typedef lcg_sweep_f64 sweep;
    static const int can_polish = 1;
    static int pack(const lcg_config *c, const losscone_sweep *in, sweep *out)
    {
        return lcg_pack_f64(c, in, out);
    }
    static __device__ void fit(int tid, int nt, const sweep *sw, const lcg_config *c,
                               const double *lhs, double *lhs_f, const de_block_mem *m,
                               lcg_shared *s, losscone_result *out)
    {
        lcg_fit_block_f64(tid, nt, sw, c, lhs, lhs_f, m, s, out);
    }
};
struct prec_f32 {
    typedef lcg_sweep_f32 sweep;
    static const int can_polish = 0;
    static int pack(const lcg_config *c, const losscone_sweep *in, sweep *out)
    {
        return lcg_pack_f32(c, in, out);
    }
    static __device__ void fit(int tid, int nt, const sweep *sw, const lcg_config *c,
                               const double *lhs, double *lhs_f, const de_block_mem *m,
                               lcg_shared *s, losscone_result *out)
    {
        lcg_fit_block_f32(tid, nt, sw, c, lhs, lhs_f, m, s, out);
    }
};
struct prec_h16 {
    typedef lcg_sweep_h16 sweep;
    static const int can_polish = 0;
    static int pack(const lcg_config *c, const losscone_sweep *in, sweep *out)
    {
        return lcg_pack_h16(c, in, out);
    }
    static __device__ void fit(int tid, int nt, const sweep *sw, const lcg_config *c,
                               const double *lhs, double *lhs_f, const de_block_mem *m,
                               lcg_shared *s, losscone_result *out)
    {
        lcg_fit_block_h16(tid, nt, sw, c, lhs, lhs_f, m, s, out);
    }
};

/* Dynamic shared memory of one block, 16-byte aligned pieces. */
struct lc_layout {
    size_t sweep, pop, trial, f, ft, lhs_f, shared, total;
};

__host__ __device__ inline size_t lc_align(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

__host__ __device__ inline lc_layout lc_layout_make(size_t sweep_bytes, int population, int n_lhs)
{
    lc_layout l;
    size_t at = 0;
    l.sweep = at;
    at += lc_align(sweep_bytes);
    l.pop = at;
    at += lc_align(sizeof(double) * (size_t)population * LCG_DIM);
    l.trial = at;
    at += lc_align(sizeof(double) * (size_t)population * LCG_DIM);
    l.f = at;
    at += lc_align(sizeof(double) * (size_t)population);
    l.ft = at;
    at += lc_align(sizeof(double) * (size_t)population);
    l.lhs_f = at;
    at += lc_align(sizeof(double) * (size_t)n_lhs);
    l.shared = at;
    at += lc_align(sizeof(lcg_shared));
    l.total = at;
    return l;
}

template <class P>
__global__ void __launch_bounds__(LC_THREADS)
    lc_fit_kernel(const typename P::sweep *sweeps, int n, lcg_config cfg, const double *lhs,
                  losscone_result *out)
{
    extern __shared__ double2 lc_smem_raw[]; /* 16-byte aligned */
    unsigned char *smem = (unsigned char *)lc_smem_raw;
    const int b = blockIdx.x;
    if (b >= n) /* uniform over the block */
        return;
    const lc_layout l = lc_layout_make(sizeof(typename P::sweep), cfg.de.population, cfg.n_lhs);
    const int tid = threadIdx.x, nt = blockDim.x;

    /* Stage the sweep: 4-byte words, consecutive threads on consecutive
     * words (coalesced). sizeof(sweep) is a multiple of 8. */
    const uint32_t *src = (const uint32_t *)(sweeps + b);
    uint32_t *dst = (uint32_t *)(smem + l.sweep);
    const int words = (int)(sizeof(typename P::sweep) / 4);
    for (int k = tid; k < words; k += nt)
        dst[k] = src[k];
    const lcg_config c = cfg;
    de_block_mem m;
    m.pop = (double *)(smem + l.pop);
    m.trial = (double *)(smem + l.trial);
    m.f = (double *)(smem + l.f);
    m.ft = (double *)(smem + l.ft);
    lcg_shared *s = (lcg_shared *)(smem + l.shared);
    m.s = &s->de;
    __syncthreads();
    P::fit(tid, nt, (const typename P::sweep *)(smem + l.sweep), &c, lhs,
           (double *)(smem + l.lhs_f), &m, s, out + b);
}

/* One GPU loss-cone job: the batch driver's callbacks (gpu_batch.h) on
 * the session's buffers and stream (gpu_internal.h). */
template <class P> struct lc_job {
    typedef typename P::sweep sweep_t;
    gpu_state *st;
    gpu_session *sess;
    const lcg_config *cfg;
    const losscone_sweep *sweeps;
    losscone_result *out;
    const double *lhs; /* n_lhs * 3, host */
    size_t smem;
};

/* The session keeps its buffers for the next job: nothing to release. */
template <class P> void lc_release(void *vctx)
{
    (void)vctx;
}

template <class P> lp_status lc_alloc(void *vctx, long batch, lp_error *err)
{
    typedef typename P::sweep sweep_t;
    lc_job<P> *j = (lc_job<P> *)vctx;
    const size_t lhs_bytes = sizeof(double) * (size_t)j->cfg->n_lhs * LCG_DIM;
    lp_status st = gpu_session_reserve(j->st, j->sess, batch, sizeof(sweep_t),
                                       sizeof(losscone_result), lhs_bytes, err);
    if (st != LP_OK)
        return st;
    gpu_arena *a = &j->sess->arena;
    cudaError_t rc = cudaMemcpyAsync(a->buf[GPU_BUF_D_AUX].ptr, j->lhs, lhs_bytes,
                                     cudaMemcpyHostToDevice, j->sess->stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "cudaMemcpy (LHS samples)", rc);
    return LP_OK;
}

template <class P> lp_status lc_chunk(void *vctx, const size_t *idx, size_t cnt, lp_error *err)
{
    typedef typename P::sweep sweep_t;
    lc_job<P> *j = (lc_job<P> *)vctx;
    gpu_arena *a = &j->sess->arena;
    cudaStream_t stream = j->sess->stream;
    sweep_t *h_sw = (sweep_t *)a->buf[GPU_BUF_H_IN].ptr;
    sweep_t *d_sw = (sweep_t *)a->buf[GPU_BUF_D_IN].ptr;
    losscone_result *h_out = (losscone_result *)a->buf[GPU_BUF_H_OUT].ptr;
    losscone_result *d_out = (losscone_result *)a->buf[GPU_BUF_D_OUT].ptr;
    for (size_t k = 0; k < cnt; k++)
        P::pack(j->cfg, &j->sweeps[idx[k]], &h_sw[k]);
    cudaError_t rc =
        cudaMemcpyAsync(d_sw, h_sw, sizeof(sweep_t) * cnt, cudaMemcpyHostToDevice, stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "cudaMemcpy (sweeps)", rc);
    lc_fit_kernel<P><<<(unsigned)cnt, LC_THREADS, j->smem, stream>>>(
        d_sw, (int)cnt, *j->cfg, (const double *)a->buf[GPU_BUF_D_AUX].ptr, d_out);
    rc = cudaGetLastError();
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "the loss-cone kernel launch", rc);
    rc = cudaMemcpyAsync(h_out, d_out, sizeof(losscone_result) * cnt, cudaMemcpyDeviceToHost,
                         stream);
    if (rc == cudaSuccess)
        rc = cudaStreamSynchronize(stream);
    if (rc != cudaSuccess)
        return gpu_cuda_fail(j->st, err, "the loss-cone kernel", rc);
    for (size_t k = 0; k < cnt; k++)
        j->out[idx[k]] = h_out[k];
    return LP_OK;
}

template <class P>
lp_status lc_run(gpu_state *st, gpu_session *sess, const losscone_settings *s,
                 const losscone_sweep *sweeps, size_t n, losscone_result *out, lp_error *err)
{
    typedef typename P::sweep sweep_t;
    static_assert(sizeof(sweep_t) % 8 == 0, "packed sweep must be whole 8-byte words");
    lcg_config cfg;
    lcg_config_init(s, &cfg);
    if (!P::can_polish) /* the polish needs the fp64 layout */
        lcg_config_no_polish(&cfg);
    if (!losscone_settings_valid(s) || s->max_generations < 0)
        return lp_error_set(err, LP_ERR_USAGE,
                            "loss-cone settings outside what the GPU kernel supports "
                            "(population %d, LHS samples %d, polish starts %d)",
                            cfg.de.population, cfg.n_lhs, s->polish_starts);
    const lc_layout lay = lc_layout_make(sizeof(sweep_t), cfg.de.population, cfg.n_lhs);
    if (lay.total > st->smem_optin)
        return lp_error_set(err, LP_ERR_UNSUPPORTED,
                            "a loss-cone block needs %zu bytes of shared memory, the device "
                            "offers %zu",
                            lay.total, st->smem_optin);
    cudaError_t rc;
    if (lay.total > 48 * 1024) {
        rc = cudaFuncSetAttribute(lc_fit_kernel<P>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  (int)lay.total);
        if (rc != cudaSuccess)
            return gpu_cuda_fail(st, err, "cudaFuncSetAttribute", rc);
    }

    /* Pack on the host; sweeps that are not fitted never reach the device. */
    size_t *idx = (size_t *)malloc(sizeof(size_t) * (n ? n : 1));
    double *lhs = (double *)malloc(sizeof(double) * (size_t)cfg.n_lhs * LCG_DIM);
    sweep_t *probe = (sweep_t *)malloc(sizeof(sweep_t));
    if (!idx || !lhs || !probe) {
        free(idx);
        free(lhs);
        free(probe);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory preparing a GPU loss-cone job");
    }
    losscone_lhs_samples(s, lhs);
    size_t n_fit = 0;
    for (size_t i = 0; i < n; i++) {
        if (P::pack(&cfg, &sweeps[i], probe))
            idx[n_fit++] = i;
        else
            lcg_not_fitted_f64(&out[i]);
    }
    free(probe);

    size_t free_b = 0;
    lp_status status = n_fit ? gpu_session_free_mem(st, &free_b, err) : LP_OK;
    if (status == LP_OK) {
        lc_job<P> job;
        memset(&job, 0, sizeof job);
        job.st = st;
        job.sess = sess;
        job.cfg = &cfg;
        job.sweeps = sweeps;
        job.out = out;
        job.lhs = lhs;
        job.smem = lay.total;
        const gpu_batch_ops ops = {lc_alloc<P>, lc_release<P>, lc_chunk<P>};
        /* the layout actually run (the counts objective is fp64 only) */
        long batch = gpu_arena_plan(&sess->arena, free_b,
                                    sizeof(sweep_t) + sizeof(losscone_result),
                                    st->batch_override, n_fit);
        gpu_batch_report rep;
        status = gpu_batch_drive(&ops, &job, idx, n_fit, batch, &rep, err);
        st->last_batch = rep.batch;
        st->last_backoffs = rep.backoffs;
    }
    free(idx);
    free(lhs);
    return status;
}

} // namespace

lp_status gpu_losscone_run(gpu_state *st, gpu_session *sess, const losscone_settings *s,
                           const losscone_sweep *sweeps, size_t n, losscone_result *out,
                           lp_error *err)
{
    if (n > (size_t)1 << 31)
        return lp_error_set(err, LP_ERR_RANGE, "too many sweeps for one GPU job (%zu)", n);
    /* The counts objective (consistent physics) exists in the fp64 layout
     * only (fit/losscone_chi2.h): it runs there whatever the dtype. */
    if (s->method == FIT_METHOD_COUNTS)
        return lc_run<prec_f64>(st, sess, s, sweeps, n, out, err);
    switch (st->prec) {
    case GPU_PREC_FP64: return lc_run<prec_f64>(st, sess, s, sweeps, n, out, err);
    case GPU_PREC_FP32: return lc_run<prec_f32>(st, sess, s, sweeps, n, out, err);
    case GPU_PREC_MIXED:
    default: return lc_run<prec_h16>(st, sess, s, sweeps, n, out, err);
    }
}

lp_status gpu_losscone_probe(lp_error *err)
{
    cudaFuncAttributes a;
    cudaError_t rc = cudaFuncGetAttributes(&a, lc_fit_kernel<prec_f64>);
    if (rc == cudaSuccess)
        rc = cudaFuncGetAttributes(&a, lc_fit_kernel<prec_f32>);
    if (rc == cudaSuccess)
        rc = cudaFuncGetAttributes(&a, lc_fit_kernel<prec_h16>);
    if (rc != cudaSuccess) {
        cudaGetLastError();
        return lp_error_set(err, LP_ERR_DEVICE, "the loss-cone kernels cannot run here (%s)",
                            cudaGetErrorString(rc));
    }
    return LP_OK;
}
