/* Deterministic synthetic sweeps for the GPU backend tests (test_gpu_*.c):
 * loss-cone sweeps from the forward model of docs/physics.md §4.1 with noise,
 * odd cases (short sweeps, masked bins, all-masked sweeps, U_sc NaN), and
 * kappa inputs. Test-only; the benchmark's standard set lives in src/sim. */
#ifndef LPMAP_TESTS_GPU_TEST_DATA_H
#define LPMAP_TESTS_GPU_TEST_DATA_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/rng.h"
#include "fit/kappa_fit.h"
#include "fit/losscone_fit.h"
#include "physics/kappa_model.h"
#include "physics/losscone_model.h"
#include "sim/bench_sets.h"
#include "sim/sim_spectra.h"

/* Loss-cone settings of docs/physics.md §4 (the fitter's defaults). */
static inline void gtd_losscone_settings(losscone_settings *s, fit_method method)
{
    losscone_settings_init(s);
    s->method = method;
}

static inline void gtd_kappa_settings(kappa_settings *s)
{
    kappa_settings_init(s);
}

/* Truth of a synthetic loss-cone sweep. */
typedef struct {
    double u, r, a, u_sc;
} gtd_truth;

/* Sweep i of a seeded set: U in [-800, -10], r in [0.35, 1], beam 0 for
 * even i, [0.2, 2] for odd; U_sc in [0, 15]; pitch angles uniform;
 * multiplicative noise; raw flux a scaled, jittered copy of norm. Odd
 * cases by index: i % 7 == 3 has 9 rows, i % 11 == 5 has ~10% NaN bins. */
static inline void gtd_losscone_sweep(uint64_t seed, uint64_t i, losscone_sweep *sw, gtd_truth *t)
{
    rng_key key = rng_make_key(seed, i);
    double u[4];
    rng_uniform4(key, RNG_PHASE_TEST, 0, 0, 0, u);
    gtd_truth tr;
    tr.u = -800.0 + 790.0 * u[0];
    tr.r = 0.35 + 0.65 * u[1];
    tr.a = (i % 2) ? 0.2 + 1.8 * u[2] : 0.0;
    tr.u_sc = 15.0 * u[3];
    if (t)
        *t = tr;
    losscone_shape shape = losscone_shape_default();
    memset(sw, 0, sizeof *sw);
    sw->sweep_id = i;
    sw->n_rows = (i % 7 == 3) ? 9 : LP_N_ENERGIES;
    sw->u_sc = tr.u_sc;
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        sw->energy[row] =
            row < sw->n_rows ? 20000.0 * pow(20.0 / 20000.0, row / (LP_N_ENERGIES - 1.0)) : NAN;
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            if (row >= sw->n_rows) {
                sw->pitch_deg[row][c] = sw->norm[row][c] = sw->flux[row][c] = NAN;
                continue;
            }
            rng_uniform4(key, RNG_PHASE_TEST, 1, (uint64_t)row, (uint64_t)c, u);
            double pitch = 180.0 * u[0];
            double m = losscone_model(&shape, sw->energy[row], pitch, tr.u_sc, tr.u, tr.r, tr.a);
            double norm = m * exp(0.4 * (u[1] - 0.5));
            if (i % 11 == 5 && u[3] < 0.1)
                norm = NAN;
            sw->pitch_deg[row][c] = pitch;
            sw->norm[row][c] = norm;
            sw->flux[row][c] = 1e5 * norm * (0.2 + 0.8 * u[2]);
        }
    }
}

/* A sweep with no usable bin (all norm NaN): never fitted. */
static inline void gtd_losscone_masked(uint64_t i, losscone_sweep *sw)
{
    gtd_losscone_sweep(7, i, sw, NULL);
    for (int row = 0; row < LP_N_ENERGIES; row++)
        for (int c = 0; c < LP_N_CHANNELS; c++)
            sw->norm[row][c] = sw->flux[row][c] = NAN;
}

/* Kappa input i: kappa in [3, 5.5], T_e log-uniform in [10, 300] eV,
 * n log-uniform in [1e5, 1e7] m^-3, J_d from the model with noise. */
static inline void gtd_kappa_data(uint64_t seed, uint64_t i, kappa_data *d, double *kappa_true,
                                  double *te_true)
{
    rng_key key = rng_make_key(seed, i);
    double u[4];
    rng_uniform4(key, RNG_PHASE_TEST, 2, 0, 0, u);
    double kappa = 3.0 + 2.5 * u[0];
    double te = 10.0 * pow(30.0, u[1]);
    double n = 1e5 * pow(100.0, u[2]);
    double theta = kappa_theta_from_temperature(kappa, te);
    if (kappa_true)
        *kappa_true = kappa;
    if (te_true)
        *te_true = te;
    memset(d, 0, sizeof *d);
    d->sweep_id = i;
    d->rng_phase_init = RNG_PHASE_KAPPA_DE_INIT;
    d->rng_phase_gen = RNG_PHASE_KAPPA_DE;
    d->n_rows = (i % 5 == 2) ? 11 : LP_N_ENERGIES;
    d->density = n;
    for (int row = 0; row < LP_N_ENERGIES; row++) {
        if (row >= d->n_rows) {
            d->energy[row] = d->omni_flux[row] = d->weight[row] = NAN;
            continue;
        }
        rng_uniform4(key, RNG_PHASE_TEST, 3, (uint64_t)row, 0, u);
        d->energy[row] = 20000.0 * pow(20.0 / 20000.0, row / (LP_N_ENERGIES - 1.0));
        d->omni_flux[row] = kappa_flux(n, kappa, theta, d->energy[row]) * exp(0.2 * (u[0] - 0.5));
        d->weight[row] = 1.0 / (0.05 + 0.1 * u[1] + LP_EPS);
    }
}

/* Sweep i of the benchmark's standard set (docs/bench.md,
 * src/sim/bench_sets.h), prepared as `lpmap bench losscone` prepares it. */
static inline void gtd_standard_sweep(uint64_t seed, uint64_t i, losscone_sweep *out)
{
    er_instrument inst;
    sim_standard_instrument(&inst);
    if (bench_set_losscone_sweep(seed, i, &inst, out, NULL) != LP_OK)
        memset(out, 0, sizeof *out);
}

#endif
