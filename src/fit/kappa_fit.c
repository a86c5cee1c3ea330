/* Kappa fits on the CPU (docs/physics.md §5): data preparation per sweep and the
 * DE fit of (κ, log10 θ) with the density fixed at its estimate, the block
 * body of fit/kappa_body.h run with one thread per sweep. */
#include "fit/kappa_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "core/cancel.h"
#include "core/rng.h"
#include "fit/kappa_body.h"
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
    kg_config c;
    kg_config_init(s, &c);
    if (threads <= 0)
        threads = omp_get_max_threads();
    int cancelled = 0, nomem = 0;
#pragma omp parallel num_threads(threads) reduction(| : cancelled, nomem)
    {
        /* each thread is a block of one running the fit body */
        kg_host *h = malloc(sizeof *h);
        if (!h)
            nomem = 1;
#pragma omp for schedule(dynamic, 8)
        for (size_t i = 0; i < n; i++) {
            if (nomem || cancel_requested()) {
                cancelled |= cancel_requested();
                memset(&out[i], 0, sizeof out[i]);
                continue;
            }
            kg_fit_scratch(&c, &data[i], h, &out[i]);
        }
        free(h);
    }
    if (nomem)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory (fit scratch)");
    if (cancelled)
        return lp_error_set(err, LP_ERR_CANCELLED, "interrupted");
    return LP_OK;
}
