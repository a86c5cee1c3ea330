/* lpmap bench kappa (docs/bench.md): kappa fits of the standard set's
 * incident spectra through the backend; speed and accuracy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench.h"
#include "cli/cli_args.h"
#include "core/log.h"
#include "fit/backend.h"
#include "fit/kappa_fit.h"
#include "physics/pitch.h"
#include "sim/bench_sets.h"
#include "sim/sim_spectra.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bench_suite_kappa(const bench_options *opt, bench_result *res, lp_error *err)
{
    long n = opt->n ? opt->n : 2000;
    er_instrument inst;
    sim_standard_instrument(&inst);
    kappa_settings s;
    kappa_settings_init(&s);
    s.seed = opt->seed;
    kappa_data *d = malloc((size_t)n * sizeof *d);
    kappa_result *out = malloc((size_t)n * sizeof *out);
    double *truth = malloc((size_t)n * 2 * sizeof *truth);
    bench_sweep *b = malloc(sizeof *b);
    double(*pitch)[LP_N_CHANNELS] = malloc(LP_N_ENERGIES * sizeof *pitch);
    if (!d || !out || !truth || !b || !pitch) {
        free(d), free(out), free(truth), free(b), free(pitch);
        lp_error_set(err, LP_ERR_NOMEM, "out of memory for %ld sweeps", n);
        return EXIT_FAILED;
    }
    log_info("bench kappa: generating %ld sweeps (seed %llu)", n, (unsigned long long)opt->seed);
    for (long i = 0; i < n; i++) {
        bench_set_sweep(opt->seed, (uint64_t)i, 0, &inst, b);
        for (int r = 0; r < LP_N_ENERGIES; r++)
            pitch_row(&inst, b->b_scd, PITCH_POLARITY_DEFAULT, b->phi[r], pitch[r]);
        kappa_prepare(&inst, LP_N_ENERGIES, b->energy, (const double(*)[LP_N_CHANNELS])b->flux,
                      (const double(*)[LP_N_CHANNELS])pitch, (uint64_t)i, &d[i]);
        truth[2 * i] = b->kappa;
        truth[2 * i + 1] = b->te_ev;
    }
    int rc = 0;
    fit_backend *be = bench_backend(opt, err);
    if (!be) {
        rc = EXIT_FAILED;
        goto done;
    }
    double t0 = bench_now();
    if (fit_backend_kappa(be, &s, d, (size_t)n, out, err) != LP_OK) {
        rc = EXIT_FAILED;
        goto done;
    }
    bench_record(res, be, n, bench_now() - t0);
    double *ek = malloc((size_t)n * sizeof *ek), *et = malloc((size_t)n * sizeof *et);
    size_t m = 0, good = 0;
    for (long i = 0; ek && et && i < n; i++) {
        good += out[i].good;
        if (!isfinite(out[i].kappa))
            continue;
        ek[m] = fabs(out[i].kappa - truth[2 * i]) / truth[2 * i];
        et[m] = fabs(out[i].te_ev - truth[2 * i + 1]) / truth[2 * i + 1];
        m++;
    }
    if (m) {
        qsort(ek, m, sizeof *ek, cmp_double);
        qsort(et, m, sizeof *et, cmp_double);
    }
    bench_add_number(res, "kappa_rel_err_median", m ? ek[m / 2] : NAN);
    bench_add_number(res, "te_rel_err_median", m ? et[m / 2] : NAN);
    bench_add_number(res, "frac_good_fit", (double)good / (double)n);
    free(ek);
    free(et);
done:
    fit_backend_free(be);
    free(d), free(out), free(truth), free(b), free(pitch);
    return rc;
}
