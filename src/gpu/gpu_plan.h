/* What a GPU job needs per sweep (docs/decisions.md "GPU"): device
 * and host-staging bytes of the packed loss-cone and kappa sweeps, so batch
 * sizes can be planned from C (the backend and `lpmap info`). */
#ifndef LPMAP_GPU_GPU_PLAN_H
#define LPMAP_GPU_GPU_PLAN_H

#include <stddef.h>

#include "gpu/gpu_policy.h"

/* Bytes per loss-cone sweep in a batch (packed input + result). */
size_t gpu_plan_losscone_bytes(gpu_precision p);
/* Bytes per kappa sweep in a batch. */
size_t gpu_plan_kappa_bytes(void);

#endif
