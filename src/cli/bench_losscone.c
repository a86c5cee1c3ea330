/* lpmap bench losscone (docs/bench.md): fit the standard set through
 * the backend (CPU or GPU) and report speed and accuracy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bench.h"
#include "cli/cli_args.h"
#include "core/log.h"
#include "fit/backend.h"
#include "fit/losscone_fit.h"
#include "sim/bench_sets.h"
#include "sim/sim_spectra.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double idx = p * (double)(n - 1);
    size_t lo = (size_t)idx;
    return lo + 1 < n ? v[lo] + (idx - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

int bench_suite_losscone(const bench_options *opt, bench_result *res, lp_error *err)
{
    long n = opt->n ? opt->n : 2000;
    er_instrument inst;
    sim_standard_instrument(&inst);
    losscone_settings s;
    losscone_settings_init(&s);
    s.seed = opt->seed;
    s.method = strcmp(opt->method, "lillis") ? FIT_METHOD_HALEKAS : FIT_METHOD_LILLIS;
    s.polish = !opt->no_polish;
    losscone_sweep *sw = malloc((size_t)n * sizeof *sw);
    losscone_result *out = malloc((size_t)n * sizeof *out);
    double *truth = malloc((size_t)n * 3 * sizeof *truth);
    if (!sw || !out || !truth) {
        free(sw), free(out), free(truth);
        lp_error_set(err, LP_ERR_NOMEM, "out of memory for %ld sweeps", n);
        return EXIT_FAILED;
    }
    log_info("bench losscone: generating %ld sweeps (seed %llu, %s)", n,
             (unsigned long long)opt->seed, opt->method);
    for (long i = 0; i < n; i++)
        if (bench_set_losscone_sweep(opt->seed, (uint64_t)i, &inst, &sw[i], truth + 3 * i) !=
            LP_OK) {
            free(sw), free(out), free(truth);
            lp_error_set(err, LP_ERR_NOMEM, "out of memory generating sweep %ld", i);
            return EXIT_FAILED;
        }
    int rc = 0;
    fit_backend *be = bench_backend(opt, err);
    if (!be) {
        rc = EXIT_FAILED;
        goto done;
    }
    double t0 = bench_now();
    if (fit_backend_losscone(be, &s, sw, (size_t)n, out, err) != LP_OK) {
        rc = EXIT_FAILED;
        goto done;
    }
    bench_record(res, be, n, bench_now() - t0);
    double *du = malloc((size_t)n * sizeof *du);
    size_t m = 0, le = 0, fitted = 0;
    for (long i = 0; du && i < n; i++) {
        if (out[i].status != LC_FITTED)
            continue;
        fitted++;
        du[m++] = fabs(out[i].u_surface - truth[3 * i]);
        double ct =
            losscone_chi2_fast(&s, &sw[i], truth[3 * i], truth[3 * i + 1], truth[3 * i + 2]);
        le += out[i].chi2 <= ct + 1e-9;
    }
    bench_add_number(res, "u_abs_err_median", percentile(du, m, 0.5));
    bench_add_number(res, "u_abs_err_p90", percentile(du, m, 0.9));
    bench_add_number(res, "frac_chi2_le_true", fitted ? (double)le / (double)fitted : NAN);
    bench_add_number(res, "sweeps_fitted", (double)fitted);
    bench_add_raw(res, "method", s.method == FIT_METHOD_LILLIS ? "\"lillis\"" : "\"halekas\"");
    bench_add_raw(res, "polish", s.polish ? "true" : "false");
    free(du);
done:
    fit_backend_free(be);
    free(sw), free(out), free(truth);
    return rc;
}
