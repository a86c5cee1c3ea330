/* Standard benchmark sets (docs/bench.md). Every draw comes from the
 * sweep's own Philox stream, so a set is the same everywhere. */
#include "sim/bench_sets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "physics/kappa_model.h"
#include "sim/sim_spectra.h"

void bench_set_sweep(uint64_t seed, uint64_t i, int with_losscone, const er_instrument *inst,
                     bench_sweep *out)
{
    memset(out, 0, sizeof *out);
    rng_key key = rng_make_key(seed, i);
    double u[4], v[4], w[4];
    rng_uniform4(key, RNG_PHASE_SIM + 10, 0, 0, 0, u);
    rng_uniform4(key, RNG_PHASE_SIM + 10, 0, 0, 1, v);
    rng_uniform4(key, RNG_PHASE_SIM + 10, 0, 0, 2, w);
    out->u_surface = -800.0 + 790.0 * u[0];                            /* U in [-800, -10] V */
    out->bs_over_bm = 0.35 + 0.65 * u[1];                              /* r in [0.35, 1.0] */
    out->beam_amp = (i % 2) ? 0.2 + 1.8 * u[2] : 0.0;                  /* odd sweeps: a beam */
    out->u_sc = with_losscone ? 15.0 * u[3] : 0.0;                     /* U_sc in [0, 15] V */
    out->density = pow(10.0, 5.0 + 2.0 * v[0]);                        /* n log-uniform [1e5,1e7] */
    out->kappa = 3.0 + 2.5 * v[1];                                     /* kappa in [3, 5.5] */
    out->te_ev = pow(10.0, log10(10.0) + (log10(300.0) - 1.0) * v[2]); /* T_e [10, 300] */
    double cz = 2.0 * w[0] - 1.0, ph = 2.0 * LP_PI * w[1]; /* field uniform on the sphere */
    double sz = sqrt(fmax(0.0, 1.0 - cz * cz)), bmag = 5.0 + 20.0 * w[2];
    out->b_scd[0] = bmag * sz * cos(ph);
    out->b_scd[1] = bmag * sz * sin(ph);
    out->b_scd[2] = bmag * cz;
    for (int r = 0; r < LP_N_ENERGIES; r++) /* 20 keV down to 20 eV, log-spaced */
        out->energy[r] = 20000.0 * pow(1e-3, r / (double)(LP_N_ENERGIES - 1));
    sim_sweep_azimuths(inst->theta_deg, key, out->phi);
    sim_sweep_truth t;
    memset(&t, 0, sizeof t);
    t.plasma.density = out->density;
    t.plasma.kappa = out->kappa;
    t.plasma.te_ev = out->te_ev;
    t.plasma.theta = kappa_theta_from_temperature(out->kappa, out->te_ev);
    t.mapping = SIM_MAP_SHIFT_SUNLIT; /* the fitter's model: benchmarks fit it exactly */
    t.sunlit = out->u_sc > 0.0;
    t.u_sc = out->u_sc;
    t.polarity = with_losscone ? 1 : 0;
    t.u_surface = out->u_surface;
    t.bs_over_bm = out->bs_over_bm;
    t.beam_amp = out->beam_amp;
    memcpy(t.b_scd, out->b_scd, sizeof t.b_scd);
    sim_sweep_flux(inst, &t, out->energy, out->phi, key, out->flux);
}

lp_status bench_set_losscone_sweep(uint64_t seed, uint64_t i, const er_instrument *inst,
                                   losscone_sweep *out, double truth[3])
{
    bench_sweep *b = malloc(sizeof *b);
    if (!b)
        return LP_ERR_NOMEM;
    bench_set_sweep(seed, i, 1, inst, b);
    int pol[LP_N_ENERGIES];
    double bb[LP_N_ENERGIES][3];
    for (int r = 0; r < LP_N_ENERGIES; r++) {
        pol[r] = 1;
        memcpy(bb[r], b->b_scd, sizeof bb[r]);
    }
    losscone_prepare_sweep(inst, NORM_RATIO, INCIDENT_MEAN, LP_N_ENERGIES, b->energy,
                           (const double(*)[3])bb, pol, (const double(*)[LP_N_CHANNELS])b->flux,
                           (const double(*)[LP_N_CHANNELS])b->phi, b->u_sc, i, out);
    if (truth) {
        truth[0] = b->u_surface;
        truth[1] = b->bs_over_bm;
        truth[2] = b->beam_amp;
    }
    free(b);
    return LP_OK;
}
