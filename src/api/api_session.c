/* lpmap_session_*: a fitting backend (CPU, or GPU through gpu/) and a
 * fit session on it (fit/session.h: settings, device buffers and stream
 * kept between calls) created once with the run's settings, then U_sc and loss-cone fits of sweep
 * ranges prepared exactly as the batch stages prepare them
 * (pipeline/scpot_stage.c, pipeline/fit_stage.c), minus SPICE geometry:
 * the caller gives the illumination, and pitch angles use b = -B/|B|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "fit/backend.h"
#include "fit/losscone_fit.h"
#include "fit/losscone_sigma.h"
#include "fit/scpot.h"
#include "fit/session.h"
#include "gpu/backend_devices.h"
#include "gpu/backend_select.h"
#include "gpu/gpu_backend.h"
#include "physics/pitch.h"

struct lpmap_session {
    lpmap_settings settings;
    fit_backend *backend;
    fit_session *fit; /* the settings below and the backend's per-session state */
    losscone_settings lc;
    kappa_settings ks;
};

lpmap_status lpmap_devices_list(lpmap_device_info *out, size_t cap, size_t *n)
{
    api_enter();
    if (!n || (cap && !out))
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_devices_list: NULL argument");
    fit_device *d;
    size_t nd;
    lp_error err;
    lp_error_clear(&err);
    if (backend_devices_list(&d, &nd, NULL, &err) != LP_OK)
        return api_fail(&err);
    for (size_t k = 0; k < nd && k < cap; k++) {
        lpmap_device_info *o = &out[k];
        memset(o, 0, sizeof *o);
        o->kind = d[k].kind == FIT_DEVICE_GPU ? LPMAP_DEVICE_GPU : LPMAP_DEVICE_CPU;
        o->index = d[k].index;
        memcpy(o->name, d[k].name, sizeof o->name);
        o->threads = d[k].threads;
        o->total_mem = (int64_t)d[k].total_mem;
        o->free_mem = (int64_t)d[k].free_mem;
        o->cc_major = d[k].cc_major;
        o->cc_minor = d[k].cc_minor;
    }
    *n = nd;
    free(d);
    return LPMAP_OK;
}

void lpmap_settings_init(lpmap_settings *s)
{
    memset(s, 0, sizeof *s);
    s->device = LPMAP_DEVICE_CPU;
    s->seed = 42;
    s->method = LPMAP_METHOD_HALEKAS;
    s->polish = 1;
}

lpmap_status lpmap_session_create(const lpmap_settings *s, lpmap_session **out)
{
    api_enter();
    if (!out || !s)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_session_create: NULL argument");
    *out = NULL;
    if ((unsigned)s->device > LPMAP_DEVICE_AUTO || s->gpu_index < 0 || s->threads < 0 ||
        (unsigned)s->method > LPMAP_METHOD_LILLIS || (unsigned)s->normalization > 1 ||
        (unsigned)s->incident > 1 || (unsigned)s->polish > 1 ||
        (unsigned)s->physics > LPMAP_PHYSICS_REFERENCE)
        return api_fail_msg(
            LPMAP_ERR_USAGE,
            "lpmap_session_create: settings out of range (device 0-2, gpu_index "
            ">= 0, threads >= 0, method/normalization/incident/polish/physics 0 or 1)");
    lpmap_session *ss = calloc(1, sizeof *ss);
    if (!ss)
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory");
    ss->settings = *s;
    lp_error err;
    lp_error_clear(&err);
    fit_backend_options bo = {
        s->device != LPMAP_DEVICE_CPU, s->gpu_index, DTYPE_AUTO, 0, s->threads, -1};
    lp_status st = LP_OK;
    if (s->device == LPMAP_DEVICE_GPU) {
        /* Asked for a GPU: no silent fallback. */
        if (!(ss->backend = gpu_backend_create(&bo, &err)))
            st = err.status != LP_OK ? err.status : LP_ERR_DEVICE;
        if (st != LP_OK && err.status == LP_OK)
            lp_error_set(&err, LP_ERR_DEVICE, "no usable GPU");
    } else if (s->device == LPMAP_DEVICE_AUTO) {
        st = fit_backend_select(&bo, &ss->backend, &err);
    } else if (!(ss->backend = fit_backend_cpu_create(s->threads))) {
        st = lp_error_set(&err, LP_ERR_NOMEM, "out of memory creating the CPU backend");
    }
    if (st != LP_OK) {
        lpmap_session_free(ss);
        return api_fail(&err);
    }
    losscone_settings_init(&ss->lc);
    ss->lc.method = (fit_method)s->method;
    /* as lpmap batch: consistent physics fits the counts (docs/physics-modes.md) */
    if (s->physics == LPMAP_PHYSICS_CONSISTENT && s->method == LPMAP_METHOD_HALEKAS)
        ss->lc.method = FIT_METHOD_COUNTS;
    ss->lc.seed = s->seed;
    ss->lc.polish = s->polish;
    ss->lc.emit_u_width_qc = 0;
    kappa_settings_init(&ss->ks);
    ss->ks.seed = s->seed;
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.lc = ss->lc;
    fs.ks = ss->ks;
    fs.scb.reject_phi = SCPOT_REJECT_PHI_DEFAULT;
    fs.scb.core_prior = 1; /* the default physics (docs/physics-modes.md) */
    if (!(ss->fit = fit_session_create(ss->backend, &fs, &err))) {
        lpmap_session_free(ss);
        return api_fail(&err);
    }
    *out = ss;
    return LPMAP_OK;
}

void lpmap_session_free(lpmap_session *ss)
{
    if (!ss)
        return;
    fit_session_free(ss->fit);
    fit_backend_free(ss->backend);
    free(ss);
}

const char *lpmap_session_device_name(const lpmap_session *ss)
{
    return ss ? fit_backend_name(ss->backend) : "";
}

static lpmap_status check_range(const lpmap_session *ss, const lpmap_sweeps *sw, size_t first,
                                size_t n, const void *in, const void *out, const char *who)
{
    if (!ss || !sw || (n && (!in || !out)))
        return api_fail_msg(LPMAP_ERR_USAGE, "%s: NULL argument", who);
    if (first > sw->index.n_sweeps || n > sw->index.n_sweeps - first)
        return api_fail_msg(LPMAP_ERR_RANGE, "%s: sweeps [%zu, %zu) outside the set of %zu", who,
                            first, first + n, sw->index.n_sweeps);
    return LPMAP_OK;
}

/* The start of a call on sweeps [first, first + n): the arguments checked,
 * then the call's two work arrays (inputs, results) allocated. Nothing is
 * left allocated on an error or when n is 0 (nothing to do). */
static lpmap_status begin_work(const lpmap_session *ss, const lpmap_sweeps *sw, size_t first,
                               size_t n, const void *in, const void *out, const char *who,
                               size_t in_size, void **work_in, size_t res_size, void **work_res)
{
    *work_in = *work_res = NULL;
    lpmap_status cs = check_range(ss, sw, first, n, in, out, who);
    if (cs != LPMAP_OK || n == 0)
        return cs;
    *work_in = malloc(n * in_size);
    *work_res = malloc(n * res_size);
    if (*work_in && *work_res)
        return LPMAP_OK;
    free(*work_in);
    free(*work_res);
    *work_in = *work_res = NULL;
    return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory for %zu sweeps", n);
}

/* The end of such a call: the work arrays freed, the backend's status. */
static lpmap_status end_work(lp_status st, lp_error *err, void *work_in, void *work_res)
{
    free(work_in);
    free(work_res);
    return st == LP_OK ? LPMAP_OK : api_fail(err);
}

/* The sweep's random stream (docs/decisions.md "Sweep streams"): as `lpmap
 * batch`, the index in the set with the reference physics, the sweep's own
 * identity with the default physics. */
static uint64_t sweep_stream(const lpmap_session *ss, const lpmap_sweeps *sw, size_t k)
{
    if (ss->settings.physics == LPMAP_PHYSICS_REFERENCE)
        return k;
    return er_sweep_stream(sw->table.time_unix[sw->index.start[k]], k);
}

/* Rows of sweep k of the set used by a fit (at most LP_N_ENERGIES), and
 * its first row in the table. */
static int sweep_fit_rows(const lpmap_sweeps *sw, size_t k, size_t *first_row)
{
    int rows = sw->index.n_rows[k];
    *first_row = sw->index.start[k];
    return rows > LP_N_ENERGIES ? LP_N_ENERGIES : rows;
}

lpmap_status lpmap_session_estimate_usc(lpmap_session *ss, const lpmap_sweeps *sw, size_t first,
                                        size_t n, const int8_t *sunlit, lpmap_usc_result *out)
{
    api_enter();
    scpot_sweep *scp;
    scpot_result *res;
    lpmap_status cs = begin_work(ss, sw, first, n, sunlit, out, "lpmap_session_estimate_usc",
                                 sizeof *scp, (void **)&scp, sizeof *res, (void **)&res);
    if (cs != LPMAP_OK || n == 0)
        return cs;
    const er_table *t = &sw->table;
#pragma omp parallel for schedule(dynamic, 4)
    for (size_t k = 0; k < n; k++) {
        scpot_sweep *p = &scp[k];
        size_t s0;
        int nf = sweep_fit_rows(sw, first + k, &s0);
        p->sweep_id = sweep_stream(ss, sw, first + k);
        p->n_rows = nf;
        p->sunlit = sunlit[k] < 0 ? -1 : sunlit[k] > 0;
        memset(p->ambient, 1, sizeof p->ambient); /* no footpoint geometry here */
        for (int i = 0; i < LP_N_ENERGIES; i++) {
            if (i < nf) {
                p->energy[i] = t->energy[s0 + i];
                memcpy(p->flux[i], t->flux[s0 + i], sizeof p->flux[i]);
                pitch_row(&sw->inst, t->mag[s0 + i], PITCH_POLARITY_DEFAULT, t->phi[s0 + i],
                          p->pitch_deg[i]);
            } else {
                p->energy[i] = NAN;
                for (int c = 0; c < LP_N_CHANNELS; c++)
                    p->flux[i][c] = p->pitch_deg[i][c] = NAN;
            }
        }
    }
    lp_error err;
    lp_error_clear(&err);
    lp_status st = ss->settings.physics == LPMAP_PHYSICS_REFERENCE
                       ? scpot_session_estimate(ss->fit, &sw->inst, scp, n, res, &err)
                       : scpot_session_estimate_consistent(ss->fit, &sw->inst, scp, n, res, &err);
    if (st == LP_OK)
        for (size_t k = 0; k < n; k++)
            out[k] = (lpmap_usc_result){res[k].u_sc,  res[k].te_ev,           res[k].density,
                                        res[k].kappa, (int64_t)res[k].status, res[k].u_sigma};
    return end_work(st, &err, scp, res);
}

lpmap_status lpmap_session_fit_losscone(lpmap_session *ss, const lpmap_sweeps *sw, size_t first,
                                        size_t n, const double *u_sc, const double *u_sc_sigma,
                                        lpmap_losscone_result *out)
{
    api_enter();
    losscone_sweep *lcs;
    losscone_result *res;
    lpmap_status cs = begin_work(ss, sw, first, n, u_sc, out, "lpmap_session_fit_losscone",
                                 sizeof *lcs, (void **)&lcs, sizeof *res, (void **)&res);
    if (cs != LPMAP_OK || n == 0)
        return cs;
    const er_table *t = &sw->table;
    const lpmap_settings *o = &ss->settings;
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < n; k++) {
        size_t s0;
        int nf = sweep_fit_rows(sw, first + k, &s0);
        int pol[LP_N_ENERGIES];
        for (int i = 0; i < nf; i++)
            pol[i] = PITCH_POLARITY_DEFAULT;
        losscone_prepare_sweep(&sw->inst, (norm_mode)o->normalization, (incident_stat)o->incident,
                               nf, &t->energy[s0], (const double(*)[3]) & t->mag[s0], pol,
                               (const double(*)[LP_N_CHANNELS]) & t->flux[s0],
                               (const double(*)[LP_N_CHANNELS]) & t->phi[s0], u_sc[k],
                               sweep_stream(ss, sw, first + k), &lcs[k]);
    }
    lp_error err;
    lp_error_clear(&err);
    lp_status st = fit_session_losscone(ss->fit, lcs, n, res, &err);
    /* consistent physics: the estimate and sigma of the batch's fit stage
     * (pipeline/fit_stage.c, docs/decisions.md "U_surface: the profile mean") */
    int sig = st == LP_OK && ss->settings.physics == LPMAP_PHYSICS_CONSISTENT;
#pragma omp parallel for schedule(dynamic, 8) if (sig)
    for (size_t k = 0; k < n; k++) {
        double estimate = NAN;
        res[k].u_sigma = sig ? losscone_u_sigma(&ss->lc, &lcs[k], &res[k],
                                                u_sc_sigma ? u_sc_sigma[k] : NAN, &estimate)
                             : NAN;
        if (isfinite(estimate))
            res[k].u_surface = estimate;
    }
    if (st == LP_OK)
        for (size_t k = 0; k < n; k++)
            out[k] = (lpmap_losscone_result){
                res[k].u_surface, res[k].bs_over_bm,  res[k].beam_amp,        res[k].chi2,
                res[k].u_width,   res[k].generations, (int64_t)res[k].status, res[k].u_identifiable,
                res[k].u_sigma};
    return end_work(st, &err, lcs, res);
}
