/* lpmap bench: the options every suite receives and the result it fills
 * (docs/bench.md). Each suite lives in its own bench_<suite>.c, makes its
 * inputs with the simulator's forward models and times only its stage. */
#ifndef LPMAP_CLI_BENCH_H
#define LPMAP_CLI_BENCH_H

#include <stdint.h>

#include "core/status.h"
#include "fit/fit_types.h"

typedef struct {
    long n;             /* items (sweeps); 0 = the suite's standard size */
    uint64_t seed;      /* default 42 */
    int fast;           /* --fast: GPU when usable */
    const char *dtype;  /* --dtype (auto/fp16/fp32/fp64) */
    int threads;        /* --threads (0 = all cores) */
    const char *method; /* --method halekas|lillis (losscone) */
    int no_polish;      /* --no-polish (losscone) */
} bench_options;

typedef struct {
    long n;
    char device[128]; /* "cpu" or the GPU's name */
    char dtype[16];
    int threads;
    double seconds; /* time of the measured stage only */
    double items_per_s;
    /* Suite-specific keys as a JSON fragment without braces, e.g.
     * "\"u_abs_err_median\": 3.2, \"u_abs_err_p90\": 11.0". */
    char extra_json[4096];
} bench_result;

typedef int (*bench_suite_fn)(const bench_options *opt, bench_result *res, lp_error *err);

int bench_suite_losscone(const bench_options *opt, bench_result *res, lp_error *err);
int bench_suite_kappa(const bench_options *opt, bench_result *res, lp_error *err);
int bench_suite_parse(const bench_options *opt, bench_result *res, lp_error *err);
int bench_suite_batch(const bench_options *opt, bench_result *res, lp_error *err);

/* Append "key": value to res->extra_json. */
void bench_add_number(bench_result *res, const char *key, double value);
void bench_add_raw(bench_result *res, const char *key, const char *json_value);

/* The --dtype option as the backend enum. */
fit_dtype bench_dtype(const bench_options *opt);

/* The fitter --fast/--dtype/--threads ask for; NULL (err set) on failure. */
struct fit_backend;
struct fit_backend *bench_backend(const bench_options *opt, lp_error *err);
/* Record a timed stage of n items on backend be (seconds, rate, device, dtype). */
void bench_record(bench_result *res, const struct fit_backend *be, long n, double seconds);

/* Monotonic wall clock in seconds. */
double bench_now(void);

#endif
