/* Device-independent GPU policy (docs/decisions.md "GPU"): the dtype rule, batch sizing
 * from free memory, the small-job threshold and the allocation-failure test
 * hook. Plain C so CPU-only builds and tests exercise the same rules. */
#ifndef LPMAP_GPU_GPU_POLICY_H
#define LPMAP_GPU_GPU_POLICY_H

#include <stddef.h>

#include "core/status.h"
#include "fit/fit_types.h"

/* Default small-job threshold (sweeps): a guess until measured on a GPU;
 * overridable with the environment variable below or min_gpu_sweeps. */
#define GPU_MIN_SWEEPS_DEFAULT 64
#define GPU_ENV_MIN_SWEEPS "LPMAP_MIN_GPU_SWEEPS"
/* Test hook: any batch allocation of more than N sweeps fails as if the
 * device were out of memory (exercises the halve-and-retry path). */
#define GPU_ENV_FAIL_ALLOC_ABOVE "LPMAP_GPU_FAIL_ALLOC_ABOVE"

/* Memory kept free for the runtime, other processes and fragmentation. */
#define GPU_MEM_RESERVE_BYTES ((size_t)256 << 20)
#define GPU_MEM_USABLE_FRACTION 0.8
#define GPU_BATCH_MAX 16384L /* also bounds the host staging buffer */

/* What a kernel actually computes with. */
typedef enum {
    GPU_PREC_FP64 = 0, /* fp64 storage and maths */
    GPU_PREC_FP32 = 1, /* fp32 storage and per-bin maths, fp64 accumulation */
    GPU_PREC_MIXED = 2 /* fp16 storage of per-bin data, fp32 maths, fp64 accumulation */
} gpu_precision;

/* The dtype rule ("precision that is earned", docs/decisions.md "GPU"): auto -> fp64,
 * because fp32 per-bin maths already moves U_surface by more than 1 V on
 * ~13% of the standard set (the DE follows another path along flat chi2
 * valleys; docs/decisions.md "GPU"), so neither fp16 nor mixed meets the
 * fp64 tolerance. With GPU_AUTO_SEED_RULE 1, auto follows the seed's rule
 * instead: fp16 (run as mixed) on compute capability >= 7.0, fp32 below.
 * Explicit fp16 runs as mixed (fp16 storage, fp32 maths, fp64 sums). */
#define GPU_AUTO_SEED_RULE 0
gpu_precision gpu_policy_precision(fit_dtype requested, int cc_major);
/* One line explaining what auto picked (for the log and lpmap info). */
const char *gpu_policy_auto_reason(void);
/* "fp64", "fp32" or "mixed". */
const char *gpu_precision_name(gpu_precision p);

/* Sweeps per batch: `override` (> 0) wins; else what fits in free memory
 * (minus a reserve, times a margin) at bytes_per_sweep, capped at
 * GPU_BATCH_MAX; at least 1. */
long gpu_policy_batch_size(size_t free_mem, size_t bytes_per_sweep, long override);

/* The small-job threshold: $LPMAP_MIN_GPU_SWEEPS when set to a valid
 * non-negative integer, else `option` when >= 0, else
 * GPU_MIN_SWEEPS_DEFAULT. */
long gpu_policy_min_sweeps(long option);

/* Whether a GPU job that ended with `st` is run on the CPU instead: device
 * trouble (LP_ERR_DEVICE: a CUDA error or no device; LP_ERR_NOMEM: not
 * even one sweep fits; LP_ERR_UNSUPPORTED: settings too large for the
 * kernel's shared memory). Never LP_OK, a usage or range error (the
 * caller's mistake, which the CPU would refuse too) or a cancellation. */
int gpu_policy_falls_back(lp_status st);

/* Test hook: 1 when an allocation for `batch` sweeps must fail
 * ($LPMAP_GPU_FAIL_ALLOC_ABOVE set and batch above it). */
int gpu_policy_simulated_oom(long batch);

/* Batch to retry with after an allocation failure (half), or 0 when the
 * batch was already 1 and the job must give up. */
long gpu_policy_backoff(long batch);

#endif
