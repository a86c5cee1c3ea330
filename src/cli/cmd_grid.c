/* lpmap grid: bin the rows of batch NPZ files into a latitude/longitude grid
 * of per-cell statistics, written as grid.npz and grid.nc (docs/grid.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "products/grid.h"
#include "products/grid_write.h"

static const char *const HELP =
    "usage: lpmap grid NPZ... --res DEG --out DIR [OPTIONS]\n"
    "\n"
    "Bin every row of the batch NPZ files (potential_batch_*.npz; a month each, or the\n"
    "mission) that has a finite U_surface and footpoint into cells of DEG x DEG and\n"
    "write DIR/grid.npz and DIR/grid.nc (NetCDF-4, CF-1.8) with, per cell: count and\n"
    "the mean, median, 5th and 95th percentile of U_surface, U_sc and T_e (NaN where\n"
    "empty), plus the inverse-variance weighted mean of U_surface and its sigma when\n"
    "the inputs carry rows_projected_potential_sigma. Memory is bounded by the grid.\n"
    "\n"
    "  --res DEG             cell size in degrees; must divide 180 (0.1 to 180)\n"
    "  --out DIR             output folder (created when missing)\n"
    "  --where all|sunlit|shadowed   rows by footpoint illumination (default all)\n"
    "  --class N[,N...]      only rows of these environment classes (repeatable;\n"
    "                        0 unknown, 1 solar wind, 2 magnetosheath, 3 tail lobes,\n"
    "                        4 plasma sheet, 5 wake)\n"
    "  --overwrite           replace an existing grid.npz / grid.nc\n"
    "  -q, --quiet           warnings and errors only\n"
    "  -v, --verbose         debug logging\n"
    "  -h, --help            this help\n"
    "\n"
    "examples:\n"
    "  lpmap grid out/potential_batch_1998_04.npz --res 2 --out grid_april\n"
    "  lpmap grid out/potential_batch_1998_*.npz --res 1 --where sunlit --class 1 --out g\n"
    "  lpmap plot grid_april/grid.npz\n"
    "\n"
    "exit codes: 0 written, 1 the run failed (unreadable or non-lpmap NPZ, no row to\n"
    "grid, output exists), 2 usage error. Nothing is written when it fails.\n";

enum { OPT_RES = 256, OPT_OUT, OPT_WHERE, OPT_CLASS, OPT_OVERWRITE };

static char *join_command_line(const char *cmd, int argc, char **argv)
{
    size_t len = strlen("lpmap ") + strlen(cmd) + 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    snprintf(s, len, "lpmap %s", cmd);
    for (int i = 1; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int cmd_grid(int argc, char **argv)
{
    static const struct option longopts[] = {{"res", required_argument, 0, OPT_RES},
                                             {"out", required_argument, 0, OPT_OUT},
                                             {"where", required_argument, 0, OPT_WHERE},
                                             {"class", required_argument, 0, OPT_CLASS},
                                             {"overwrite", no_argument, 0, OPT_OVERWRITE},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    double res = NAN;
    const char *out_dir = NULL;
    products_filter filter;
    products_filter_init(&filter);
    int verbose = 0, quiet = 0, overwrite = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_RES:
            if (cli_parse_double("grid", "res", optarg, GRID_RES_MIN, GRID_RES_MAX, &res))
                return EXIT_USAGE;
            break;
        case OPT_OUT: out_dir = optarg; break;
        case OPT_WHERE:
            if (products_where_parse(optarg, &filter.where))
                return cli_usage_error("grid", "invalid --where '%s' (all, sunlit, shadowed)",
                                       optarg);
            break;
        case OPT_CLASS:
            if (products_class_list_parse(optarg, &filter))
                return cli_usage_error("grid",
                                       "invalid --class '%s' (class numbers 0 to %d, "
                                       "comma-separated)",
                                       optarg, PRODUCTS_N_CLASSES - 1);
            break;
        case OPT_OVERWRITE: overwrite = 1; break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("grid", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cli_set_verbosity(verbose, quiet);
    if (optind >= argc)
        return cli_usage_error("grid", "missing the batch NPZ file(s) to grid");
    if (isnan(res))
        return cli_usage_error("grid", "missing --res DEG");
    if (!out_dir)
        return cli_usage_error("grid", "missing --out DIR");
    lp_error err = {0};
    size_t nlat;
    if (grid_res_check(res, &nlat, &err))
        return cli_usage_error("grid", "invalid value for --res: %s", err.message);
    struct stat sb;
    if (stat(out_dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "lpmap grid: --out %s exists and is not a folder\n", out_dir);
        return EXIT_FAILED;
    }
    /* An existing output is refused before the inputs are read (grid_write
     * checks again just before writing). */
    for (int k = 0; k < 2 && !overwrite; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/grid.%s", out_dir, k ? "nc" : "npz");
        if ((k == 0 || grid_netcdf_available()) && stat(path, &sb) == 0) {
            fprintf(stderr, "lpmap grid: %s exists (use --overwrite to replace it)\n", path);
            return EXIT_FAILED;
        }
    }
    const char *const *inputs = (const char *const *)(argv + optind);
    size_t n_inputs = (size_t)(argc - optind);
    if (!grid_netcdf_available())
        log_warn("grid: %s", grid_netcdf_hint());

    grid_result g;
    if (grid_build(inputs, n_inputs, res, &filter, 0, &g, &err) != LP_OK) {
        fprintf(stderr, "lpmap grid: %s\n", err.message);
        return EXIT_FAILED;
    }
    int made_dir = 0;
    if (stat(out_dir, &sb) != 0) {
        if (mkdir(out_dir, 0777) != 0) {
            fprintf(stderr, "lpmap grid: cannot create %s: %s\n", out_dir, strerror(errno));
            grid_result_free(&g);
            return EXIT_FAILED;
        }
        made_dir = 1;
    }
    char selection[600];
    products_filter_describe(&filter, selection, sizeof selection);
    char *cmdline = join_command_line("grid", argc, argv);
    grid_meta meta = {inputs, n_inputs, selection, cmdline};
    lp_status st = grid_write(&g, &meta, out_dir, overwrite, &err);
    free(cmdline);
    if (st != LP_OK) {
        fprintf(stderr, "lpmap grid: %s\n", err.message);
        if (made_dir)
            rmdir(out_dir);
        grid_result_free(&g);
        return EXIT_FAILED;
    }
    size_t filled = 0;
    for (size_t k = 0; k < g.nlat * g.nlon; k++)
        filled += g.count[k] > 0;
    log_info("grid: %zu of %zu rows from %zu file%s into %zu of %zu cells (%g deg); wrote "
             "%s/grid.npz%s",
             g.n_rows_used, g.n_rows_total, n_inputs, n_inputs == 1 ? "" : "s", filled,
             g.nlat * g.nlon, res, out_dir, grid_netcdf_available() ? " and grid.nc" : "");
    grid_result_free(&g);
    return 0;
}
