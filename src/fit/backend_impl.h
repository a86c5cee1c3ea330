/* What a fitter backend implements (see backend.h and session.h). Only
 * backend implementations include this. */
#ifndef LPMAP_FIT_BACKEND_IMPL_H
#define LPMAP_FIT_BACKEND_IMPL_H

#include "fit/backend.h"

/* Every op takes `state`: what session_open made for a fit_session (device
 * buffers, a stream), or NULL for a one-shot call (fit_backend_*), which
 * then sets up and tears down whatever it needs itself. An op accepts any
 * n and chunks internally (docs/decisions.md "Backend sessions"). */
typedef struct {
    lp_status (*losscone)(fit_backend *be, void *state, const losscone_settings *s,
                          const losscone_sweep *sweeps, size_t n, losscone_result *out,
                          lp_error *err);
    lp_status (*kappa)(fit_backend *be, void *state, const kappa_settings *s,
                       const kappa_data *data, size_t n, kappa_result *out, lp_error *err);
    void (*destroy)(fit_backend *be);
    lp_status (*scpot)(fit_backend *be, void *state, const scb_config *c, const scb_sweep *sweeps,
                       size_t n, scb_result *out, lp_error *err);
    /* Backend-private state of one session (NULL ops: none needed). A
     * failure here is not fatal for a GPU backend: it returns LP_OK with
     * *state NULL and its ops then run one-shot or on the CPU. */
    lp_status (*session_open)(fit_backend *be, void **state, lp_error *err);
    void (*session_close)(fit_backend *be, void *state);
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
