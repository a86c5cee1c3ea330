/* The backends' device list (see backend_devices.h). */
#include "gpu/backend_devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/gpu_runtime.h"

lp_status backend_devices_list(fit_device **out, size_t *n, lp_error *why_no_gpu, lp_error *err)
{
    lp_error why;
    lp_error_clear(&why);
    int n_gpu = gpu_device_count(&why);
    if (n_gpu < 0)
        n_gpu = 0;
    fit_device *d = calloc((size_t)n_gpu + 1, sizeof *d);
    if (!d)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory listing devices");
    fit_device_cpu(&d[0]);
    size_t k = 1;
    for (int i = 0; i < n_gpu; i++) {
        gpu_device_info info;
        lp_error qe;
        lp_error_clear(&qe);
        if (gpu_device_query(i, &info, &qe) != LP_OK) {
            lp_error_set(&why, LP_ERR_DEVICE, "device %d cannot be queried: %s", i, qe.message);
            continue;
        }
        fit_device *g = &d[k++];
        g->kind = FIT_DEVICE_GPU;
        g->index = i;
        snprintf(g->name, sizeof g->name, "%s", info.name);
        g->total_mem = info.total_mem;
        g->free_mem = info.free_mem;
        g->cc_major = info.cc_major;
        g->cc_minor = info.cc_minor;
    }
    if (why_no_gpu)
        *why_no_gpu = why;
    *out = d;
    *n = k;
    return LP_OK;
}
