/* Internals shared by the CUDA translation units (C++ only): the backend
 * state and the batch runners of losscone_kernels.cu and kappa_kernels.cu.
 * Include after the C headers (see gpu_backend.cu). */
#ifndef LPMAP_GPU_GPU_INTERNAL_H
#define LPMAP_GPU_GPU_INTERNAL_H

#include <stddef.h>

#include <cuda_runtime.h>

extern "C" {
#include "core/status.h"
#include "fit/kappa_fit.h"
#include "fit/losscone_fit.h"
#include "fit/scpot_body.h"
#include "gpu/gpu_arena.h"
#include "gpu/gpu_batch.h"
#include "gpu/gpu_plan.h"
#include "gpu/gpu_policy.h"
}

struct gpu_state {
    int device;
    gpu_precision prec;
    long batch_override; /* --batch-size (0 = from free memory) */
    size_t smem_optin;   /* largest dynamic shared memory per block */
    int broken;          /* a CUDA error happened: later jobs go to the CPU */
    long last_batch;     /* batch size the last job ran with */
    long last_backoffs;  /* allocation failures the last job recovered from */
};

/* What a fit_session holds on a GPU backend (docs/decisions.md "Backend
 * sessions"): one stream for every copy and launch, and the arena of
 * device buffers and pinned staging, grown on demand and reused by every
 * job until the session ends (gpu_session.cu). */
struct gpu_session {
    cudaStream_t stream;
    gpu_arena arena;
};

/* LP_ERR_DEVICE (and st->broken) when the stream cannot be created. */
lp_status gpu_session_open(gpu_state *st, gpu_session **out, lp_error *err);
void gpu_session_close(gpu_session *sess);
/* cudaMemGetInfo's free bytes; LP_ERR_DEVICE (st->broken) on failure. */
lp_status gpu_session_free_mem(gpu_state *st, size_t *free_b, lp_error *err);
/* st->broken = 1 and an LP_ERR_DEVICE naming `what` and rc. */
lp_status gpu_cuda_fail(gpu_state *st, lp_error *err, const char *what, cudaError_t rc);
/* The arena's buffers for `batch` items (gpu_arena_reserve); a CUDA error
 * other than out-of-memory marks the GPU broken. */
lp_status gpu_session_reserve(gpu_state *st, gpu_session *sess, long batch, size_t in_item,
                              size_t out_item, size_t aux, lp_error *err);

/* Fit n sweeps on the device in batches planned from free memory plus
 * what the session holds (halving the batch on allocation failure), with
 * the session's buffers and stream. LP_ERR_DEVICE on a CUDA error, LP_ERR_UNSUPPORTED when the
 * settings need more shared memory than the device has, LP_ERR_NOMEM when
 * even a batch of one does not fit: the caller then uses the CPU. */
lp_status gpu_losscone_run(gpu_state *st, gpu_session *sess, const losscone_settings *s,
                           const losscone_sweep *sweeps, size_t n, losscone_result *out,
                           lp_error *err);
lp_status gpu_kappa_run(gpu_state *st, gpu_session *sess, const kappa_settings *s,
                        const kappa_data *data, size_t n, kappa_result *out, lp_error *err);
/* The consistent U_sc estimator, one thread per sweep (scpot_kernels.cu);
 * LP_ERR_DEVICE on a CUDA error, LP_ERR_NOMEM when one sweep does not fit. */
lp_status gpu_scpot_run(gpu_state *st, gpu_session *sess, const scb_config *c,
                        const scb_sweep *sweeps, size_t n, scb_result *out, lp_error *err);

/* Start-up checks that the kernels have an image for the current device. */
lp_status gpu_losscone_probe(lp_error *err);
lp_status gpu_kappa_probe(lp_error *err);

#endif
