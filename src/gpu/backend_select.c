/* Backend choice for a run (see backend_select.h). */
#include "gpu/backend_select.h"

#include "core/log.h"
#include "fit/backend_impl.h"
#include "gpu/gpu_backend.h"

lp_status fit_backend_select(const fit_backend_options *opt, fit_backend **out, lp_error *err)
{
    *out = NULL;
    if (opt->fast) {
        lp_error why;
        lp_error_clear(&why);
        fit_backend *gpu = gpu_backend_create(opt, &why);
        if (gpu) {
            log_info("--fast: fitting on %s (%s)", gpu->name, gpu->dtype);
            *out = gpu;
            return LP_OK;
        }
        log_warn("--fast: %s; fitting on the CPU instead (same results)", why.message);
    }
    *out = fit_backend_cpu_create(opt->threads);
    if (!*out)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory creating the CPU backend");
    log_info("fitting on the CPU (%d threads)", (*out)->threads);
    return LP_OK;
}
