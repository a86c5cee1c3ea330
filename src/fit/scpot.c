/* Spacecraft potential per sweep (docs/physics.md §6): kappa fits through the
 * backend, then the sunlit J-U inversion with the energy-shift refit, or
 * the shadowed current balance; and the environment class (§8). */
#include "fit/scpot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "fit/scpot_body.h"
#include "physics/charging.h"
#include "physics/kappa_model.h"

int environment_class(int footpoint_sunlit, double te_ev)
{
    if (!footpoint_sunlit)
        return ENV_WAKE;
    if (!isfinite(te_ev) || te_ev <= 0.0)
        return ENV_UNKNOWN;
    if (te_ev < ENV_TE_SOLAR_WIND_MAX)
        return ENV_SOLAR_WIND;
    if (te_ev < ENV_TE_MAGNETOSHEATH_MAX)
        return ENV_MAGNETOSHEATH;
    if (te_ev < ENV_TE_TAIL_LOBES_MAX)
        return ENV_TAIL_LOBES;
    return ENV_PLASMA_SHEET;
}

/* Every step is independent per sweep: the kappa fits through the session,
 * the rest OpenMP over sweeps (the team of batch --threads), so the same
 * doubles for any thread count (docs/performance.md). */
static lp_status estimate(fit_session *sess, const er_instrument *inst, const scpot_sweep *sweeps,
                          size_t n, scpot_result *out, kappa_data *data, kappa_result *fit,
                          size_t *refit_of, lp_error *err)
{
    lp_status st;
    if (n == 0)
        return LP_OK;
#pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < n; i++)
        kappa_prepare(inst, sweeps[i].n_rows, sweeps[i].energy, sweeps[i].flux, sweeps[i].pitch_deg,
                      sweeps[i].sweep_id, &data[i]);
    st = fit_session_kappa(sess, data, n, fit, err);
    if (st != LP_OK)
        return st;

#pragma omp parallel for schedule(dynamic, 4)
    for (size_t i = 0; i < n; i++) {
        /* First pass: every sweep's U_sc from the uncorrected fit; sunlit
         * ones with a root are queued for the refit (refit_of[i] = 1, then
         * the queue in sweep order). */
        scpot_result *o = &out[i];
        refit_of[i] = 0;
        o->u_sc = NAN;
        o->te_ev = fit[i].te_ev;
        o->density = fit[i].density;
        o->kappa = fit[i].kappa;
        o->status = SCPOT_OK;
        o->u_sigma = NAN;
        o->method = 0;
        o->u_own_sigma = NAN;
        o->alt = USC_CANDIDATE_NONE;
        if (sweeps[i].sunlit < 0) {
            o->status = SCPOT_NO_GEOMETRY;
            continue;
        }
        if (!fit[i].good) {
            o->status = SCPOT_BAD_KAPPA_FIT;
            continue;
        }
        if (!sweeps[i].sunlit) {
            o->u_sc = charging_shadow_potential(fit[i].density, fit[i].kappa, fit[i].te_ev);
            if (!isfinite(o->u_sc))
                o->status = SCPOT_NO_ROOT;
            continue;
        }
        double je =
            charging_electron_current(fit[i].density, fit[i].kappa, fit[i].theta, SC_JE_POINTS);
        double u = charging_invert_photo(je);
        if (!isfinite(u)) {
            o->status = SCPOT_NO_ROOT;
            continue;
        }
        o->u_sc = u;
        refit_of[i] = 1;
    }
    size_t n_refit = 0;
    for (size_t i = 0; i < n; i++) /* in place: n_refit <= i */
        if (refit_of[i])
            refit_of[n_refit++] = i;
#pragma omp parallel for schedule(dynamic, 16)
    for (size_t k = 0; k < n_refit; k++) {
        /* Shift the energies by -U_sc (floor EPS) and rebuild J_d and n (the
         * first pass's data are no longer needed). */
        const scpot_sweep *sw = &sweeps[refit_of[k]];
        double u = out[refit_of[k]].u_sc, shifted[LP_N_ENERGIES];
        for (int r = 0; r < sw->n_rows && r < LP_N_ENERGIES; r++)
            shifted[r] = fmax(sw->energy[r] - u, LP_EPS);
        kappa_prepare(inst, sw->n_rows, shifted, sw->flux, sw->pitch_deg, sw->sweep_id, &data[k]);
        data[k].rng_phase_init = RNG_PHASE_KAPPA_REFIT_DE_INIT;
        data[k].rng_phase_gen = RNG_PHASE_KAPPA_REFIT_DE;
    }
    if (n_refit) {
        st = fit_session_kappa(sess, data, n_refit, fit, err);
        if (st != LP_OK)
            return st;
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t k = 0; k < n_refit; k++) {
            scpot_result *o = &out[refit_of[k]];
            double je = charging_electron_current(fit[k].density, fit[k].kappa, fit[k].theta,
                                                  SC_JE_POINTS_REFIT);
            double u = fit[k].good ? charging_invert_photo(je) : NAN;
            o->u_sc = u;
            o->status =
                isfinite(u) ? SCPOT_OK : (fit[k].good ? SCPOT_NO_ROOT : SCPOT_BAD_KAPPA_FIT);
            o->te_ev = fit[k].te_ev;
            o->density = fit[k].density;
            o->kappa = fit[k].kappa;
        }
    }
    return LP_OK;
}

lp_status scpot_session_estimate(fit_session *sess, const er_instrument *inst,
                                 const scpot_sweep *sweeps, size_t n, scpot_result *out,
                                 lp_error *err)
{
    kappa_data *data = malloc((n ? n : 1) * sizeof *data);
    kappa_result *fit = malloc((n ? n : 1) * sizeof *fit);
    size_t *refit_of = malloc((n ? n : 1) * sizeof *refit_of);
    lp_status st = (data && fit && refit_of)
                       ? estimate(sess, inst, sweeps, n, out, data, fit, refit_of, err)
                       : lp_error_set(err, LP_ERR_NOMEM, "out of memory (%zu sweeps)", n);
    free(data);
    free(fit);
    free(refit_of);
    return st;
}

/* Counts and exposure of the ambient channels of one sweep (physics of
 * fit/scpot_body.h). Returns 0 when the energies are unusable. */
static int consistent_prepare(const er_instrument *inst, const scpot_sweep *in, scb_sweep *out)
{
    memset(out, 0, sizeof *out);
    int rows = in->n_rows > LP_N_ENERGIES ? LP_N_ENERGIES : (in->n_rows < 0 ? 0 : in->n_rows);
    out->n_rows = rows;
    out->sunlit = in->sunlit;
    for (int r = 0; r < rows; r++) {
        double e = in->energy[r];
        if (!(e > 0.0) || !isfinite(e))
            return 0;
        out->energy[r] = e;
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double f = in->flux[r][c];
            if (!in->ambient[r][c] || !isfinite(f))
                continue;
            double scale = LP_GEOM_FACTOR * e * inst->integration_s[c];
            out->counts[r] += rint(fmax(f, 0.0) * scale);
            out->exposure[r] += scale / (4.0 * LP_PI);
        }
    }
    kappa_response_matrix(rows, out->energy, out->response);
    return rows > 0;
}

/* Result of one sweep from the estimator's. */
static void consistent_result(const scb_result *r, scpot_result *o)
{
    o->u_sc = o->u_sigma = o->te_ev = o->density = o->kappa = NAN;
    o->u_own_sigma = NAN;
    o->alt = USC_CANDIDATE_NONE;
    o->method = 0;
    switch (r->status) {
    case SCB_OK: o->status = SCPOT_OK; break;
    case SCB_NO_DATA: o->status = SCPOT_NO_DATA; break;
    case SCB_REJECTED: o->status = SCPOT_BAD_KAPPA_FIT; break;
    default: o->status = SCPOT_NO_ROOT; break;
    }
    if (r->status != SCB_OK)
        return; /* a rejected fit's parameters stay NaN */
    o->u_sc = r->u_sc;
    o->u_sigma = r->u_sigma;
    o->te_ev = r->te_ev;
    o->density = r->density;
    o->kappa = r->kappa;
    o->method = r->method;
    o->u_own_sigma = r->u_own_sigma;
    o->alt = r->alt;
}

void scpot_result_choose(scpot_result *r, int take_alt)
{
    if (!isfinite(r->alt.u_sc))
        return;
    r->method = SCB_METHOD_TWO_CHOSEN;
    if (take_alt) {
        r->u_sc = r->alt.u_sc;
        r->u_sigma = r->alt.u_sigma;
        r->te_ev = r->alt.te_ev;
        r->density = r->alt.density;
        r->kappa = r->alt.kappa;
    } else {
        r->u_sigma = r->u_own_sigma;
    }
    r->u_own_sigma = r->u_sigma;
    r->alt = USC_CANDIDATE_NONE;
}

lp_status scpot_session_estimate_consistent(fit_session *sess, const er_instrument *inst,
                                            const scpot_sweep *sweeps, size_t n, scpot_result *out,
                                            lp_error *err)
{
    scb_sweep *sw = calloc(n ? n : 1, sizeof *sw);
    scb_result *res = malloc((n ? n : 1) * sizeof *res);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    lp_status st = LP_OK;
    if (sw && res && idx) {
        /* sweeps without illumination or usable energies never reach the body */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            scpot_result *o = &out[i];
            o->u_sc = o->u_sigma = o->te_ev = o->density = o->kappa = NAN;
            o->u_own_sigma = NAN;
            o->alt = USC_CANDIDATE_NONE;
            o->method = 0;
            if (sweeps[i].sunlit < 0)
                o->status = SCPOT_NO_GEOMETRY;
            else if (!consistent_prepare(inst, &sweeps[i], &sw[m]))
                o->status = SCPOT_NO_DATA;
            else
                idx[m++] = i;
        }
        st = fit_session_scpot(sess, sw, m, res, err);
        if (st == LP_OK)
            for (size_t k = 0; k < m; k++)
                consistent_result(&res[k], &out[idx[k]]);
    } else {
        st = lp_error_set(err, LP_ERR_NOMEM, "out of memory (%zu sweeps)", n);
    }
    free(sw);
    free(res);
    free(idx);
    return st;
}

/* One-shot forms: a session for this call only. */
static lp_status one_shot(fit_backend *be, const fit_session_settings *fs, int consistent,
                          const er_instrument *inst, const scpot_sweep *sweeps, size_t n,
                          scpot_result *out, lp_error *err)
{
    lp_error e;
    lp_error_clear(&e);
    fit_session *sess = fit_session_create(be, fs, &e);
    if (!sess) {
        if (err)
            *err = e;
        return e.status;
    }
    lp_status st = consistent ? scpot_session_estimate_consistent(sess, inst, sweeps, n, out, err)
                              : scpot_session_estimate(sess, inst, sweeps, n, out, err);
    fit_session_free(sess);
    return st;
}

lp_status scpot_estimate(fit_backend *be, const kappa_settings *ks, const er_instrument *inst,
                         const scpot_sweep *sweeps, size_t n, scpot_result *out, lp_error *err)
{
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.ks = *ks;
    return one_shot(be, &fs, 0, inst, sweeps, n, out, err);
}

lp_status scpot_estimate_consistent(fit_backend *be, const er_instrument *inst, double reject_phi,
                                    int core_prior, const scpot_sweep *sweeps, size_t n,
                                    scpot_result *out, lp_error *err)
{
    fit_session_settings fs;
    fit_session_settings_init(&fs);
    fs.scb.reject_phi = reject_phi;
    fs.scb.core_prior = core_prior;
    return one_shot(be, &fs, 1, inst, sweeps, n, out, err);
}
