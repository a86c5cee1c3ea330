/* Kappa fits on the CPU (docs/physics.md §5): data preparation per sweep and the
 * DE fit of (κ, log10 θ) with the density fixed at its estimate. */
#include "fit/kappa_fit.h"

#include <math.h>
#include <string.h>

#include <omp.h>

#include "core/cancel.h"
#include "core/rng.h"
#include "fit/de.h"
#include "physics/kappa_model.h"

void kappa_settings_init(kappa_settings *s)
{
    memset(s, 0, sizeof *s);
    s->kappa_min = KAPPA_MIN;
    s->kappa_max = KAPPA_MAX;
    s->log10_theta_min = KAPPA_LOG10_THETA_MIN;
    s->log10_theta_max = KAPPA_LOG10_THETA_MAX;
    s->population = KAPPA_DE_POPULATION;
    s->max_generations = KAPPA_DE_MAX_GENERATIONS;
    s->min_generations = DE_MIN_GENERATIONS;
    s->mutation = DE_MUTATION;
    s->crossover = DE_CROSSOVER;
    s->atol = DE_ATOL;
    s->chi2_good_max = KAPPA_CHI2_GOOD_MAX;
    s->seed = 42;
}

void kappa_prepare(const er_instrument *inst, int n_rows, const double *energy,
                   const double (*flux)[LP_N_CHANNELS], const double (*pitch_deg)[LP_N_CHANNELS],
                   uint64_t sweep_id, kappa_data *out)
{
    memset(out, 0, sizeof *out);
    if (n_rows > LP_N_ENERGIES)
        n_rows = LP_N_ENERGIES;
    out->sweep_id = sweep_id;
    out->rng_phase_init = RNG_PHASE_KAPPA_DE_INIT;
    out->rng_phase_gen = RNG_PHASE_KAPPA_DE;
    out->n_rows = n_rows;
    double density = 0.0;
    for (int r = 0; r < n_rows; r++) {
        double e = energy[r], jd = 0.0;
        for (int c = 0; c < LP_N_CHANNELS; c++)
            if (pitch_deg[r][c] < 90.0 && isfinite(flux[r][c]))
                jd += flux[r][c] * inst->solid_angle_sr[c];
        jd *= 2.0; /* incident hemisphere doubled: isotropy assumed */
        double counts = instrument_row_counts(flux[r], inst->integration_s, e);
        double sc =
            sqrt(counts + pow(KAPPA_GAIN_ERR * counts, 2) + pow(KAPPA_GEOM_ERR * counts, 2));
        double sj = sc / (counts + LP_EPS) * jd;
        double slnj = sj / (jd + LP_EPS) + LP_EPS;
        out->energy[r] = e;
        out->omni_flux[r] = jd;
        out->weight[r] = 1.0 / (slnj + LP_EPS);
        /* n = 1e4 Σ J_d/v ΔE with the window [0.75E, 1.25E] */
        /* The original's density estimate uses v from the SI constants
         * (m_e/e), not the rounded 5.685630e-12 of the flux model: 1.8e-8
         * relative, reproduced for the golden values. */
        double v = sqrt(2.0 * e * LP_ELEMENTARY_CHARGE_C / LP_ELECTRON_MASS_KG);
        density += jd / v * (0.5 * e);
    }
    out->density = 1e4 * density;
}

typedef struct {
    const kappa_data *d;
    double response[LP_N_ENERGIES * LP_N_ENERGIES];
    double log_data[LP_N_ENERGIES];
} kappa_ctx;

static void kappa_objective(const double *X, int n, const double *bound, double *f, void *ctx)
{
    (void)bound; /* always evaluated in full */
    const kappa_ctx *k = ctx;
    double model[LP_N_ENERGIES];
    for (int i = 0; i < n; i++)
        f[i] = kappa_chi2(k->d->n_rows, k->d->energy, k->response, k->log_data, k->d->weight,
                          k->d->density, X[2 * i], pow(10.0, X[2 * i + 1]), model);
}

/* Fit one prepared sweep. */
static void fit_one(const kappa_settings *s, const kappa_data *d, kappa_result *out)
{
    memset(out, 0, sizeof *out);
    out->kappa = out->theta = out->te_ev = out->chi2 = NAN;
    out->density = d->density;
    if (d->n_rows < 2 || !(d->density > 0.0) || !isfinite(d->density))
        return;
    kappa_ctx ctx;
    ctx.d = d;
    kappa_response_matrix(d->n_rows, d->energy, ctx.response);
    for (int r = 0; r < d->n_rows; r++)
        ctx.log_data[r] = log(d->omni_flux[r] + LP_EPS);
    double lo[2] = {s->kappa_min, s->log10_theta_min}, hi[2] = {s->kappa_max, s->log10_theta_max};
    de_params p = {
        2,       s->population, s->max_generations, s->min_generations, s->mutation, s->crossover,
        s->atol, LC_CHI2_BAD,   DE_DEFAULT_WINDOW};
    de_result r;
    de_minimize(&p, rng_make_key(s->seed, d->sweep_id), d->rng_phase_init, d->rng_phase_gen, lo, hi,
                NULL, kappa_objective, &ctx, &r);
    out->kappa = r.x[0];
    out->theta = pow(10.0, r.x[1]);
    out->te_ev = kappa_temperature_ev(out->kappa, out->theta);
    out->chi2 = r.f;
    out->generations = r.generations;
    out->good = r.f < s->chi2_good_max;
}

lp_status kappa_fit_cpu(const kappa_settings *s, const kappa_data *data, size_t n, int threads,
                        kappa_result *out, lp_error *err)
{
    if (s->population < 4 || s->population > DE_MAX_POPULATION)
        return lp_error_set(err, LP_ERR_USAGE,
                            "bad kappa optimizer settings: population %d not in [4, %d]",
                            s->population, DE_MAX_POPULATION);
    if (s->max_generations < 1 || s->min_generations < 0)
        return lp_error_set(err, LP_ERR_USAGE,
                            "bad kappa optimizer settings: generations min %d, max %d",
                            s->min_generations, s->max_generations);
    /* T_e and the Γ ratio need κ > 1.5 (docs/physics.md §5) */
    if (!(s->kappa_min > 1.5) || !(s->kappa_max >= s->kappa_min) ||
        !(s->log10_theta_max >= s->log10_theta_min) || !isfinite(s->kappa_max) ||
        !isfinite(s->log10_theta_min) || !isfinite(s->log10_theta_max))
        return lp_error_set(err, LP_ERR_USAGE,
                            "bad kappa bounds: kappa [%g, %g] (needs 1.5 < min <= max), "
                            "log10 theta [%g, %g]",
                            s->kappa_min, s->kappa_max, s->log10_theta_min, s->log10_theta_max);
    if (threads <= 0)
        threads = omp_get_max_threads();
    int cancelled = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 8) reduction(| : cancelled)
    for (size_t i = 0; i < n; i++) {
        if (cancel_requested()) {
            cancelled = 1;
            memset(&out[i], 0, sizeof out[i]);
            continue;
        }
        fit_one(s, &data[i], &out[i]);
    }
    if (cancelled)
        return lp_error_set(err, LP_ERR_CANCELLED, "interrupted");
    return LP_OK;
}
