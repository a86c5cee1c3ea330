/* Fitting sessions (see session.h): settings, the backend's per-session
 * state, and the chunking test hook. */
#include "fit/session.h"

#include <stdlib.h>
#include <string.h>

#include "fit/backend_impl.h"

struct fit_session {
    fit_backend *be;
    fit_session_settings s;
    void *state; /* the backend's (session_open); NULL: none */
};

void fit_session_settings_init(fit_session_settings *s)
{
    memset(s, 0, sizeof *s);
    losscone_settings_init(&s->lc);
    kappa_settings_init(&s->ks);
    scb_config_default(&s->scb);
}

fit_session *fit_session_create(fit_backend *be, const fit_session_settings *s, lp_error *err)
{
    if (!be || !s) {
        lp_error_set(err, LP_ERR_USAGE, "fit_session_create: NULL argument");
        return NULL;
    }
    /* Settings no fitter accepts are the caller's error, found here once
     * rather than as a failed job (and never retried on another device). */
    if (!losscone_settings_valid(&s->lc)) {
        lp_error_set(err, LP_ERR_USAGE,
                     "bad loss-cone optimizer settings (population %d, LHS samples %d, polish "
                     "starts %d)",
                     s->lc.population, s->lc.lhs_samples, s->lc.polish_starts);
        return NULL;
    }
    fit_session *sess = calloc(1, sizeof *sess);
    if (!sess) {
        lp_error_set(err, LP_ERR_NOMEM, "out of memory creating a fit session");
        return NULL;
    }
    sess->be = be;
    sess->s = *s;
    if (be->ops->session_open && be->ops->session_open(be, &sess->state, err) != LP_OK) {
        free(sess);
        return NULL;
    }
    return sess;
}

void fit_session_free(fit_session *sess)
{
    if (!sess)
        return;
    if (sess->state && sess->be->ops->session_close)
        sess->be->ops->session_close(sess->be, sess->state);
    free(sess);
}

const fit_session_settings *fit_session_settings_get(const fit_session *sess)
{
    return &sess->s;
}

fit_backend *fit_session_backend(fit_session *sess)
{
    return sess->be;
}

/* Pieces of at most chunk_max sweeps (the test hook), or the whole job. */
static size_t piece(const fit_session *sess, size_t left)
{
    size_t m = sess->s.chunk_max;
    return m > 0 && left > m ? m : left;
}

lp_status fit_session_losscone(fit_session *sess, const losscone_sweep *sweeps, size_t n,
                               losscone_result *out, lp_error *err)
{
    for (size_t at = 0; at < n;) {
        size_t m = piece(sess, n - at);
        lp_status st = sess->be->ops->losscone(sess->be, sess->state, &sess->s.lc, sweeps + at, m,
                                               out + at, err);
        if (st != LP_OK)
            return st;
        at += m;
    }
    return LP_OK;
}

lp_status fit_session_kappa(fit_session *sess, const kappa_data *data, size_t n, kappa_result *out,
                            lp_error *err)
{
    for (size_t at = 0; at < n;) {
        size_t m = piece(sess, n - at);
        lp_status st =
            sess->be->ops->kappa(sess->be, sess->state, &sess->s.ks, data + at, m, out + at, err);
        if (st != LP_OK)
            return st;
        at += m;
    }
    return LP_OK;
}

lp_status fit_session_scpot(fit_session *sess, const scb_sweep *sweeps, size_t n, scb_result *out,
                            lp_error *err)
{
    for (size_t at = 0; at < n;) {
        size_t m = piece(sess, n - at);
        lp_status st = sess->be->ops->scpot(sess->be, sess->state, &sess->s.scb, sweeps + at, m,
                                            out + at, err);
        if (st != LP_OK)
            return st;
        at += m;
    }
    return LP_OK;
}
