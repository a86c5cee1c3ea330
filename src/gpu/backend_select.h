/* Backend choice for a run: the GPU backend when --fast asks for it and a
 * device is usable, else the CPU backend. It lives in the gpu layer (above
 * fit) because it needs both backends; fit never includes gpu. */
#ifndef LPMAP_GPU_BACKEND_SELECT_H
#define LPMAP_GPU_BACKEND_SELECT_H

#include "core/status.h"
#include "fit/backend.h"

/* Pick a backend and log the choice once (e.g. "--fast: no CUDA device
 * found; fitting on the CPU (2 threads)"). Never fails for lack of a GPU. */
lp_status fit_backend_select(const fit_backend_options *opt, fit_backend **out, lp_error *err);

#endif
