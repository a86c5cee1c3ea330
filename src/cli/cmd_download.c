/* lpmap download (docs/download.md, docs/formats.md §6): fetch the ER archive, the
 * theta and attitude tables and the SPICE kernels into DATA_DIR with
 * parallel, resumable, retried and verified transfers; progress on stderr,
 * a summary, exit 1 if anything failed. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "core/cancel.h"
#include "core/log.h"
#include "download/download.h"

static const char *const HELP =
    "usage: lpmap download [OPTIONS]\n"
    "\n"
    "Fetch the real Lunar Prospector archive into DATA_DIR (layout of docs/formats.md §1):\n"
    "  er        ER 3-D flux files  -> DATA_DIR/YYYY/DDD_DDDMON/3DYYMMDD.TAB\n"
    "  theta     channel elevations -> DATA_DIR/theta.tab\n"
    "  attitude  spin-axis table    -> DATA_DIR/attitude.tab\n"
    "  kernels   SPICE kernels      -> DATA_DIR/spice_kernels/ (SHA-1 checked)\n"
    "Transfers run in parallel, resume partial files (NAME.part) with HTTP Range,\n"
    "check the size (and SHA-1 where known) before renaming into place, retry 429/5xx\n"
    "and network errors with exponential back-off (honouring Retry-After), and skip\n"
    "files already complete.\n"
    "\n"
    "  --what LIST           comma-separated: er,kernels,attitude,theta (default: all)\n"
    "  --year Y --month M --day D   ER date filter (month and day optional)\n"
    "  --data-dir DIR        destination root (default: data, or $LPMAP_DATA_DIR)\n"
    "  --jobs N              parallel transfers (default 8)\n"
    "  --retries N           retries per file after the first attempt (default 5)\n"
    "  --retry-delay S       first back-off wait in seconds, doubled each retry (default 2)\n"
    "  --sha1-file FILE      'SHA1  NAME' lines (sha1sum format) adding or overriding sums\n"
    "  --dry-run             list what would be fetched, fetch nothing\n"
    "  --base-url-er URL     default " DL_DEFAULT_BASE_ER "\n"
    "                        (ER tree under data-3deleflux/, theta under\n"
    "                        data-3deleflux-anc/theta/theta.tab)\n"
    "  --base-url-naif URL   default " DL_DEFAULT_BASE_NAIF "\n"
    "                        (LPM/kernels/spk/, generic_kernels/lsk/, generic_kernels/pck/)\n"
    "  --base-url-geo URL    default " DL_DEFAULT_BASE_GEO "\n"
    "                        (lunar/prospectorcd/lp_0019/geometry/attitude.tab,\n"
    "                        missions/lunarp/spice/lpephemu.bsp)\n"
    "  -q, --quiet           only warnings and errors\n"
    "  -v, --verbose         debug logging (one line per file)\n"
    "  -h, --help            this help\n"
    "\n"
    "exit codes: 0 every file present and verified, 1 a file failed (listed), 2 usage error.\n";

enum {
    OPT_WHAT = 256,
    OPT_YEAR,
    OPT_MONTH,
    OPT_DAY,
    OPT_DATA_DIR,
    OPT_JOBS,
    OPT_RETRIES,
    OPT_RETRY_DELAY,
    OPT_SHA1_FILE,
    OPT_DRY_RUN,
    OPT_BASE_ER,
    OPT_BASE_NAIF,
    OPT_BASE_GEO
};

typedef struct {
    int tty;
    double last_line;
} progress_state;

static void show_progress(const fetch_progress *p, void *ctx)
{
    progress_state *ps = ctx;
    double mb = (double)p->bytes_received / 1e6;
    double rate = p->elapsed_s > 0 ? mb / p->elapsed_s : 0;
    if (ps->tty) {
        int width = 30,
            fill = p->files_total ? (int)(width * p->files_finished / p->files_total) : 0;
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r\033[K[%s] %zu/%zu files, %.1f MB, %.1f MB/s%s", bar, p->files_finished,
                p->files_total, mb, rate, p->files_failed ? " (some failed)" : "");
        if (p->files_finished == p->files_total)
            fputc('\n', stderr);
    } else if (p->elapsed_s - ps->last_line >= 10 || p->files_finished == p->files_total) {
        if (log_get_level() <= LOG_INFO)
            fprintf(stderr, "lpmap download: %zu/%zu files, %.1f MB received, %.1f MB/s\n",
                    p->files_finished, p->files_total, mb, rate);
        ps->last_line = p->elapsed_s;
    }
}

int cmd_download(int argc, char **argv)
{
    static const struct option longopts[] = {{"what", required_argument, 0, OPT_WHAT},
                                             {"year", required_argument, 0, OPT_YEAR},
                                             {"month", required_argument, 0, OPT_MONTH},
                                             {"day", required_argument, 0, OPT_DAY},
                                             {"data-dir", required_argument, 0, OPT_DATA_DIR},
                                             {"jobs", required_argument, 0, OPT_JOBS},
                                             {"retries", required_argument, 0, OPT_RETRIES},
                                             {"retry-delay", required_argument, 0, OPT_RETRY_DELAY},
                                             {"sha1-file", required_argument, 0, OPT_SHA1_FILE},
                                             {"dry-run", no_argument, 0, OPT_DRY_RUN},
                                             {"base-url-er", required_argument, 0, OPT_BASE_ER},
                                             {"base-url-naif", required_argument, 0, OPT_BASE_NAIF},
                                             {"base-url-geo", required_argument, 0, OPT_BASE_GEO},
                                             {"quiet", no_argument, 0, 'q'},
                                             {"verbose", no_argument, 0, 'v'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};
    download_options o;
    download_options_init(&o);
    const char *env_dir = getenv("LPMAP_DATA_DIR");
    if (env_dir && *env_dir)
        o.data_dir = env_dir;
    int verbose = 0, quiet = 0, dry_run = 0, retries_set = 0, c;
    long l;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hvq", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_WHAT:
            o.what = download_parse_what(optarg);
            if (!o.what)
                return cli_usage_error("download",
                                       "invalid --what '%s' (allowed: er, kernels, attitude, "
                                       "theta, comma-separated)",
                                       optarg);
            break;
        case OPT_YEAR:
            if (cli_parse_long("download", "year", optarg, 1998, 1999, &l))
                return EXIT_USAGE;
            o.year = (int)l;
            break;
        case OPT_MONTH:
            if (cli_parse_long("download", "month", optarg, 1, 12, &l))
                return EXIT_USAGE;
            o.month = (int)l;
            break;
        case OPT_DAY:
            if (cli_parse_long("download", "day", optarg, 1, 31, &l))
                return EXIT_USAGE;
            o.day = (int)l;
            break;
        case OPT_DATA_DIR: o.data_dir = optarg; break;
        case OPT_JOBS:
            if (cli_parse_long("download", "jobs", optarg, 1, 64, &l))
                return EXIT_USAGE;
            o.fetch.jobs = (int)l;
            break;
        case OPT_RETRIES:
            if (cli_parse_long("download", "retries", optarg, 0, 100, &l))
                return EXIT_USAGE;
            o.fetch.retries = (int)l;
            retries_set = 1;
            break;
        case OPT_RETRY_DELAY:
            if (cli_parse_double("download", "retry-delay", optarg, 0, 3600, &o.fetch.retry_base_s))
                return EXIT_USAGE;
            break;
        case OPT_SHA1_FILE: o.sha1_file = optarg; break;
        case OPT_DRY_RUN: dry_run = 1; break;
        case OPT_BASE_ER: o.base_er = optarg; break;
        case OPT_BASE_NAIF: o.base_naif = optarg; break;
        case OPT_BASE_GEO: o.base_geo = optarg; break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': fputs(HELP, stdout); return 0;
        default:
            return cli_usage_error("download", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("download", "unexpected argument '%s'", argv[optind]);
    if (o.day && !o.month)
        return cli_usage_error("download", "--day needs --month");
    if (o.month && !o.year)
        return cli_usage_error("download", "--month needs --year");
    cli_set_verbosity(verbose, quiet);
    if (cli_check_date("download", o.year, o.month, o.day))
        return EXIT_USAGE;
    if (!fetch_available())
        return cli_fail("download", "%s", fetch_enable_hint());
    if (dry_run && !retries_set) {
        /* A dry run answers at once: offline, the first index page that
         * cannot be fetched is the answer, not minutes of retries. */
        o.fetch.retries = 0;
        if (o.fetch.connect_timeout_s > 10)
            o.fetch.connect_timeout_s = 10;
    }
    cancel_install_handlers();

    lp_error err = {0};
    fetch_job *jobs = NULL;
    size_t n = 0;
    if ((o.what & DL_ER) && !o.year)
        log_info("download: no --year: fetching the whole ER archive (~560 files, ~12 GB)");
    if (download_plan(&o, &jobs, &n, &err) != LP_OK) {
        if (cancel_requested()) {
            cli_fail("download", "interrupted");
            return cli_exit_cancelled();
        }
        return cli_fail("download", "%s%s", err.message,
                        dry_run ? " (dry run: the file lists come from the archive's index pages, "
                                  "which need the network)"
                                : "");
    }
    if (n == 0) {
        log_warn("download: nothing matched the request");
        return 0;
    }
    if (dry_run) {
        for (size_t i = 0; i < n; i++)
            printf("%s -> %s%s%s\n", jobs[i].url, jobs[i].dest, jobs[i].sha1[0] ? "  sha1 " : "",
                   jobs[i].sha1);
        download_jobs_free(jobs, n);
        return 0;
    }
    log_info("download: %zu files into %s with %d parallel transfers", n, o.data_dir, o.fetch.jobs);
    progress_state ps = {isatty(fileno(stderr)) && !quiet, -1e9};
    o.fetch.progress = show_progress;
    o.fetch.progress_ctx = &ps;
    lp_status s = fetch_run(jobs, n, &o.fetch, &err);
    size_t downloaded = 0, skipped = 0, failed = 0;
    unsigned long long bytes = 0;
    for (size_t i = 0; i < n; i++) {
        downloaded += jobs[i].state == FETCH_DOWNLOADED;
        skipped += jobs[i].state == FETCH_SKIPPED;
        failed += jobs[i].state == FETCH_FAILED;
        if (jobs[i].state == FETCH_DOWNLOADED)
            bytes += jobs[i].bytes;
    }
    fprintf(stderr,
            "lpmap download: %zu downloaded (%.1f MB), %zu already complete, %zu failed, of "
            "%zu files\n",
            downloaded, bytes / 1e6, skipped, failed, n);
    for (size_t i = 0; i < n; i++)
        if (jobs[i].state == FETCH_FAILED)
            fprintf(stderr, "  FAILED %s: %s\n", jobs[i].url, jobs[i].message);
    download_jobs_free(jobs, n);
    if (s == LP_ERR_CANCELLED) {
        cli_fail("download", "interrupted; partial files are kept as *.part and resumed next time");
        return cli_exit_cancelled(); /* 130 SIGINT, 143 SIGTERM */
    }
    return s == LP_OK ? 0 : EXIT_FAILED;
}
