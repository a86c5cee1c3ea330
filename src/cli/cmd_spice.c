/* lpmap spice: query the built-in SPICE subset (docs/spice.md §5): kernel
 * summary, positions, UTC → ET, frame rotations, and a hidden query
 * benchmark (docs/performance.md "SPICE queries"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "spice/spice.h"

static const char *help_text =
    "usage: lpmap spice COMMAND --kernels DIR [OPTIONS]\n"
    "\n"
    "Query the built-in SPICE subset (kernels: *.bsp, *.tls, *.tpc of DIR).\n"
    "\n"
    "commands:\n"
    "  info                         list loaded kernels and SPK segments\n"
    "  pos   --target T --observer O --frame F (--et S | --utc TIME)\n"
    "                               position of T relative to O in km: 'x y z'\n"
    "  et    UTC                    ET (TDB seconds past J2000) of a UTC time\n"
    "  xform --from F --to G (--et S | --utc TIME)\n"
    "                               rotation matrix from F to G, three rows\n"
    "\n"
    "Bodies: NAIF ids or names (MOON, SUN, EARTH, EMB, SSB, LP). Frames: J2000,\n"
    "ECLIPJ2000, B1950, FK4, IAU_MOON. Times: YYYY-MM-DDThh:mm:ss[.fff][Z].\n"
    "\n"
    "example:\n"
    "  lpmap spice pos --kernels k --target SUN --observer MOON --frame IAU_MOON \\\n"
    "      --utc 1998-05-01T00:00:00\n"
    "\n"
    "  -q, --quiet / -v, --verbose   fewer / more log lines\n"
    "\n"
    "exit codes: 0 ok, 1 query failed (e.g. no coverage), 2 usage error\n";

typedef struct {
    const char *kernels, *target, *observer, *frame, *from, *to, *et, *utc, *n;
    const char *positional;
    int quiet, verbose;
} spice_opts;

static int parse_opts(int argc, char **argv, spice_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        static const char *names[] = {"--kernels", "--target", "--observer", "--frame", "--from",
                                      "--to",      "--et",     "--utc",      "--n"};
        const char **slots[] = {&o->kernels, &o->target, &o->observer, &o->frame, &o->from,
                                &o->to,      &o->et,     &o->utc,      &o->n};
        int matched = 0;
        for (size_t j = 0; j < sizeof names / sizeof names[0]; j++) {
            size_t len = strlen(names[j]);
            if (strncmp(a, names[j], len) != 0)
                continue;
            if (a[len] == '=') {
                *slots[j] = a + len + 1;
                matched = 1;
            } else if (a[len] == '\0') {
                if (i + 1 >= argc)
                    return cli_usage_error("spice", "%s needs a value", names[j]);
                *slots[j] = argv[++i];
                matched = 1;
            }
            if (matched)
                break;
        }
        if (matched)
            continue;
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
            continue;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            o->verbose = 1;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9'))
            return cli_usage_error("spice", "unknown option '%s'", a);
        if (o->positional)
            return cli_usage_error("spice", "unexpected argument '%s'", a);
        o->positional = a;
    }
    return 0;
}

static spice_kernels *load(const spice_opts *o, int *rc)
{
    if (!o->kernels) {
        *rc = cli_usage_error("spice", "--kernels DIR is required");
        return NULL;
    }
    spice_kernels *k = NULL;
    lp_error e;
    if (spice_load_dir(o->kernels, &k, &e) != LP_OK) {
        fprintf(stderr, "lpmap spice: %s\n", e.message);
        *rc = EXIT_FAILED;
        return NULL;
    }
    return k;
}

/* ET from --et or --utc (exactly one). Returns 0, or an exit code. */
static int get_et(const spice_opts *o, const spice_kernels *k, double *et)
{
    if ((o->et != NULL) == (o->utc != NULL))
        return cli_usage_error("spice", "give exactly one of --et or --utc");
    if (o->et)
        return cli_parse_double("spice", "et", o->et, -1e12, 1e12, et) ? EXIT_USAGE : 0;
    lp_error e;
    lp_status st = spice_utc_to_et(k, o->utc, et, &e);
    if (st == LP_OK)
        return 0;
    fprintf(stderr, "lpmap spice: %s\n", e.message);
    return (st == LP_ERR_FORMAT || st == LP_ERR_RANGE) ? EXIT_USAGE : EXIT_FAILED;
}

static int get_frame(const char *name, const char *opt, spice_frame *f)
{
    if (!name)
        return cli_usage_error("spice", "--%s FRAME is required", opt);
    int code = spice_frame_from_name(name);
    if (code < 0)
        return cli_usage_error("spice",
                               "unknown frame '%s' for --%s (J2000, ECLIPJ2000, B1950, FK4, "
                               "IAU_MOON)",
                               name, opt);
    *f = (spice_frame)code;
    return 0;
}

static int get_body(const char *name, const char *opt, int *id)
{
    if (!name)
        return cli_usage_error("spice", "--%s BODY is required", opt);
    if (spice_body_from_name(name, id) != 0)
        return cli_usage_error("spice", "unknown body '%s' for --%s", name, opt);
    return 0;
}

static int run_bench(const spice_opts *o, spice_kernels *k)
{
    long n = 1000000;
    if (o->n && cli_parse_long("spice", "n", o->n, 1, 1000000000L, &n))
        return EXIT_USAGE;
    double a0, a1, b0, b1;
    lp_error e;
    if (spice_body_coverage(k, NAIF_MOON, &a0, &a1, &e) != LP_OK ||
        spice_body_coverage(k, NAIF_SUN, &b0, &b1, &e) != LP_OK) {
        fprintf(stderr, "lpmap spice: %s\n", e.message);
        return EXIT_FAILED;
    }
    /* the last 7 days covered by both (one kernel's span in practice) */
    double t1 = a1 < b1 ? a1 : b1, t0 = a0 > b0 ? a0 : b0;
    if (t1 - 7 * 86400.0 > t0)
        t0 = t1 - 7 * 86400.0;
    struct timespec s, f;
    double sum = 0.0;
    clock_gettime(CLOCK_MONOTONIC, &s);
    for (long i = 0; i < n; i++) {
        double et = t0 + (t1 - t0) * ((double)i + 0.5) / (double)n, p[3];
        if (spice_pos(k, NAIF_SUN, NAIF_MOON, SPICE_FRAME_IAU_MOON, et, p, &e) != LP_OK) {
            fprintf(stderr, "lpmap spice: %s\n", e.message);
            return EXIT_FAILED;
        }
        sum += p[0];
    }
    clock_gettime(CLOCK_MONOTONIC, &f);
    double secs = (double)(f.tv_sec - s.tv_sec) + 1e-9 * (double)(f.tv_nsec - s.tv_nsec);
    printf("spice bench: %ld spice_pos(SUN rel MOON, IAU_MOON) in %.3f s (%.3f us/query, "
           "checksum %.6e)\n",
           n, secs, 1e6 * secs / (double)n, sum);
    return 0;
}

int cmd_spice(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(help_text, stdout);
            return 0;
        }
    if (argc < 2)
        return cli_usage_error("spice", "missing command (info, pos, et, xform)");
    const char *sub = argv[1];
    if (strcmp(sub, "info") && strcmp(sub, "pos") && strcmp(sub, "et") && strcmp(sub, "xform") &&
        strcmp(sub, "bench"))
        return cli_usage_error("spice", "unknown command '%s' (info, pos, et, xform)", sub);
    spice_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    cli_set_verbosity(o.verbose, o.quiet);
    if (o.positional && strcmp(sub, "et") != 0)
        return cli_usage_error("spice", "unexpected argument '%s'", o.positional);
    /* check usage before loading kernels */
    int target = 0, observer = 0;
    spice_frame frame = SPICE_FRAME_J2000, from = SPICE_FRAME_J2000, to = SPICE_FRAME_J2000;
    if (!strcmp(sub, "pos") && ((rc = get_body(o.target, "target", &target)) ||
                                (rc = get_body(o.observer, "observer", &observer)) ||
                                (rc = get_frame(o.frame, "frame", &frame))))
        return rc;
    if (!strcmp(sub, "xform") &&
        ((rc = get_frame(o.from, "from", &from)) || (rc = get_frame(o.to, "to", &to))))
        return rc;
    if (!strcmp(sub, "et") && !o.positional && !o.utc)
        return cli_usage_error("spice", "et needs a UTC time");
    spice_kernels *k = load(&o, &rc);
    if (!k)
        return rc;
    lp_error e;
    rc = 0;
    if (!strcmp(sub, "info")) {
        char *text = NULL;
        if (spice_describe(k, &text, &e) != LP_OK) {
            fprintf(stderr, "lpmap spice: %s\n", e.message);
            rc = EXIT_FAILED;
        } else {
            fputs(text, stdout);
            free(text);
        }
    } else if (!strcmp(sub, "et")) {
        double et;
        const char *utc = o.positional ? o.positional : o.utc;
        lp_status st = spice_utc_to_et(k, utc, &et, &e);
        if (st != LP_OK) {
            fprintf(stderr, "lpmap spice: %s\n", e.message);
            rc = (st == LP_ERR_FORMAT || st == LP_ERR_RANGE) ? EXIT_USAGE : EXIT_FAILED;
        } else
            printf("%.6f\n", et);
    } else if (!strcmp(sub, "pos")) {
        double et, p[3];
        if ((rc = get_et(&o, k, &et)) == 0) {
            if (spice_pos(k, target, observer, frame, et, p, &e) != LP_OK) {
                fprintf(stderr, "lpmap spice: %s\n", e.message);
                rc = EXIT_FAILED;
            } else
                printf("%.9f %.9f %.9f\n", p[0], p[1], p[2]);
        }
    } else if (!strcmp(sub, "xform")) {
        double et, m[3][3];
        if ((rc = get_et(&o, k, &et)) == 0) {
            if (spice_xform(k, from, to, et, m, &e) != LP_OK) {
                fprintf(stderr, "lpmap spice: %s\n", e.message);
                rc = EXIT_FAILED;
            } else
                for (int i = 0; i < 3; i++)
                    printf("%.15f %.15f %.15f\n", m[i][0], m[i][1], m[i][2]);
        }
    } else {
        rc = run_bench(&o, k);
    }
    spice_free(k);
    return rc;
}
