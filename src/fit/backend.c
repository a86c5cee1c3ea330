/* Backend selection and dispatch (see backend.h). */
#include "fit/backend.h"

#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/cancel.h"
#include "core/log.h"
#include "fit/backend_impl.h"

static lp_status cpu_losscone(fit_backend *be, void *state, const losscone_settings *s,
                              const losscone_sweep *sweeps, size_t n, losscone_result *out,
                              lp_error *err)
{
    (void)state; /* the CPU needs no per-session state */
    return losscone_fit_cpu(s, sweeps, n, be->threads, out, err);
}

static lp_status cpu_kappa(fit_backend *be, void *state, const kappa_settings *s,
                           const kappa_data *data, size_t n, kappa_result *out, lp_error *err)
{
    (void)state;
    return kappa_fit_cpu(s, data, n, be->threads, out, err);
}

static void cpu_destroy(fit_backend *be)
{
    (void)be;
}

static lp_status cpu_scpot(fit_backend *be, void *state, const scb_config *c,
                           const scb_sweep *sweeps, size_t n, scb_result *out, lp_error *err)
{
    (void)state;
    int threads = be->threads > 0 ? be->threads : omp_get_max_threads();
    int cancelled = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 4) reduction(| : cancelled)
    for (size_t i = 0; i < n; i++) {
        if (cancel_requested()) {
            cancelled = 1;
            memset(&out[i], 0, sizeof out[i]);
            continue;
        }
        scb_estimate(&sweeps[i], c, &out[i]);
    }
    if (cancelled)
        return lp_error_set(err, LP_ERR_CANCELLED, "interrupted");
    return LP_OK;
}

static const fit_backend_ops cpu_ops = {cpu_losscone, cpu_kappa, cpu_destroy,
                                        cpu_scpot,    NULL,      NULL};

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
    return be->ops->losscone(be, NULL, s, sweeps, n, out, err);
}

lp_status fit_backend_kappa(fit_backend *be, const kappa_settings *s, const kappa_data *data,
                            size_t n, kappa_result *out, lp_error *err)
{
    return be->ops->kappa(be, NULL, s, data, n, out, err);
}

lp_status fit_backend_scpot(fit_backend *be, const scb_config *c, const scb_sweep *sweeps, size_t n,
                            scb_result *out, lp_error *err)
{
    if (n == 0)
        return LP_OK;
    return be->ops->scpot(be, NULL, c, sweeps, n, out, err);
}
