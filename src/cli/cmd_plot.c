/* lpmap plot (docs/plot.md): read a batch NPZ (docs/npz.md) and write
 * <stem>_map.png, <stem>_hist.png, <stem>_timeseries.png. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "core/status.h"
#include "plot/plot_data.h"
#include "plot/plot_render.h"

static const char *const HELP =
    "usage: lpmap plot NPZ [OPTIONS]\n"
    "\n"
    "Draw pictures (PNG, SVG or PDF) from a batch NPZ (potential_batch_*.npz):\n"
    "  map         global equirectangular map of footpoint U_surface with a colour bar\n"
    "  hist        histograms of U_surface and U_sc, sunlit vs shadow\n"
    "  timeseries  U_sc and U_surface per sweep over time\n"
    "Files are named <npz-stem>_map.png, <npz-stem>_hist.png, <npz-stem>_timeseries.png.\n"
    "From a grid.npz of 'lpmap grid': <stem>_map (one statistic per cell) and\n"
    "<stem>_count (rows per cell, log scale).\n"
    "Colour limits are the 2nd and 98th percentiles (rounded); the scale is diverging\n"
    "with its neutral colour at 0 V when the limits straddle 0, sequential otherwise.\n"
    "\n"
    "  --out DIR             output folder, created if needed (default: the NPZ's folder)\n"
    "  --what LIST           comma-separated products: map,hist,timeseries (default: all)\n"
    "  --chi2-max X          drop U_surface of rows whose fit chi2 exceeds X\n"
    "  --vmin V --vmax V     colour limits of the map (and histogram range);\n"
    "                        default: 2nd and 98th percentile of the values\n"
    "  --format png|svg|pdf  picture format (default png)\n"
    "  --stat KEY            grid statistic to map (default u_surface_median; also\n"
    "                        u_surface_mean, _p05, _p95, u_sc_*, t_e_*, u_surface_wmean...)\n"
    "  -q, --quiet           warnings and errors only\n"
    "  -v, --verbose         debug logging\n"
    "  -h, --help            this help\n"
    "\n"
    "examples:\n"
    "  lpmap plot out/potential_batch_1998_04.npz --what map --format svg\n"
    "  lpmap plot grid_april/grid.npz --stat u_surface_mean --format pdf\n"
    "\n"
    "exit codes: 0 all pictures written, 1 a picture could not be made (missing keys,\n"
    "nothing to draw, unreadable NPZ, a build without cairo), 2 usage error.\n";

/* mkdir -p: every missing folder of `path`; an existing non-folder is an error. */
static lp_status plot_make_dirs(const char *path, lp_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    size_t n = strlen(buf);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char keep = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return lp_error_set(err, LP_ERR_IO, "cannot create output folder %s: %s", buf,
                                strerror(errno));
        buf[i] = keep;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(err, LP_ERR_IO, "output folder %s is not a folder", path);
    return LP_OK;
}

enum { OPT_OUT = 256, OPT_WHAT, OPT_CHI2, OPT_VMIN, OPT_VMAX, OPT_FORMAT, OPT_STAT };

/* A grid.npz: the statistic map and the count map. */
static int plot_grid_files(const char *npz, const char *stat, plot_style *st, const char *dir,
                           const char *stem)
{
    plot_grid g;
    lp_error err = {0};
    if (plot_grid_load(npz, stat, &g, &err) != LP_OK)
        return cli_fail("plot", "%s", err.message);
    log_info("plot: %s: %zu x %zu grid, %zu cells with %s", npz, g.nlat, g.nlon, g.n_filled, g.key);
    st->source = stem;
    int failed = 0;
    for (int k = 0; k < 2; k++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s_%s.%s", dir, stem, k ? "count" : "map",
                 plot_format_extension(st->format));
        lp_error_clear(&err);
        lp_status rc = k ? plot_render_grid_count(&g, st, path, &err)
                         : plot_render_grid_map(&g, st, path, &err);
        if (rc != LP_OK) {
            log_error("plot: %s: %s", k ? "count" : "map", err.message);
            failed = 1;
        } else {
            log_info("plot: wrote %s", path);
        }
    }
    plot_grid_free(&g);
    plot_render_release();
    return failed ? EXIT_FAILED : 0;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, 0, OPT_OUT},
                                             {"what", required_argument, 0, OPT_WHAT},
                                             {"chi2-max", required_argument, 0, OPT_CHI2},
                                             {"vmin", required_argument, 0, OPT_VMIN},
                                             {"vmax", required_argument, 0, OPT_VMAX},
                                             {"format", required_argument, 0, OPT_FORMAT},
                                             {"stat", required_argument, 0, OPT_STAT},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    const char *out_dir = NULL;
    unsigned what = PLOT_ALL;
    plot_style st = {NAN, NAN, NAN, NULL, PLOT_FORMAT_PNG};
    const char *stat_key = NULL;
    int what_given = 0;
    int verbose = 0, quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hvq", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT: out_dir = optarg; break;
        case OPT_FORMAT:
            if ((st.format = plot_format_parse(optarg)) < 0)
                return cli_usage_error("plot", "invalid --format '%s' (png, svg, pdf)", optarg);
            break;
        case OPT_STAT: stat_key = optarg; break;
        case OPT_WHAT:
            what_given = 1;
            what = plot_parse_what(optarg);
            if (!what)
                return cli_usage_error("plot",
                                       "invalid --what '%s' (allowed: map, hist, timeseries, "
                                       "comma-separated)",
                                       optarg);
            break;
        case OPT_CHI2:
            if (cli_parse_double("plot", "chi2-max", optarg, 0, INFINITY, &st.chi2_max))
                return EXIT_USAGE;
            break;
        case OPT_VMIN:
            if (cli_parse_double("plot", "vmin", optarg, -1e9, 1e9, &st.vmin))
                return EXIT_USAGE;
            break;
        case OPT_VMAX:
            if (cli_parse_double("plot", "vmax", optarg, -1e9, 1e9, &st.vmax))
                return EXIT_USAGE;
            break;
        case 'v': verbose = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("plot", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cli_set_verbosity(verbose, quiet);
    if (optind >= argc)
        return cli_usage_error("plot", "missing the NPZ to plot");
    if (optind + 1 < argc)
        return cli_usage_error("plot", "one NPZ at a time (got '%s' and '%s')", argv[optind],
                               argv[optind + 1]);
    if (!isnan(st.vmin) && !isnan(st.vmax) && !(st.vmax > st.vmin))
        return cli_usage_error("plot", "--vmax (%g) must be greater than --vmin (%g)", st.vmax,
                               st.vmin);
    const char *npz = argv[optind];
    if (!plot_render_available()) {
        return cli_fail("plot", "%s", plot_enable_hint());
    }

    /* Output folder and file stem. */
    char npz_copy1[4096], npz_copy2[4096], stem[1024];
    if (strlen(npz) >= sizeof npz_copy1)
        return cli_usage_error("plot", "NPZ path too long");
    strcpy(npz_copy1, npz);
    strcpy(npz_copy2, npz);
    const char *dir = out_dir ? out_dir : dirname(npz_copy1);
    snprintf(stem, sizeof stem, "%s", basename(npz_copy2));
    size_t sl = strlen(stem);
    if (sl > 4 && !strcmp(stem + sl - 4, ".npz"))
        stem[sl - 4] = '\0';
    lp_error err = {0};
    if (plot_npz_is_grid(npz)) {
        if (what_given || !isnan(st.chi2_max))
            return cli_usage_error("plot",
                                   "--what and --chi2-max apply to batch NPZ files, not "
                                   "to the grid %s",
                                   npz);
        if (plot_make_dirs(dir, &err) != LP_OK)
            return cli_fail("plot", "%s", err.message);
        return plot_grid_files(npz, stat_key, &st, dir, stem);
    }
    if (stat_key)
        return cli_usage_error("plot",
                               "--stat applies to a grid.npz of 'lpmap grid'; %s is not one", npz);
    plot_data d;
    if (plot_data_load(npz, what, st.chi2_max, &d, &err) != LP_OK)
        return cli_fail("plot", "%s", err.message);
    /* Like batch, create the output folder (only once the NPZ has loaded). */
    if (plot_make_dirs(dir, &err) != LP_OK) {
        plot_data_free(&d);
        return cli_fail("plot", "%s", err.message);
    }
    log_info("plot: %s: %zu rows, %zu sweeps%s", npz, d.n_rows, d.n_sweeps,
             d.n_chi2_reject ? " (chi2 cut applied)" : "");
    if (d.n_chi2_reject)
        log_info("plot: --chi2-max %g dropped U_surface of %zu rows", st.chi2_max, d.n_chi2_reject);
    st.source = stem;
    static const struct {
        unsigned bit;
        const char *suffix;
        lp_status (*render)(const plot_data *, const plot_style *, const char *, lp_error *);
    } products[] = {{PLOT_MAP, "map", plot_render_map},
                    {PLOT_HIST, "hist", plot_render_hist},
                    {PLOT_TIMESERIES, "timeseries", plot_render_timeseries}};
    int failed = 0;
    for (size_t k = 0; k < sizeof products / sizeof products[0]; k++) {
        if (!(what & products[k].bit))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s_%s.%s", dir, stem, products[k].suffix,
                 plot_format_extension(st.format));
        lp_error_clear(&err);
        if (products[k].render(&d, &st, path, &err) != LP_OK) {
            fprintf(stderr, "lpmap plot: %s: %s\n", products[k].suffix, err.message);
            failed = 1;
        } else {
            log_info("plot: wrote %s", path);
        }
    }
    plot_data_free(&d);
    plot_render_release();
    return failed ? EXIT_FAILED : 0;
}
