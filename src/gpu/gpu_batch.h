/* The batch driver of GPU jobs (docs/decisions.md "GPU"): allocate
 * for a batch, halving it on allocation failure (and under the
 * LPMAP_GPU_FAIL_ALLOC_ABOVE test hook), then run the job's items chunk by
 * chunk, polling cancellation between chunks. Device work goes through
 * callbacks, so the CPU tests drive it with a fake device. */
#ifndef LPMAP_GPU_GPU_BATCH_H
#define LPMAP_GPU_GPU_BATCH_H

#include <stddef.h>

#include "core/status.h"

typedef struct {
    /* Buffers for `batch` items: LP_OK; LP_ERR_NOMEM to retry with half
     * (everything allocated must be released by the callback itself);
     * anything else is fatal. */
    lp_status (*alloc)(void *ctx, long batch, lp_error *err);
    /* Release what alloc made (called once after a successful alloc). */
    void (*release)(void *ctx);
    /* Fit the items idx[0..cnt) (cnt <= batch) and store their results. */
    lp_status (*run)(void *ctx, const size_t *idx, size_t cnt, lp_error *err);
} gpu_batch_ops;

typedef struct {
    long batch;    /* batch size the job ran with (0 when it gave up) */
    long backoffs; /* allocation failures recovered from */
    long chunks;   /* run calls */
} gpu_batch_report;

/* Run n items idx[0..n) starting from `batch` (> 0). LP_ERR_NOMEM when not
 * even one item fits; LP_ERR_CANCELLED when cancelled between chunks. */
lp_status gpu_batch_drive(const gpu_batch_ops *ops, void *ctx, const size_t *idx, size_t n,
                          long batch, gpu_batch_report *rep, lp_error *err);

#endif
