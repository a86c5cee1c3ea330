/* lpmap batch: parse and validate the flags of docs/batch.md, then hand
 * them to the batch driver (src/pipeline/batch.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/utc.h"
#include "core/cancel.h"
#include "core/constants.h"
#include "core/log.h"
#include "fit/losscone_tuning.h"
#include "pipeline/batch.h"

static const char *const HELP =
    "usage: lpmap batch [OPTIONS]\n"
    "\n"
    "Map the lunar surface potential for a date range: read the ER files, compute\n"
    "geometry from SPICE kernels, estimate the spacecraft potential, fit the loss\n"
    "cone of every spectrum and write potential_batch_YYYY[_MM[_DD]].npz\n"
    "(potential_batch_all.npz without a date filter; with --start/--end\n"
    "potential_batch_YYYY_MM_DD_to_YYYY_MM_DD.npz).\n"
    "\n"
    "input and output:\n"
    "  --data-dir DIR        ER files, theta.tab, attitude.tab (default: data, or "
    "$LPMAP_DATA_DIR)\n"
    "  --kernels DIR         SPICE kernels *.bsp *.tls *.tpc (default: DATA_DIR/spice_kernels)\n"
    "  --output-dir DIR      where the NPZ goes (default: artifacts/potential_cache)\n"
    "  --year Y --month M --day D   date filter (month and day optional)\n"
    "  --start YYYY-MM-DD --end YYYY-MM-DD   date range, both days included (instead of\n"
    "                        --year/--month/--day), e.g. --start 1998-04-01 --end 1998-06-30\n"
    "  --overwrite           replace an existing output; without it an output made with\n"
    "                        the same inputs and settings is left untouched (exit 0) and\n"
    "                        one made with others is an error naming what differs (exit 1)\n"
    "  --strict              any unreadable file or malformed line is fatal (default: the\n"
    "                        file or sweep is skipped, named in the summary and meta_*)\n"
    "\n"
    "fitting:\n"
    "  --physics consistent|reference   spacecraft-potential physics (default consistent:\n"
    "                        Poisson counts, Liouville mapping, self-consistent charging,\n"
    "                        per-sweep sigmas; reference: the original's formulas;\n"
    "                        docs/physics-modes.md)\n"
    "  --usc-reject-phi PHI  consistent only: reject the kappa fit above this deviance\n"
    "                        per degree of freedom (default 1e7)\n"
    "  --usc-core-prior on|off   consistent only: a shadowed sweep whose kappa shape is\n"
    "                        rejected gets a solar-wind core below the ER's range from\n"
    "                        published statistics, its spread in the sigma (default on;\n"
    "                        docs/physics-modes.md \"Unseen core\")\n"
    "  --losscone-fit-method halekas|lillis   chi2 of the loss-cone fit (default halekas)\n"
    "  --normalization ratio|ratio2           flux normalization (default ratio)\n"
    "  --incident-stat mean|max               incident flux statistic (default mean)\n"
    "  --beam-amp-fixed A    fix the secondary-beam amplitude (default: fitted, 0..5)\n"
    "  --u-spacecraft V      constant spacecraft potential; skips its estimation\n"
    "  --emit-u-width-qc     add U-width identifiability fields (lillis only)\n"
    "  --u-width-identifiable-max-v V   threshold for them (default 200)\n"
    "  --no-polish           skip the exact line-search polish after DE: docs/physics.md's\n"
    "                        optimizer alone, with a 10-generation stopping window\n"
    "                        (docs/decisions.md); faster, finds the minimum less often\n"
    "  --seed S              seed of every random stream (default 42)\n"
    "\n"
    "compute:\n"
    "  --fast                fit on the GPU when one is usable (else the CPU path, same results)\n"
    "  --dtype auto|fp16|fp32|fp64   GPU arithmetic (default auto; the CPU is always fp64)\n"
    "  --batch-size N        spectra per GPU batch (default: from free device memory)\n"
    "  --device N            which GPU (default 0)\n"
    "                        (--dtype, --batch-size, --device apply with --fast only)\n"
    "  --threads N           CPU worker threads (default: all cores)\n"
    "  --parallel            deprecated: accepted and ignored (the CPU path is always parallel)\n"
    "\n"
    "  -q, --quiet           warnings and errors only\n"
    "  -v, --verbose         debug logging\n"
    "  -h, --help            this help\n"
    "\n"
    "examples:\n"
    "  lpmap batch --data-dir data --year 1998 --month 4 --fast\n"
    "      April 1998 on the GPU (CPU when none) -> potential_batch_1998_04.npz\n"
    "  lpmap batch --data-dir data --year 1998 --month 4 --day 2 --losscone-fit-method lillis\n"
    "      one day with the Lillis chi2 -> potential_batch_1998_04_02.npz\n"
    "  for m in 1 2 3; do lpmap batch --year 1999 --month $m --fast -q; done\n"
    "      several months; re-running skips the months already done\n"
    "\n"
    "exit codes: 0 success (also: no files matched, the output exists with the same inputs\n"
    "and settings), 1 the run failed or produced nothing usable (no sweep read, no sweep\n"
    "with geometry; nothing is written), 2 usage error, 130/143 interrupted by\n"
    "SIGINT/SIGTERM (nothing written). Every key of the NPZ: docs/npz.md.\n";

enum {
    OPT_DATA_DIR = 256,
    OPT_KERNELS,
    OPT_OUTPUT_DIR,
    OPT_YEAR,
    OPT_NO_POLISH,
    OPT_MONTH,
    OPT_DAY,
    OPT_FAST,
    OPT_PARALLEL,
    OPT_METHOD,
    OPT_NORM,
    OPT_INCIDENT,
    OPT_BEAM,
    OPT_USC,
    OPT_QC,
    OPT_QC_MAX,
    OPT_DTYPE,
    OPT_BATCH_SIZE,
    OPT_DEVICE,
    OPT_THREADS,
    OPT_SEED,
    OPT_OVERWRITE,
    OPT_STRICT,
    OPT_START,
    OPT_END,
    OPT_PHYSICS,
    OPT_REJECT_PHI,
    OPT_CORE_PRIOR
};

/* "YYYY-MM-DD" (a real calendar day) -> YYYYMMDD; -1 when malformed. */
static int parse_ymd(const char *s)
{
    int y, m, d;
    if (utc_parse_date(s, &y, &m, &d, NULL) != LP_OK || y < 1900 || y > 2100)
        return -1;
    return y * 10000 + m * 100 + d;
}

/* Join argv into one string for meta_command_line. */
static char *join_command_line(int argc, char **argv)
{
    size_t len = strlen("lpmap") + 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, "lpmap");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int cmd_batch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data-dir", required_argument, 0, OPT_DATA_DIR},
        {"kernels", required_argument, 0, OPT_KERNELS},
        {"output-dir", required_argument, 0, OPT_OUTPUT_DIR},
        {"year", required_argument, 0, OPT_YEAR},
        {"month", required_argument, 0, OPT_MONTH},
        {"day", required_argument, 0, OPT_DAY},
        {"fast", no_argument, 0, OPT_FAST},
        {"parallel", no_argument, 0, OPT_PARALLEL},
        {"losscone-fit-method", required_argument, 0, OPT_METHOD},
        {"normalization", required_argument, 0, OPT_NORM},
        {"incident-stat", required_argument, 0, OPT_INCIDENT},
        {"beam-amp-fixed", required_argument, 0, OPT_BEAM},
        {"u-spacecraft", required_argument, 0, OPT_USC},
        {"emit-u-width-qc", no_argument, 0, OPT_QC},
        {"u-width-identifiable-max-v", required_argument, 0, OPT_QC_MAX},
        {"dtype", required_argument, 0, OPT_DTYPE},
        {"batch-size", required_argument, 0, OPT_BATCH_SIZE},
        {"device", required_argument, 0, OPT_DEVICE},
        {"threads", required_argument, 0, OPT_THREADS},
        {"seed", required_argument, 0, OPT_SEED},
        {"no-polish", no_argument, 0, OPT_NO_POLISH},
        {"overwrite", no_argument, 0, OPT_OVERWRITE},
        {"strict", no_argument, 0, OPT_STRICT},
        {"start", required_argument, 0, OPT_START},
        {"end", required_argument, 0, OPT_END},
        {"physics", required_argument, 0, OPT_PHYSICS},
        {"usc-reject-phi", required_argument, 0, OPT_REJECT_PHI},
        {"usc-core-prior", required_argument, 0, OPT_CORE_PRIOR},
        {"verbose", no_argument, 0, 'v'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    batch_options opt;
    batch_options_init(&opt);
    const char *env_dir = getenv("LPMAP_DATA_DIR");
    if (env_dir && *env_dir)
        opt.data_dir = env_dir;
    int verbose = 0, quiet = 0, parallel = 0, c;
    int dtype_set = 0, batch_size_set = 0, device_set = 0; /* --fast only */
    long l;
    double d;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hvq", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DATA_DIR: opt.data_dir = optarg; break;
        case OPT_KERNELS: opt.kernels_dir = optarg; break;
        case OPT_OUTPUT_DIR: opt.output_dir = optarg; break;
        case OPT_YEAR:
            if (cli_parse_long("batch", "year", optarg, 1900, 2100, &l))
                return EXIT_USAGE;
            opt.year = (int)l;
            break;
        case OPT_MONTH:
            if (cli_parse_long("batch", "month", optarg, 1, 12, &l))
                return EXIT_USAGE;
            opt.month = (int)l;
            break;
        case OPT_DAY:
            if (cli_parse_long("batch", "day", optarg, 1, 31, &l))
                return EXIT_USAGE;
            opt.day = (int)l;
            break;
        case OPT_FAST: opt.fast = 1; break;
        case OPT_PARALLEL: parallel = 1; break;
        case OPT_METHOD:
            if (!strcmp(optarg, "halekas"))
                opt.method = FIT_METHOD_HALEKAS;
            else if (!strcmp(optarg, "lillis"))
                opt.method = FIT_METHOD_LILLIS;
            else
                return cli_usage_error(
                    "batch", "invalid --losscone-fit-method '%s' (halekas, lillis)", optarg);
            break;
        case OPT_NORM:
            if (!strcmp(optarg, "ratio"))
                opt.normalization = NORM_RATIO;
            else if (!strcmp(optarg, "ratio2"))
                opt.normalization = NORM_RATIO2;
            else
                return cli_usage_error("batch", "invalid --normalization '%s' (ratio, ratio2)",
                                       optarg);
            break;
        case OPT_INCIDENT:
            if (!strcmp(optarg, "mean"))
                opt.incident = INCIDENT_MEAN;
            else if (!strcmp(optarg, "max"))
                opt.incident = INCIDENT_MAX;
            else
                return cli_usage_error("batch", "invalid --incident-stat '%s' (mean, max)", optarg);
            break;
        case OPT_BEAM:
            if (cli_parse_double("batch", "beam-amp-fixed", optarg, LC_A_MIN, LC_A_MAX, &d))
                return EXIT_USAGE;
            opt.beam_amp_fixed_set = 1;
            opt.beam_amp_fixed = d;
            break;
        case OPT_USC:
            if (cli_parse_double("batch", "u-spacecraft", optarg, -5000, 5000, &d))
                return EXIT_USAGE;
            opt.u_spacecraft_set = 1;
            opt.u_spacecraft = d;
            break;
        case OPT_QC: opt.emit_u_width_qc = 1; break;
        case OPT_NO_POLISH: opt.no_polish = 1; break;
        case OPT_QC_MAX:
            if (cli_parse_double("batch", "u-width-identifiable-max-v", optarg, 0, 1e6, &d))
                return EXIT_USAGE;
            opt.u_width_identifiable_max_v = d;
            break;
        case OPT_DTYPE:
            dtype_set = 1;
            if (!strcmp(optarg, "auto"))
                opt.dtype = DTYPE_AUTO;
            else if (!strcmp(optarg, "fp16"))
                opt.dtype = DTYPE_FP16;
            else if (!strcmp(optarg, "fp32"))
                opt.dtype = DTYPE_FP32;
            else if (!strcmp(optarg, "fp64"))
                opt.dtype = DTYPE_FP64;
            else
                return cli_usage_error("batch", "invalid --dtype '%s' (auto, fp16, fp32, fp64)",
                                       optarg);
            break;
        case OPT_BATCH_SIZE:
            if (cli_parse_long("batch", "batch-size", optarg, 1, 100000000L, &l))
                return EXIT_USAGE;
            opt.batch_size = l;
            batch_size_set = 1;
            break;
        case OPT_DEVICE:
            if (cli_parse_long("batch", "device", optarg, 0, 1023, &l))
                return EXIT_USAGE;
            opt.device = (int)l;
            device_set = 1;
            break;
        case OPT_THREADS:
            if (cli_parse_long("batch", "threads", optarg, 1, 4096, &l))
                return EXIT_USAGE;
            opt.threads = (int)l;
            break;
        case OPT_SEED:
            if (cli_parse_u64("batch", "seed", optarg, &opt.seed))
                return EXIT_USAGE;
            break;
        case OPT_OVERWRITE: opt.overwrite = 1; break;
        case OPT_STRICT: opt.strict = 1; break;
        case OPT_START:
        case OPT_END: {
            int ymd = parse_ymd(optarg);
            if (ymd < 0)
                return cli_usage_error("batch", "invalid value for --%s: '%s' (a date YYYY-MM-DD)",
                                       c == OPT_START ? "start" : "end", optarg);
            *(c == OPT_START ? &opt.start_ymd : &opt.end_ymd) = ymd;
            break;
        }
        case OPT_PHYSICS:
            if (!strcmp(optarg, PHYSICS_DEFAULT_NAME))
                opt.physics = PHYSICS_CONSISTENT;
            else if (!strcmp(optarg, "reference"))
                opt.physics = PHYSICS_REFERENCE;
            else
                return cli_usage_error("batch", "invalid --physics '%s' (consistent, reference)",
                                       optarg);
            break;
        case OPT_REJECT_PHI:
            if (cli_parse_double("batch", "usc-reject-phi", optarg, 1.0, 1e12, &d))
                return EXIT_USAGE;
            opt.usc_reject_phi_set = 1;
            opt.usc_reject_phi = d;
            break;
        case OPT_CORE_PRIOR:
            if (!strcmp(optarg, "on"))
                opt.usc_core_prior_off = 0;
            else if (!strcmp(optarg, "off"))
                opt.usc_core_prior_off = 1;
            else
                return cli_usage_error("batch", "invalid --usc-core-prior '%s' (on, off)", optarg);
            opt.usc_core_prior_set = 1;
            break;
        case 'v': verbose = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("batch", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("batch", "unexpected argument '%s'", argv[optind]);
    if (opt.day && !opt.month)
        return cli_usage_error("batch", "--day needs --month");
    if (opt.usc_reject_phi_set && opt.physics == PHYSICS_REFERENCE)
        return cli_usage_error("batch", "--usc-reject-phi needs --physics consistent");
    if (opt.usc_core_prior_set && opt.physics == PHYSICS_REFERENCE)
        return cli_usage_error("batch", "--usc-core-prior needs --physics consistent");
    if (opt.month && !opt.year)
        return cli_usage_error("batch", "--month needs --year");
    if (!opt.start_ymd != !opt.end_ymd)
        return cli_usage_error("batch", "--start and --end go together");
    if (opt.start_ymd && opt.year)
        return cli_usage_error("batch", "--start/--end replace --year/--month/--day; give one or "
                                        "the other");
    if (opt.start_ymd > opt.end_ymd)
        return cli_usage_error("batch", "--end (%d) is before --start (%d)", opt.end_ymd,
                               opt.start_ymd);
    if (cli_check_date("batch", opt.year, opt.month, opt.day))
        return EXIT_USAGE;
    cli_set_verbosity(verbose, quiet);
    if (!opt.fast && (dtype_set || batch_size_set || device_set))
        log_warn("%s%s%sonly appl%s with --fast (the GPU path); ignored",
                 dtype_set ? "--dtype " : "", batch_size_set ? "--batch-size " : "",
                 device_set ? "--device " : "",
                 dtype_set + batch_size_set + device_set > 1 ? "y" : "ies");
    if (opt.year && (opt.year < 1998 || opt.year > 1999))
        log_warn("--year %d is outside the Lunar Prospector mission (1998-1999)", opt.year);
    if (parallel)
        log_warn("--parallel is deprecated and does nothing: the CPU path is always "
                 "multi-threaded (use --threads N)");
    if (opt.emit_u_width_qc && opt.method != FIT_METHOD_LILLIS)
        log_warn("--emit-u-width-qc applies to --losscone-fit-method lillis only; ignored");

    char *cmdline = join_command_line(argc, argv);
    opt.command_line = cmdline ? cmdline : "lpmap batch";
    cancel_install_handlers();
    lp_error err;
    lp_error_clear(&err);
    lp_status st = batch_run(&opt, &err);
    free(cmdline);
    if (st != LP_OK) {
        cli_fail("batch", "%s", err.message);
        if (st == LP_ERR_CANCELLED)
            return cli_exit_cancelled(); /* 130 SIGINT, 143 SIGTERM */
        return st == LP_ERR_USAGE ? EXIT_USAGE : EXIT_FAILED;
    }
    return 0;
}
