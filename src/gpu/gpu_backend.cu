/* The CUDA fitter backend (fit/backend.h, docs/decisions.md "GPU"): start-up checks
 * with a clean CPU fallback, device choice (--device), the dtype rule,
 * and dispatch of loss-cone, kappa and U_sc jobs to the kernels. A job the
 * device cannot run (CUDA error, no memory even for one sweep, settings too
 * large for shared memory) is fitted on the owned CPU backend instead, with
 * one warning; after a CUDA error every later job goes to the CPU. A
 * fit_session (fit/session.h) gets a gpu_session: one stream and buffers
 * kept between its jobs (gpu_session.cu). */
#include <cuda_runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
#include "core/log.h"
#include "core/status.h"
#include "fit/backend_impl.h"
#include "gpu/gpu_backend.h"
#include "gpu/gpu_policy.h"
#include "gpu/gpu_runtime.h"
}

#include "gpu/gpu_internal.h"

namespace
{

lp_status select_device(const gpu_state *st, lp_error *err)
{
    cudaError_t rc = cudaSetDevice(st->device);
    if (rc != cudaSuccess) {
        cudaGetLastError();
        return lp_error_set(err, LP_ERR_DEVICE, "cannot select CUDA device %d: %s", st->device,
                            cudaGetErrorString(rc));
    }
    return LP_OK;
}

/* Whether the device can take a job now; *why says why not. */
int device_ready(const gpu_state *st, lp_error *why)
{
    if (st->broken) {
        lp_error_set(why, LP_ERR_DEVICE, "an earlier CUDA error disabled the GPU");
        return 0;
    }
    return select_device(st, why) == LP_OK;
}

/* After a device attempt that returned rc: 1 when the job must run on the
 * CPU instead (with a warning naming `what`), 0 when the caller returns rc
 * (LP_OK, or an error that never falls back, copied into *err): the rule
 * is gpu_policy_falls_back (plain C, tested on the CPU). */
int must_fall_back(gpu_state *st, lp_status rc, const lp_error *why, const char *what, size_t n,
                   lp_error *err)
{
    if (rc == LP_OK)
        return 0;
    if (!gpu_policy_falls_back(rc)) {
        if (err)
            *err = *why;
        return 0;
    }
    st->last_batch = 0;
    log_warn("GPU %s of %zu sweeps not possible (%s); running them on the CPU", what, n,
             why->message);
    return 1;
}

/* The session to run a job in: the caller's (a fit_session's state), or
 * one for this job only (*tmp, closed by the caller) for a one-shot call. */
lp_status job_session(gpu_state *st, void *state, gpu_session **sess, gpu_session **tmp,
                      lp_error *why)
{
    *tmp = NULL;
    *sess = (gpu_session *)state;
    if (*sess)
        return LP_OK;
    lp_status rc = gpu_session_open(st, tmp, why);
    *sess = *tmp;
    return rc;
}

/* Each op: small jobs stay on the CPU (launch and transfer costs would
 * dominate), the rest try the device and fall back as must_fall_back says. */
lp_status gpu_losscone_op(fit_backend *be, void *state, const losscone_settings *s,
                          const losscone_sweep *sweeps, size_t n, losscone_result *out,
                          lp_error *err)
{
    gpu_state *st = (gpu_state *)be->impl;
    if ((long)n >= be->min_gpu_sweeps) {
        lp_error why;
        lp_error_clear(&why);
        gpu_session *sess = NULL, *tmp = NULL;
        lp_status rc = LP_ERR_DEVICE;
        if (device_ready(st, &why) && (rc = job_session(st, state, &sess, &tmp, &why)) == LP_OK)
            rc = gpu_losscone_run(st, sess, s, sweeps, n, out, &why);
        gpu_session_close(tmp);
        if (!must_fall_back(st, rc, &why, "loss-cone fit", n, err))
            return rc;
    }
    return be->cpu->ops->losscone(be->cpu, NULL, s, sweeps, n, out, err);
}

lp_status gpu_kappa_op(fit_backend *be, void *state, const kappa_settings *s,
                       const kappa_data *data, size_t n, kappa_result *out, lp_error *err)
{
    gpu_state *st = (gpu_state *)be->impl;
    if ((long)n >= be->min_gpu_sweeps) {
        lp_error why;
        lp_error_clear(&why);
        gpu_session *sess = NULL, *tmp = NULL;
        lp_status rc = LP_ERR_DEVICE;
        if (device_ready(st, &why) && (rc = job_session(st, state, &sess, &tmp, &why)) == LP_OK)
            rc = gpu_kappa_run(st, sess, s, data, n, out, &why);
        gpu_session_close(tmp);
        if (!must_fall_back(st, rc, &why, "kappa fit", n, err))
            return rc;
    }
    return be->cpu->ops->kappa(be->cpu, NULL, s, data, n, out, err);
}

lp_status gpu_scpot_op(fit_backend *be, void *state, const scb_config *c, const scb_sweep *sweeps,
                       size_t n, scb_result *out, lp_error *err)
{
    gpu_state *st = (gpu_state *)be->impl;
    if ((long)n >= be->min_gpu_sweeps) {
        lp_error why;
        lp_error_clear(&why);
        gpu_session *sess = NULL, *tmp = NULL;
        lp_status rc = LP_ERR_DEVICE;
        if (device_ready(st, &why) && (rc = job_session(st, state, &sess, &tmp, &why)) == LP_OK)
            rc = gpu_scpot_run(st, sess, c, sweeps, n, out, &why);
        gpu_session_close(tmp);
        if (!must_fall_back(st, rc, &why, "U_sc estimate", n, err))
            return rc;
    }
    return be->cpu->ops->scpot(be->cpu, NULL, c, sweeps, n, out, err);
}

/* A session's stream and buffers. When the device cannot give them, the
 * session still works: its jobs open one-shot sessions or go to the CPU. */
lp_status gpu_session_open_op(fit_backend *be, void **state, lp_error *err)
{
    (void)err;
    gpu_state *st = (gpu_state *)be->impl;
    gpu_session *sess = NULL;
    lp_error why;
    lp_error_clear(&why);
    if (!device_ready(st, &why) || gpu_session_open(st, &sess, &why) != LP_OK) {
        log_warn("GPU session not opened (%s); its jobs set up the device each time", why.message);
        sess = NULL;
    }
    *state = sess;
    return LP_OK;
}

void gpu_session_close_op(fit_backend *be, void *state)
{
    gpu_state *st = (gpu_state *)be->impl;
    lp_error why;
    if (!st->broken)
        select_device(st, &why);
    gpu_session_close((gpu_session *)state);
}

void gpu_destroy(fit_backend *be)
{
    free(be->impl);
    be->impl = NULL;
}

const fit_backend_ops gpu_ops = {gpu_losscone_op, gpu_kappa_op,        gpu_destroy,
                                 gpu_scpot_op,    gpu_session_open_op, gpu_session_close_op};

} // namespace

extern "C" fit_backend *gpu_backend_create(const fit_backend_options *opt, lp_error *why)
{
    lp_error_clear(why);
    int count = gpu_device_count(why);
    if (count <= 0)
        return NULL;
    int dev = opt->device < 0 ? 0 : opt->device;
    if (dev >= count) {
        lp_error_set(why, LP_ERR_DEVICE, "--device %d: only %d CUDA device(s) found", dev, count);
        return NULL;
    }
    cudaError_t rc = cudaSetDevice(dev);
    if (rc == cudaSuccess)
        rc = cudaFree(0); /* creates the context: a too-old driver fails here */
    if (rc != cudaSuccess) {
        cudaGetLastError();
        lp_error_set(why, LP_ERR_DEVICE, "CUDA start-up failed on device %d: %s", dev,
                     cudaGetErrorString(rc));
        return NULL;
    }
    gpu_device_info info;
    if (gpu_device_query(dev, &info, why) != LP_OK)
        return NULL;
    if (gpu_losscone_probe(why) != LP_OK || gpu_kappa_probe(why) != LP_OK) {
        lp_error_prefix(why, "device %d (%s, compute capability %d.%d): ", dev, info.name,
                        info.cc_major, info.cc_minor);
        return NULL;
    }
    int optin = 0;
    rc = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev);
    if (rc != cudaSuccess || optin <= 0) {
        cudaGetLastError();
        optin = 48 * 1024;
    }

    fit_backend *be = (fit_backend *)calloc(1, sizeof *be);
    gpu_state *st = (gpu_state *)calloc(1, sizeof *st);
    fit_backend *cpu = fit_backend_cpu_create(opt->threads);
    if (!be || !st || !cpu) {
        free(be);
        free(st);
        fit_backend_free(cpu);
        lp_error_set(why, LP_ERR_NOMEM, "out of memory creating the GPU backend");
        return NULL;
    }
    st->device = dev;
    st->prec = gpu_policy_precision(opt->dtype, info.cc_major);
    st->batch_override = opt->batch_size > 0 ? opt->batch_size : 0;
    st->smem_optin = (size_t)optin;
    be->ops = &gpu_ops;
    be->impl = st;
    be->cpu = cpu;
    be->threads = cpu->threads;
    be->min_gpu_sweeps = gpu_policy_min_sweeps(opt->min_gpu_sweeps);
    snprintf(be->name, sizeof be->name, "%s", info.name);
    snprintf(be->dtype, sizeof be->dtype, "%s", gpu_precision_name(st->prec));
    if (opt->dtype == DTYPE_AUTO)
        log_info("%s", gpu_policy_auto_reason());
    if (st->prec == GPU_PREC_MIXED)
        log_info("GPU arithmetic: fp16 storage of per-bin data, fp32 maths, fp64 chi2 sums "
                 "(mixed); kappa fits in fp64");
    log_info("jobs under %ld sweeps are fitted on the CPU (set %s to change)", be->min_gpu_sweeps,
             GPU_ENV_MIN_SWEEPS);
    return be;
}

extern "C" int gpu_backend_stats_get(const fit_backend *be, gpu_backend_stats *out)
{
    if (!be || be->ops != &gpu_ops)
        return -1;
    const gpu_state *st = (const gpu_state *)be->impl;
    out->device = st->device;
    out->last_batch = st->last_batch;
    out->last_backoffs = st->last_backoffs;
    out->broken = st->broken;
    return 0;
}
