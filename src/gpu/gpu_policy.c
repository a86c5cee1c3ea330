/* Device-independent GPU policy (see gpu_policy.h, docs/decisions.md "GPU": precision that is
 * earned, no OOM surprises, small jobs on the CPU). */
#include "gpu/gpu_policy.h"

#include <errno.h>
#include <stdlib.h>

gpu_precision gpu_policy_precision(fit_dtype requested, int cc_major)
{
    switch (requested) {
    case DTYPE_FP64: return GPU_PREC_FP64;
    case DTYPE_FP32: return GPU_PREC_FP32;
    case DTYPE_FP16: return GPU_PREC_MIXED;
    case DTYPE_AUTO:
    default:
        if (GPU_AUTO_SEED_RULE)
            return cc_major >= 7 ? GPU_PREC_MIXED : GPU_PREC_FP32;
        return GPU_PREC_FP64;
    }
}

const char *gpu_policy_auto_reason(void)
{
    return GPU_AUTO_SEED_RULE
               ? "--dtype auto: the seed's rule (fp16 as mixed on compute capability >= 7.0, "
                 "else fp32)"
               : "--dtype auto: fp64, the precision that meets the fp64 tolerance (fp32 maths "
                 "moved U by > 1 V on ~13% of the standard set; --dtype fp16|fp32 to override)";
}

const char *gpu_precision_name(gpu_precision p)
{
    switch (p) {
    case GPU_PREC_FP64: return "fp64";
    case GPU_PREC_FP32: return "fp32";
    case GPU_PREC_MIXED:
    default: return "mixed";
    }
}

long gpu_policy_batch_size(size_t free_mem, size_t bytes_per_sweep, long override)
{
    if (override > 0)
        return override;
    if (bytes_per_sweep == 0)
        bytes_per_sweep = 1;
    if (free_mem <= GPU_MEM_RESERVE_BYTES)
        return 1;
    double usable = (double)(free_mem - GPU_MEM_RESERVE_BYTES) * GPU_MEM_USABLE_FRACTION;
    double fit = usable / (double)bytes_per_sweep;
    if (fit >= (double)GPU_BATCH_MAX)
        return GPU_BATCH_MAX;
    return fit < 1.0 ? 1 : (long)fit;
}

static long env_long(const char *name, long fallback)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return fallback;
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || x < 0)
        return fallback;
    return x;
}

long gpu_policy_min_sweeps(long option)
{
    long env = env_long(GPU_ENV_MIN_SWEEPS, -1);
    if (env >= 0)
        return env;
    return option >= 0 ? option : GPU_MIN_SWEEPS_DEFAULT;
}

int gpu_policy_falls_back(lp_status st)
{
    return st == LP_ERR_DEVICE || st == LP_ERR_NOMEM || st == LP_ERR_UNSUPPORTED;
}

int gpu_policy_simulated_oom(long batch)
{
    long above = env_long(GPU_ENV_FAIL_ALLOC_ABOVE, -1);
    return above >= 0 && batch > above;
}

long gpu_policy_backoff(long batch)
{
    return batch > 1 ? batch / 2 : 0;
}
