/* The fitter interface (like ggml's backends): the CPU backend (backend.c)
 * and the CUDA backend (src/gpu) implement it. A run creates one backend
 * and one fit session on it (fit/session.h), which is what the pipeline
 * and the C API call; the one-shot fit_backend_* calls below remain for
 * the benches and tests (on a GPU each sets up and frees its buffers).
 * API pinned by the integrator. */
#ifndef LPMAP_FIT_BACKEND_H
#define LPMAP_FIT_BACKEND_H

#include <stddef.h>

#include "core/status.h"
#include "fit/fit_types.h"
#include "fit/kappa_fit.h"
#include "fit/losscone_fit.h"
#include "fit/scpot_body.h"

typedef struct fit_backend fit_backend;

typedef struct {
    int fast;            /* --fast: use a GPU when usable */
    int device;          /* --device */
    fit_dtype dtype;     /* --dtype */
    long batch_size;     /* --batch-size, 0 = auto */
    int threads;         /* CPU threads, 0 = all */
    long min_gpu_sweeps; /* smaller jobs stay on the CPU; <0 = built-in default */
} fit_backend_options;

/* fit_backend_select (GPU when usable, else CPU) lives a layer up, in
 * gpu/backend_select.h: only the layer that has both backends can choose. */
fit_backend *fit_backend_cpu_create(int threads);
void fit_backend_free(fit_backend *be);

const char *fit_backend_name(const fit_backend *be);  /* "cpu" or the GPU's name */
const char *fit_backend_dtype(const fit_backend *be); /* "fp64", "fp32", "fp16", "mixed" */

lp_status fit_backend_losscone(fit_backend *be, const losscone_settings *s,
                               const losscone_sweep *sweeps, size_t n, losscone_result *out,
                               lp_error *err);
lp_status fit_backend_kappa(fit_backend *be, const kappa_settings *s, const kappa_data *data,
                            size_t n, kappa_result *out, lp_error *err);
/* The consistent U_sc estimator (fit/scpot_body.h) of n prepared sweeps:
 * scb_estimate per sweep on the CPU, one device thread per sweep on a GPU
 * (the same header-only body, fp64). */
lp_status fit_backend_scpot(fit_backend *be, const scb_config *c, const scb_sweep *sweeps, size_t n,
                            scb_result *out, lp_error *err);

#endif
