/* lpmap info: version, CPU threads, whether CUDA is compiled in, the
 * devices found (or why none), and what `--fast` would pick: device, dtype
 * and batch size (docs/decisions.md "GPU", docs/performance.md "GPU"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/status.h"
#include "gpu/backend_devices.h"
#include "gpu/gpu_plan.h"
#include "gpu/gpu_policy.h"
#include "gpu/gpu_runtime.h"

static const char *const HELP =
    "usage: lpmap info [--device N] [--dtype D] [--batch-size N] [-q|-v]\n"
    "\n"
    "Show the lpmap version, CPU threads, whether CUDA support is compiled in,\n"
    "the CUDA devices found (name, memory, compute capability) or why there are\n"
    "none, and what `--fast` would pick: device, dtype and batch size.\n"
    "\n"
    "options:\n"
    "  --device N       the device --fast would use (default 0)\n"
    "  --dtype D        auto|fp16|fp32|fp64 (default auto = fp64: reduced precision\n"
    "                   moves U_surface beyond the fp64 tolerance, docs/decisions.md)\n"
    "  --batch-size N   sweeps per GPU batch (default: from free device memory)\n"
    "  -q, --quiet      warnings and errors only (the report is printed anyway)\n"
    "  -v, --verbose    debug logging\n"
    "  -h, --help       this help\n"
    "\n"
    "environment:\n"
    "  LPMAP_MIN_GPU_SWEEPS   jobs with fewer sweeps are fitted on the CPU (default 64)\n";

static double gib(size_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0 * 1024.0);
}

static void print_version(const char *what, int v)
{
    if (v > 0)
        printf("%s %d.%d", what, v / 1000, (v % 1000) / 10);
    else
        printf("%s unknown", what);
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"device", required_argument, 0, 'd'},
                                             {"dtype", required_argument, 0, 't'},
                                             {"batch-size", required_argument, 0, 'b'},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    long device = 0, batch = 0, l;
    fit_dtype dtype = DTYPE_AUTO;
    int c, quiet = 0, verbose = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (cli_parse_long("info", "device", optarg, 0, 1023, &l))
                return EXIT_USAGE;
            device = l;
            break;
        case 'b':
            if (cli_parse_long("info", "batch-size", optarg, 1, 100000000L, &l))
                return EXIT_USAGE;
            batch = l;
            break;
        case 't':
            if (!strcmp(optarg, "auto"))
                dtype = DTYPE_AUTO;
            else if (!strcmp(optarg, "fp16"))
                dtype = DTYPE_FP16;
            else if (!strcmp(optarg, "fp32"))
                dtype = DTYPE_FP32;
            else if (!strcmp(optarg, "fp64"))
                dtype = DTYPE_FP64;
            else
                return cli_usage_error("info", "invalid --dtype '%s' (auto, fp16, fp32, fp64)",
                                       optarg);
            break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("info", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("info", "unexpected argument '%s'", argv[optind]);
    cli_set_verbosity(verbose, quiet); /* the report itself is stdout, always printed */

    /* Everything below is printed from the backends' device list. */
    fit_device *devs;
    size_t n_dev;
    lp_error why, err;
    lp_error_clear(&why);
    lp_error_clear(&err);
    if (backend_devices_list(&devs, &n_dev, &why, &err) != LP_OK) {
        fprintf(stderr, "lpmap info: %s\n", err.message);
        return 1;
    }
    int cpu_threads = devs[0].threads;
    printf("lpmap %s\n", LPMAP_VERSION);
    printf("CPU threads (OpenMP): %d\n", cpu_threads);
    if (!gpu_compiled_in()) {
        printf("CUDA: not compiled in (build with -DLPMAP_CUDA=ON or AUTO where nvcc exists)\n");
    } else {
        int rt = 0, drv = 0;
        gpu_runtime_versions(&rt, &drv);
        printf("CUDA: compiled in (");
        print_version("runtime", rt);
        printf(", ");
        print_version("driver", drv);
        printf(")\n");
    }
    /* The backends' device list, the CPU first (gpu/backend_devices.h). */
    printf("devices: %zu (the CPU and %zu GPU%s)\n", n_dev, n_dev - 1, n_dev == 2 ? "" : "s");
    printf("  cpu: %d OpenMP threads\n", cpu_threads);
    for (size_t k = 1; k < n_dev; k++) {
        const fit_device *g = &devs[k];
        printf("  gpu %d: %s, %.1f GiB (%.1f GiB free), compute capability %d.%d\n", g->index,
               g->name, gib(g->total_mem), gib(g->free_mem), g->cc_major, g->cc_minor);
    }
    if (why.message[0]) /* no GPU, or one that could not be queried */
        printf("  (%s)\n", why.message);
    if (n_dev <= 1) {
        printf("--fast would fit on the CPU (%d threads)%s%s\n", cpu_threads,
               why.message[0] ? ": " : "", why.message);
        free(devs);
        return 0;
    }
    fit_device chosen;
    int have_chosen = 0;
    for (size_t k = 1; k < n_dev; k++) {
        const fit_device *g = &devs[k];
        if (g->index == device) {
            chosen = *g;
            have_chosen = 1;
        }
    }
    free(devs);
    if (!have_chosen) {
        printf("--fast would fit on the CPU (%d threads): --device %ld is not available\n",
               cpu_threads, device);
        return 0;
    }
    gpu_precision p = gpu_policy_precision(dtype, chosen.cc_major);
    long lc_batch = gpu_policy_batch_size(chosen.free_mem, gpu_plan_losscone_bytes(p), batch);
    long kg_batch = gpu_policy_batch_size(chosen.free_mem, gpu_plan_kappa_bytes(), batch);
    printf("--fast would use: device %ld (%s), dtype %s%s\n", device, chosen.name,
           gpu_precision_name(p),
           p == GPU_PREC_MIXED ? " (fp16 storage, fp32 maths, fp64 chi2 sums)" : "");
    if (dtype == DTYPE_AUTO)
        printf("  (%s)\n", gpu_policy_auto_reason());
    printf("  batch size: %ld loss-cone sweeps, %ld kappa sweeps%s\n", lc_batch, kg_batch,
           batch ? " (--batch-size)" : " (from free memory)");
    printf("  jobs under %ld sweeps stay on the CPU (LPMAP_MIN_GPU_SWEEPS)\n",
           gpu_policy_min_sweeps(-1));
    printf("  (start-up checks run when a job starts; failures fall back to the CPU)\n");
    return 0;
}
