/* A fitting session (issue #17 item 2, docs/decisions.md "Backend
 * sessions"; in the spirit of ggml-backend's sched): created once per run
 * on a backend with the run's fit settings, it holds what the backend
 * keeps between calls (a GPU backend: device buffers grown on demand and
 * reused, one stream). Each op takes ANY n; the backend chunks internally
 * (a GPU: batch from free memory, halved on allocation failure; jobs under
 * the small-job threshold and jobs the device cannot run go to the CPU;
 * usage errors are returned, never retried on the CPU). Results equal
 * one-shot fit_backend_* calls bit for bit on the CPU: random streams are
 * keyed by (seed, sweep id), never by position in a call. */
#ifndef LPMAP_FIT_SESSION_H
#define LPMAP_FIT_SESSION_H

#include <stddef.h>

#include "core/status.h"
#include "fit/backend.h"

typedef struct fit_session fit_session;

typedef struct {
    losscone_settings lc; /* loss-cone fits (fit_session_losscone) */
    kappa_settings ks;    /* kappa fits (fit_session_kappa, reference U_sc) */
    scb_config scb;       /* the consistent U_sc estimator (fit_session_scpot) */
    /* Test hook: at most this many sweeps per backend call (0 = the
     * backend plans alone). Exercises chunking on the CPU. */
    size_t chunk_max;
} fit_session_settings;

/* Defaults: losscone_settings_init, kappa_settings_init,
 * scb_config_default, chunk_max 0. */
void fit_session_settings_init(fit_session_settings *s);

/* NULL with *err set on failure: LP_ERR_USAGE for loss-cone settings no
 * fitter accepts, LP_ERR_NOMEM. `be` must outlive the session. */
fit_session *fit_session_create(fit_backend *be, const fit_session_settings *s, lp_error *err);
void fit_session_free(fit_session *sess);

const fit_session_settings *fit_session_settings_get(const fit_session *sess);
fit_backend *fit_session_backend(fit_session *sess);

/* n prepared sweeps (n may be 0) through the session's backend. */
lp_status fit_session_losscone(fit_session *sess, const losscone_sweep *sweeps, size_t n,
                               losscone_result *out, lp_error *err);
lp_status fit_session_kappa(fit_session *sess, const kappa_data *data, size_t n, kappa_result *out,
                            lp_error *err);
lp_status fit_session_scpot(fit_session *sess, const scb_sweep *sweeps, size_t n, scb_result *out,
                            lp_error *err);

#endif
