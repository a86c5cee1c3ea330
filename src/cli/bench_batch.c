/* lpmap bench batch (docs/bench.md): simulate a month with the
 * simulator (not timed), run the whole batch pipeline on it, report wall
 * seconds per stage and the process's peak resident memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/bench.h"
#include "cli/cli_args.h"
#include "core/log.h"
#include "pipeline/batch.h"
#include "sim/sim_run.h"

static void remove_tree(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        log_warn("bench batch: could not remove %s", path);
}

int bench_suite_batch(const bench_options *opt, bench_result *res, lp_error *err)
{
    const int days = 30;
    long n = opt->n > 0 ? opt->n : days * 1080L; /* sweeps in the month */
    int per_day = (int)((n + days - 1) / days);
    if (per_day < 1)
        per_day = 1;
    const char *tmp = getenv("TMPDIR");
    char root[4096], data[4200], out[4200];
    snprintf(root, sizeof root, "%s/lpmap-bench-batch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        lp_error_set(err, LP_ERR_IO, "cannot create a temporary folder under %s",
                     tmp && *tmp ? tmp : "/tmp");
        return EXIT_FAILED;
    }
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(out, sizeof out, "%s/out", root);

    sim_options so;
    sim_options_init(&so);
    so.out_dir = data;
    so.days = days;
    so.sweeps_per_day = per_day;
    so.seed = opt->seed;
    so.threads = opt->threads;
    sim_summary ss;
    log_info("bench batch: simulating %d days x %d sweeps (not timed)", days, per_day);
    double t0 = bench_now();
    if (sim_run(&so, &ss, err) != LP_OK) {
        remove_tree(root);
        return EXIT_FAILED;
    }
    double t_sim = bench_now() - t0;

    batch_options bo;
    batch_options_init(&bo);
    bo.data_dir = data;
    bo.output_dir = out;
    bo.fast = opt->fast;
    bo.threads = opt->threads;
    bo.seed = opt->seed;
    if (opt->method && !strcmp(opt->method, "lillis"))
        bo.method = FIT_METHOD_LILLIS;
    bo.dtype = bench_dtype(opt);
    bo.command_line = "lpmap bench batch";
    batch_report rep;
    t0 = bench_now();
    lp_status st = batch_run_report(&bo, &rep, err);
    double secs = bench_now() - t0;
    remove_tree(root);
    if (st != LP_OK)
        return EXIT_FAILED;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    res->n = (long)rep.sweeps;
    res->seconds = secs;
    res->items_per_s = secs > 0.0 ? (double)rep.sweeps / secs : 0.0;
    snprintf(res->device, sizeof res->device, "%s", rep.device);
    snprintf(res->dtype, sizeof res->dtype, "%s", rep.dtype);
    char obj[1024];
    int len = snprintf(obj, sizeof obj, "{");
    for (int k = 0; k < rep.n_stages && len < (int)sizeof obj; k++)
        len += snprintf(obj + len, sizeof obj - (size_t)len, "%s\"%s\": %.4f", k ? ", " : "",
                        rep.stage_names[k], rep.stage_seconds[k]);
    if (len < (int)sizeof obj)
        snprintf(obj + len, sizeof obj - (size_t)len, "}");
    bench_add_raw(res, "seconds_by_stage", obj);
    bench_add_number(res, "peak_rss_mb", (double)ru.ru_maxrss / 1024.0);
    bench_add_number(res, "rows", (double)rep.rows);
    bench_add_number(res, "sweeps_fitted", (double)rep.sweeps_fitted);
    bench_add_number(res, "files", (double)rep.files);
    bench_add_number(res, "simulate_seconds", t_sim);
    return 0;
}
