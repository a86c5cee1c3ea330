/* lpmap sites: statistics of the footpoint rows near named sites, as a CSV
 * table (docs/sites.md). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/log.h"
#include "products/sites.h"

static const char *const HELP =
    "usage: lpmap sites NPZ... --radius-km R --out OUT.csv [--sites FILE] [OPTIONS]\n"
    "\n"
    "For each site, every row of the batch NPZ files with a finite U_surface whose\n"
    "footpoint lies within R km (great circle on a 1737.4 km sphere) gives one line:\n"
    "name,lat,lon,count and the mean, median, 5th/95th percentile and standard\n"
    "deviation of U_surface, U_sc and T_e (NaN without values), plus the inverse-\n"
    "variance weighted mean of U_surface and its sigma when the inputs carry\n"
    "rows_projected_potential_sigma.\n"
    "\n"
    "  --sites FILE          CSV 'name,lat,lon' (a header line and # comments are\n"
    "                        allowed); default: the built-in list (Apollo 11-17,\n"
    "                        Luna 9-24 landing sites, the poles, Reiner Gamma, Mare\n"
    "                        Ingenii and Airy swirls)\n"
    "  --radius-km R         search radius in km (> 0, up to 5458 = half the circumference)\n"
    "  --out OUT.csv         output table (written atomically)\n"
    "  --where all|sunlit|shadowed   rows by footpoint illumination (default all)\n"
    "  --class N[,N...]      only rows of these environment classes (repeatable)\n"
    "  --overwrite           replace an existing OUT.csv\n"
    "  --list-builtin        print the built-in sites as CSV and exit\n"
    "  -q, --quiet           warnings and errors only\n"
    "  -v, --verbose         debug logging\n"
    "  -h, --help            this help\n"
    "\n"
    "examples:\n"
    "  lpmap sites out/potential_batch_1998_04.npz --radius-km 100 --out sites.csv\n"
    "  lpmap sites out/*.npz --sites my_sites.csv --radius-km 50 --where sunlit --out s.csv\n"
    "\n"
    "exit codes: 0 written, 1 the run failed (unreadable or non-lpmap NPZ, bad sites\n"
    "file, no usable row, output exists), 2 usage error. Nothing is written when it fails.\n";

enum { OPT_SITES = 256, OPT_RADIUS, OPT_OUT, OPT_WHERE, OPT_CLASS, OPT_OVERWRITE, OPT_LIST };

int cmd_sites(int argc, char **argv)
{
    static const struct option longopts[] = {{"sites", required_argument, 0, OPT_SITES},
                                             {"radius-km", required_argument, 0, OPT_RADIUS},
                                             {"out", required_argument, 0, OPT_OUT},
                                             {"where", required_argument, 0, OPT_WHERE},
                                             {"class", required_argument, 0, OPT_CLASS},
                                             {"overwrite", no_argument, 0, OPT_OVERWRITE},
                                             {"list-builtin", no_argument, 0, OPT_LIST},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    const char *sites_file = NULL, *out = NULL;
    double radius = NAN;
    products_filter filter;
    products_filter_init(&filter);
    int verbose = 0, quiet = 0, overwrite = 0, list = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_SITES: sites_file = optarg; break;
        case OPT_RADIUS:
            if (cli_parse_double("sites", "radius-km", optarg, -INFINITY, INFINITY, &radius))
                return EXIT_USAGE;
            if (!(radius > 0 && radius <= M_PI * SITES_MOON_RADIUS_KM))
                return cli_usage_error("sites",
                                       "invalid value for --radius-km: %g (must be > 0 and at "
                                       "most %.0f)",
                                       radius, M_PI * SITES_MOON_RADIUS_KM);
            break;
        case OPT_OUT: out = optarg; break;
        case OPT_WHERE:
            if (products_where_parse(optarg, &filter.where))
                return cli_usage_error("sites", "invalid --where '%s' (all, sunlit, shadowed)",
                                       optarg);
            break;
        case OPT_CLASS:
            if (products_class_list_parse(optarg, &filter))
                return cli_usage_error("sites",
                                       "invalid --class '%s' (class numbers 0 to %d, "
                                       "comma-separated)",
                                       optarg, PRODUCTS_N_CLASSES - 1);
            break;
        case OPT_OVERWRITE: overwrite = 1; break;
        case OPT_LIST: list = 1; break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("sites", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    cli_set_verbosity(verbose, quiet);
    lp_error err = {0};
    site_list sites;
    if (list) {
        if (sites_builtin(&sites, &err) != LP_OK) {
            fprintf(stderr, "lpmap sites: %s\n", err.message);
            return EXIT_FAILED;
        }
        printf("name,lat,lon\n");
        for (size_t i = 0; i < sites.n; i++)
            printf("%s,%g,%g\n", sites.sites[i].name, sites.sites[i].lat, sites.sites[i].lon);
        site_list_free(&sites);
        return 0;
    }
    if (optind >= argc)
        return cli_usage_error("sites", "missing the batch NPZ file(s)");
    if (isnan(radius))
        return cli_usage_error("sites", "missing --radius-km R");
    if (!out)
        return cli_usage_error("sites", "missing --out OUT.csv");
    struct stat sb;
    if (!overwrite && stat(out, &sb) == 0) {
        fprintf(stderr, "lpmap sites: %s exists (use --overwrite to replace it)\n", out);
        return EXIT_FAILED;
    }
    if ((sites_file ? sites_parse_file(sites_file, &sites, &err) : sites_builtin(&sites, &err)) !=
        LP_OK) {
        fprintf(stderr, "lpmap sites: %s\n", err.message);
        return EXIT_FAILED;
    }
    size_t used = 0;
    lp_status st = sites_run(&sites, (const char *const *)(argv + optind), (size_t)(argc - optind),
                             radius, &filter, out, &used, &err);
    size_t n_sites = sites.n;
    site_list_free(&sites);
    if (st != LP_OK) {
        fprintf(stderr, "lpmap sites: %s\n", err.message);
        return EXIT_FAILED;
    }
    log_info("sites: %zu sites, %zu usable rows, radius %g km; wrote %s", n_sites, used, radius,
             out);
    return 0;
}
