/* Per-sweep memory of GPU batches (see gpu_plan.h), from the packed
 * layouts of fit/lc_body.h and fit/kappa_body.h. */
#include "gpu/gpu_plan.h"

#include "fit/kappa_body.h"
#include "fit/lc_body.h"

size_t gpu_plan_losscone_bytes(gpu_precision p)
{
    size_t s = p == GPU_PREC_FP64   ? sizeof(lcg_sweep_f64)
               : p == GPU_PREC_FP32 ? sizeof(lcg_sweep_f32)
                                    : sizeof(lcg_sweep_h16_layout);
    return s + sizeof(losscone_result);
}

size_t gpu_plan_kappa_bytes(void)
{
    return sizeof(kg_sweep) + sizeof(kappa_result);
}
