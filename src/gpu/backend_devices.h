/* The device list of the fitting backends: the CPU first, then each CUDA
 * device with its properties. In the gpu layer because only it can query
 * CUDA; `lpmap info` and lpmap_devices_list print and return it. */
#ifndef LPMAP_GPU_BACKEND_DEVICES_H
#define LPMAP_GPU_BACKEND_DEVICES_H

#include <stddef.h>

#include "core/status.h"
#include "fit/device.h"

/* *out (malloc'd, free with free()) gets *n >= 1 entries. When no GPU is
 * listed, why_no_gpu (may be NULL) says why (not compiled in, no driver,
 * no device); a GPU that cannot be queried is left out and named there.
 * Fails only for lack of memory. */
lp_status backend_devices_list(fit_device **out, size_t *n, lp_error *why_no_gpu, lp_error *err);

#endif
