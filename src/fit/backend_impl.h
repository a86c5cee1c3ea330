/* What a fitter backend implements (see backend.h). Only backend
 * implementations include this. */
#ifndef LPMAP_FIT_BACKEND_IMPL_H
#define LPMAP_FIT_BACKEND_IMPL_H

#include "fit/backend.h"

typedef struct {
    lp_status (*losscone)(fit_backend *be, const losscone_settings *s, const losscone_sweep *sweeps,
                          size_t n, losscone_result *out, lp_error *err);
    lp_status (*kappa)(fit_backend *be, const kappa_settings *s, const kappa_data *data, size_t n,
                       kappa_result *out, lp_error *err);
    void (*destroy)(fit_backend *be);
    lp_status (*scpot)(fit_backend *be, const scb_config *c, const scb_sweep *sweeps, size_t n,
                       scb_result *out, lp_error *err);
} fit_backend_ops;

struct fit_backend {
    const fit_backend_ops *ops;
    char name[256];
    char dtype[16];
    int threads;
    long min_gpu_sweeps; /* a GPU backend hands smaller jobs to `cpu` itself */
    fit_backend *cpu;    /* CPU fallback owned by a GPU backend (NULL for the CPU one) */
    void *impl;          /* backend-private state */
};

#endif
