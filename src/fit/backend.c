/* Backend selection and dispatch (see backend.h). */
#include "fit/backend.h"

#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "fit/backend_impl.h"

static lp_status cpu_losscone(fit_backend *be, const losscone_settings *s,
                              const losscone_sweep *sweeps, size_t n, losscone_result *out,
                              lp_error *err)
{
    return losscone_fit_cpu(s, sweeps, n, be->threads, out, err);
}

static lp_status cpu_kappa(fit_backend *be, const kappa_settings *s, const kappa_data *data,
                           size_t n, kappa_result *out, lp_error *err)
{
    return kappa_fit_cpu(s, data, n, be->threads, out, err);
}

static void cpu_destroy(fit_backend *be)
{
    (void)be;
}

static const fit_backend_ops cpu_ops = {cpu_losscone, cpu_kappa, cpu_destroy};

fit_backend *fit_backend_cpu_create(int threads)
{
    fit_backend *be = calloc(1, sizeof *be);
    if (!be)
        return NULL;
    be->ops = &cpu_ops;
    be->threads = threads > 0 ? threads : omp_get_max_threads();
    strcpy(be->name, "cpu");
    strcpy(be->dtype, "fp64");
    return be;
}

void fit_backend_free(fit_backend *be)
{
    if (!be)
        return;
    be->ops->destroy(be);
    fit_backend_free(be->cpu);
    free(be);
}

const char *fit_backend_name(const fit_backend *be)
{
    return be->name;
}
const char *fit_backend_dtype(const fit_backend *be)
{
    return be->dtype;
}

lp_status fit_backend_losscone(fit_backend *be, const losscone_settings *s,
                               const losscone_sweep *sweeps, size_t n, losscone_result *out,
                               lp_error *err)
{
    return be->ops->losscone(be, s, sweeps, n, out, err);
}

lp_status fit_backend_kappa(fit_backend *be, const kappa_settings *s, const kappa_data *data,
                            size_t n, kappa_result *out, lp_error *err)
{
    return be->ops->kappa(be, s, data, n, out, err);
}
