/* Spacecraft floating potential per sweep (docs/physics.md §6): kappa fit, then
 * the sunlit J-U inversion with the energy-shift refit, or the shadowed
 * current balance. Pipeline-facing API pinned by the integrator;
 * implemented in scpot.c (+ physics/charging.c). */
#ifndef LPMAP_FIT_SCPOT_H
#define LPMAP_FIT_SCPOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "fit/backend.h"
#include "fit/kappa_fit.h"
#include "fit/session.h"

typedef struct {
    uint64_t sweep_id;
    int n_rows;
    int sunlit; /* spacecraft illumination from geometry; -1 unknown (U_sc NaN) */
    double energy[LP_N_ENERGIES];
    double flux[LP_N_ENERGIES][LP_N_CHANNELS];
    double pitch_deg[LP_N_ENERGIES][LP_N_CHANNELS]; /* default b = -B/|B| */
    /* consistent mode: 1 where a channel sees the ambient plasma (pitch <
     * 90° with the row's footpoint field direction; every channel when the
     * field line has no footpoint) */
    unsigned char ambient[LP_N_ENERGIES][LP_N_CHANNELS];
} scpot_sweep;

typedef enum {
    SCPOT_OK = 0,
    SCPOT_BAD_KAPPA_FIT, /* chi2 >= threshold */
    SCPOT_NO_ROOT,       /* no J-U root in [0,150] V / no current-balance bracket */
    SCPOT_NO_GEOMETRY,   /* illumination unknown */
    SCPOT_NO_DATA        /* consistent mode: too few counts / rows to fit */
} scpot_status;

typedef struct {
    double u_sc, te_ev, density, kappa;
    scpot_status status;
    double u_sigma; /* 1-sigma of u_sc (V); NaN in reference mode */
    int method;     /* consistent: how U_sc was obtained (SCB_METHOD_*, fit/scpot_body.h) */
    /* consistent, shadowed: a second self-consistent potential on the
     * positive charging branch (alt.u_sc NaN: none; scb_result.alt).
     * u_sigma then spans both; u_own_sigma is u_sc's alone. */
    double u_own_sigma;
    usc_candidate alt;
} scpot_result;

/* Take the positive-branch alternative of r as its U_sc (with its own fit
 * and sigma), or settle on u_sc (its own sigma); either way no alternative
 * remains. */
void scpot_result_choose(scpot_result *r, int take_alt);

/* Estimate U_sc for n sweeps; kappa fits go through the backend (CPU or
 * GPU), the root finding runs on the CPU. */
lp_status scpot_estimate(fit_backend *be, const kappa_settings *ks, const er_instrument *inst,
                         const scpot_sweep *sweeps, size_t n, scpot_result *out, lp_error *err);

/* The "consistent" estimator (fit/scpot_body.h) for n sweeps through the
 * backend (CPU: OpenMP over sweeps; GPU: one thread per sweep, the same
 * body): Poisson counts, Liouville mapping, self-consistent charging,
 * sigma. Deterministic per sweep. */
#define SCPOT_REJECT_PHI_DEFAULT 1e7
lp_status scpot_estimate_consistent(fit_backend *be, const er_instrument *inst, double reject_phi,
                                    int core_prior, const scpot_sweep *sweeps, size_t n,
                                    scpot_result *out, lp_error *err);

/* The same through a session (fit/session.h): kappa fits with the
 * session's kappa settings; the consistent estimator with its scb config
 * (reject_phi included). What the pipeline uses, once per run. */
lp_status scpot_session_estimate(fit_session *sess, const er_instrument *inst,
                                 const scpot_sweep *sweeps, size_t n, scpot_result *out,
                                 lp_error *err);
lp_status scpot_session_estimate_consistent(fit_session *sess, const er_instrument *inst,
                                            const scpot_sweep *sweeps, size_t n, scpot_result *out,
                                            lp_error *err);

/* Environment class of docs/physics.md §8 from footpoint illumination and T_e. */
int environment_class(int footpoint_sunlit, double te_ev);

#endif
