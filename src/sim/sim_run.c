/* `lpmap simulate` driver (see sim_run.h): folder checks, tables and
 * kernels, then day by day: sweeps generated and formatted in parallel
 * (OpenMP; each sweep depends only on (seed, sweep index)), written in
 * order to a temporary file renamed into place. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/calendar.h"
#include "core/cancel.h"
#include "core/log.h"
#include "sim/sim_mission.h"
#include "sim/sim_plasma.h"
#include "sim/sim_run.h"
#include "sim/sim_sweep.h"
#include "sim/sim_writers.h"
#include "spice/lsk_standard.h"

#define ROW_TEXT_MAX 2048         /* one ER row is ~1,700 characters */
#define SWEEP_INDEX_STRIDE 100000 /* sweep index = unix day * stride + sweep of day */

void sim_options_init(sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->year = 1998;
    o->month = 4;
    o->day = 1;
    o->days = 30;
    o->seed = 42;
    o->sweeps_per_day = 1080;
}

void sim_er_folder(int year, int month, char *buf, size_t size)
{
    snprintf(buf, size, "%04d/%03d_%03d%s", year, calendar_day_of_year(year, month, 1),
             calendar_day_of_year(year, month, calendar_days_in_month(year, month)),
             calendar_month_abbrev(month));
}

void sim_er_name(int year, int month, int day, char *buf, size_t size)
{
    snprintf(buf, size, "3D%02d%02d%02d.TAB", year % 100, month, day);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* mkdir -p */
static lp_status make_dirs(const char *path, lp_error *err)
{
    char buf[4096];
    if (strlen(path) >= sizeof buf)
        return lp_error_set(err, LP_ERR_USAGE, "path too long: %s", path);
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return lp_error_set(err, LP_ERR_IO, "cannot create folder %s: %s", buf,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return lp_error_set(err, LP_ERR_IO, "cannot create folder %s: %s", buf, strerror(errno));
    struct stat sb;
    if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(err, LP_ERR_IO, "%s exists and is not a folder", buf);
    return LP_OK;
}

/* 1 when path is an existing folder holding anything, 0 otherwise; -1 when
 * it exists and is not a folder. */
static int folder_not_empty(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0;
    if (!S_ISDIR(sb.st_mode))
        return -1;
    DIR *d = opendir(path);
    if (!d)
        return 1;
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            found = 1;
            break;
        }
    closedir(d);
    return found;
}

static lp_status validate(const sim_options *o, lp_error *err)
{
    if (!o->out_dir || !*o->out_dir)
        return lp_error_set(err, LP_ERR_USAGE, "an output folder (--out DIR) is required");
    if (strlen(o->out_dir) > 3000)
        return lp_error_set(err, LP_ERR_USAGE, "output folder name too long");
    if (o->year < 1972 || o->year > 2099 || o->month < 1 || o->month > 12 || o->day < 1)
        return lp_error_set(err, LP_ERR_USAGE, "start date out of range (1972..2099)");
    int y, m, d;
    calendar_date_from_1970(calendar_days_from_1970(o->year, o->month, o->day), &y, &m, &d);
    if (y != o->year || m != o->month || d != o->day)
        return lp_error_set(err, LP_ERR_USAGE, "no such date: %04d-%02d-%02d", o->year, o->month,
                            o->day);
    if (o->days < 1 || o->days > 1000)
        return lp_error_set(err, LP_ERR_USAGE, "--days must be 1..1000 (got %d)", o->days);
    if (!sim_plasma_kind_name(o->plasma))
        return lp_error_set(err, LP_ERR_USAGE, "unknown plasma kind %d", o->plasma);
    if (o->sweeps_per_day < 1 || o->sweeps_per_day > 4320)
        return lp_error_set(err, LP_ERR_USAGE, "--sweeps-per-day must be 1..4320 (got %d)",
                            o->sweeps_per_day);
    return LP_OK;
}

static lp_status write_tables_and_kernels(const sim_options *o, double unix_start, double unix_end,
                                          const double theta[LP_N_CHANNELS], sim_attitude *att,
                                          lp_error *err)
{
    char path[4400], kdir[4096];
    snprintf(path, sizeof path, "%s/theta.tab", o->out_dir);
    lp_status st = sim_write_theta(path, theta, err);
    if (st)
        return st;
    snprintf(path, sizeof path, "%s/attitude.tab", o->out_dir);
    if ((st = sim_write_attitude(path, att, err)))
        return st;
    snprintf(kdir, sizeof kdir, "%s/spice_kernels", o->out_dir);
    if ((st = make_dirs(kdir, err)))
        return st;
    snprintf(path, sizeof path, "%s/sim_leapseconds.tls", kdir);
    if ((st = spice_write_standard_lsk(path, err)))
        return st;
    snprintf(path, sizeof path, "%s/sim_moon_pck00011.tpc", kdir);
    if ((st = sim_write_pck(path, err)))
        return st;
    /* whole days of coverage with two spare days each side */
    double et0 = floor(sim_et_from_unix(unix_start - 2 * 86400.0));
    double et1 = et0 + (floor((unix_end - unix_start) / 86400.0) + 4.0) * 86400.0;
    snprintf(path, sizeof path, "%s/sim_ephemeris.bsp", kdir);
    if ((st = sim_write_spk_planets(path, et0, et1, err)))
        return st;
    snprintf(path, sizeof path, "%s/sim_lp_orbit.bsp", kdir);
    return sim_write_spk_lp(path, et0, et1, err);
}

/* simulation.json: what was simulated, for people and the comparison (a
 * real mission has no such file, so `batch` never reads it). */
static lp_status write_metadata(const sim_options *o, lp_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/simulation.json", o->out_dir);
    sim_file sf;
    lp_status st = sim_file_open(&sf, path, err);
    if (st)
        return st;
    fprintf(sf.f,
            "{\"generator\": \"lpmap simulate\", \"lpmap_version\": \"%s\", "
            "\"plasma\": \"%s\", \"energy_mapping\": \"liouville\", "
            "\"start\": \"%04d-%02d-%02d\", \"days\": %d, \"seed\": %llu, "
            "\"sweeps_per_day\": %d}\n",
            LPMAP_VERSION, sim_plasma_kind_name(o->plasma), o->year, o->month, o->day, o->days,
            (unsigned long long)o->seed, o->sweeps_per_day);
    return sim_file_commit(&sf, err);
}

typedef struct {
    char *text; /* the sweep's rows */
    size_t len;
    sim_truth_row truth;
    int invalid_b;
} day_sweep;

static lp_status write_day(const sim_options *o, const sim_context *ctx, int64_t unix_day,
                           sim_file *truth_file, day_sweep *out, sim_summary *sum, lp_error *err)
{
    int y, m, d;
    calendar_date_from_1970((long)unix_day, &y, &m, &d);
    char folder[64], name[32], dir[4096], path[4200];
    sim_er_folder(y, m, folder, sizeof folder);
    sim_er_name(y, m, d, name, sizeof name);
    snprintf(dir, sizeof dir, "%s/%s", o->out_dir, folder);
    lp_status st = make_dirs(dir, err);
    if (st)
        return st;
    snprintf(path, sizeof path, "%s/%s", dir, name);

    int k = o->sweeps_per_day;
    double cadence = 86400.0 / k; /* 80 s for the default 1,080 */
    double day_start = (double)unix_day * 86400.0;
    int failed = 0;
#pragma omp parallel num_threads(o->threads > 0 ? o->threads : omp_get_max_threads())
    {
        sim_sweep_rows *rows = malloc(sizeof *rows);
        if (!rows) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 8)
        for (int j = 0; j < k; j++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (!rows || stop)
                continue;
            /* whole milliseconds, as printed */
            double unix_s = day_start + 17.0 + rint(cadence * j * 1000.0) / 1000.0;
            uint64_t index = (uint64_t)unix_day * SWEEP_INDEX_STRIDE + (uint64_t)j;
            sim_sweep_generate(ctx, index, unix_s, j + 1, rows, &out[j].truth);
            out[j].invalid_b =
                rows->b_scd[0] == 0.0 && rows->b_scd[1] == 0.0 && rows->b_scd[2] == 0.0;
            out[j].text = malloc((size_t)LP_N_ENERGIES * ROW_TEXT_MAX);
            if (!out[j].text) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            size_t len = 0;
            for (int r = 0; r < LP_N_ENERGIES; r++)
                len += sim_format_er_row(out[j].text + len, rows->utc, rows->unix_s,
                                         rows->energy[r], rows->spec_no, rows->b_scd, rows->flux[r],
                                         rows->flux_fill[r], rows->phi[r], rows->phi_fill[r]);
            out[j].len = len;
        }
        free(rows);
    }
    if (failed)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory while simulating %s", name);

    sim_file sf;
    if ((st = sim_file_open(&sf, path, err)))
        return st;
    char line[1024];
    for (int j = 0; j < k; j++) {
        fwrite(out[j].text, 1, out[j].len, sf.f);
        sum->bytes += (double)out[j].len;
        sim_truth_format(line, sizeof line, &out[j].truth);
        fputs(line, truth_file->f);
        sum->sweeps++;
        sum->rows += LP_N_ENERGIES;
        sum->sweeps_invalid_b += out[j].invalid_b;
        sum->sweeps_footpoint += out[j].truth.polarity != 0;
        sum->sweeps_sunlit += out[j].truth.spacecraft_in_sun;
    }
    if ((st = sim_file_commit(&sf, err)))
        return st;
    sum->files++;
    log_info("simulate: wrote %s/%s (%d sweeps)", folder, name, k);
    return LP_OK;
}

lp_status sim_run(const sim_options *o, sim_summary *sum, lp_error *err)
{
    memset(sum, 0, sizeof *sum);
    lp_status st = validate(o, err);
    if (st)
        return st;
    int state = folder_not_empty(o->out_dir);
    if (state < 0)
        return lp_error_set(err, LP_ERR_USAGE, "%s exists and is not a folder", o->out_dir);
    if (state > 0 && !o->overwrite)
        return lp_error_set(err, LP_ERR_USAGE,
                            "output folder %s is not empty; use --overwrite to replace its files",
                            o->out_dir);
    if ((st = make_dirs(o->out_dir, err)))
        return st;

    double t0 = now_s();
    int64_t day0 = calendar_days_from_1970(o->year, o->month, o->day);
    double unix_start = (double)day0 * 86400.0;
    double unix_end = unix_start + o->days * 86400.0;

    er_instrument inst;
    sim_standard_instrument(&inst);
    sim_attitude att;
    if (sim_attitude_build(o->seed, unix_start - 86400.0, unix_end + 86400.0, &att) != 0)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory for the attitude table");
    /* the simulation interpolates the attitude exactly as printed */
    for (size_t i = 0; i < att.n; i++) {
        att.rpm[i] = rint(att.rpm[i] * 1e3) / 1e3;
        att.ra_deg[i] = rint(att.ra_deg[i] * 1e6) / 1e6;
        att.dec_deg[i] = rint(att.dec_deg[i] * 1e6) / 1e6;
    }
    double *et_store = calloc(att.n, sizeof(double));
    day_sweep *sweeps = calloc((size_t)o->sweeps_per_day, sizeof *sweeps);
    if (!et_store || !sweeps) {
        free(et_store);
        free(sweeps);
        sim_attitude_free(&att);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    attitude_table table;
    sim_attitude_as_table(&att, et_store, &table);

    st = write_tables_and_kernels(o, unix_start, unix_end, inst.theta_deg, &att, err);
    sum->seconds_kernels = now_s() - t0;

    sim_file truth;
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.csv", o->out_dir);
    int truth_open = 0;
    if (!st && !(st = sim_file_open(&truth, path, err))) {
        truth_open = 1;
        fprintf(truth.f, "%s\n", SIM_TRUTH_HEADER);
    }
    sim_context ctx = {o->seed, &inst, &table, o->plasma};
    double t1 = now_s();
    for (int dd = 0; !st && dd < o->days; dd++) {
        if (cancel_requested()) {
            st = lp_error_set(err, LP_ERR_CANCELLED, "interrupted");
            break;
        }
        st = write_day(o, &ctx, day0 + dd, &truth, sweeps, sum, err);
        for (int j = 0; j < o->sweeps_per_day; j++) {
            free(sweeps[j].text);
            sweeps[j].text = NULL;
        }
    }
    sum->seconds_days = now_s() - t1;
    if (truth_open) {
        if (st)
            sim_file_abort(&truth);
        else
            st = sim_file_commit(&truth, err);
    }
    if (!st)
        st = write_metadata(o, err);
    free(sweeps);
    free(et_store);
    sim_attitude_free(&att);
    return st;
}
