/* Planning of `lpmap download` (docs/formats.md §6): builds fetch jobs for the
 * kernels (with the SHA-1 table of docs/formats.md §4, overridable from a
 * file), the theta and attitude tables, and the ER files found by walking
 * the archive's HTML index pages with the date filter applied to folder
 * day ranges and file names (docs/formats.md §1 layout). */
#include "download/download.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/calendar.h"
#include "core/log.h"
#include "download/html_index.h"

static const struct {
    const char *name, *sha1;
    int where; /* 0: NAIF LPM spk, 1: NAIF lsk, 2: NAIF pck, 3: GEO spice */
} KERNELS[] = {
    {"latest_leapseconds.tls", "09d4bd44f3f72e01d02bc6df06b5db1a6a877351", 1},
    {"lp_ask_980111-980531.bsp", "9d0f6633d6a6c3eefb7e070a4cafb47bab3ecacb", 0},
    {"lp_ask_980601-981031.bsp", "7280d34c39c0efd7e2961b3ecf2f067c11382e0f", 0},
    {"lp_ask_981101-990331.bsp", "b3b3b09738875fd630d2611f174f36cb3b2586df", 0},
    {"lp_ask_990401-990730.bsp", "d0d1e3d67ab8f2640a288eed8f452e4895503b0d", 0},
    {"lpephemu.bsp", "1eece70640f2d1a2e5c7ad318a15af815819077f", 3},
    {"pck00011.tpc", "5a224831c6b765d15e078cc7d8ceeab03a63d450", 2},
};
#define N_KERNELS (sizeof KERNELS / sizeof KERNELS[0])

void download_options_init(download_options *o)
{
    memset(o, 0, sizeof *o);
    o->data_dir = "data";
    o->what = DL_ALL;
    o->base_er = DL_DEFAULT_BASE_ER;
    o->base_naif = DL_DEFAULT_BASE_NAIF;
    o->base_geo = DL_DEFAULT_BASE_GEO;
    fetch_options_init(&o->fetch);
}

unsigned download_parse_what(const char *list)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"er", DL_ER},
                 {"kernels", DL_KERNELS},
                 {"attitude", DL_ATTITUDE},
                 {"theta", DL_THETA},
                 {"all", DL_ALL}};
    unsigned bits = 0;
    const char *p = list;
    if (!*p)
        return 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == n && !strncmp(p, names[k].name, n))
                bit = names[k].bit;
        if (!bit)
            return 0;
        bits |= bit;
        p += n;
        if (*p == ',')
            p++;
    }
    return bits;
}

const char *download_known_sha1(const char *name)
{
    for (size_t k = 0; k < N_KERNELS; k++)
        if (!strcmp(KERNELS[k].name, name))
            return KERNELS[k].sha1;
    return NULL;
}

int download_er_name_matches(const char *name, int year, int month, int day)
{
    /* 3DYYMMDD.TAB */
    if (strlen(name) != 12 || toupper((unsigned char)name[0]) != '3' ||
        toupper((unsigned char)name[1]) != 'D' || strcasecmp(name + 8, ".TAB"))
        return 0;
    for (int i = 2; i < 8; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    int yy = (name[2] - '0') * 10 + (name[3] - '0');
    int mm = (name[4] - '0') * 10 + (name[5] - '0');
    int dd = (name[6] - '0') * 10 + (name[7] - '0');
    int y = yy >= 50 ? 1900 + yy : 2000 + yy;
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
        return 0;
    return (!year || y == year) && (!month || mm == month) && (!day || dd == day);
}

int download_folder_may_match(const char *folder, int year, int month, int day)
{
    if (!year || !month)
        return 1;
    int a, b;
    char c1, c2;
    if (sscanf(folder, "%3d%c%3d%c", &a, &c1, &b, &c2) != 4 || c1 != '_' || a < 1 || b < a ||
        !isdigit((unsigned char)folder[0]) || !isdigit((unsigned char)folder[4]))
        return 1;
    int lo = calendar_day_of_year(year, month, day ? day : 1);
    int hi = calendar_day_of_year(year, month, day ? day : calendar_days_in_month(year, month));
    return !(b < lo || a > hi);
}

/* base + "/" + rel without doubled slashes. */
static char *url_join(const char *base, const char *rel)
{
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    while (*rel == '/')
        rel++;
    char *u = malloc(bl + strlen(rel) + 2);
    if (u)
        sprintf(u, "%.*s/%s", (int)bl, base, rel);
    return u;
}

typedef struct {
    fetch_job *jobs;
    size_t n, cap;
} job_list;

static lp_status add_job(job_list *l, const char *url, const char *dest, const char *sha1,
                         lp_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        fetch_job *g = realloc(l->jobs, cap * sizeof *g);
        if (!g)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        l->jobs = g;
        l->cap = cap;
    }
    fetch_job *j = &l->jobs[l->n];
    memset(j, 0, sizeof *j);
    j->url = strdup(url);
    j->dest = strdup(dest);
    if (!j->url || !j->dest) {
        free(j->url);
        free(j->dest);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    if (sha1)
        snprintf(j->sha1, sizeof j->sha1, "%s", sha1);
    l->n++;
    return LP_OK;
}

void download_jobs_free(fetch_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].url);
        free(jobs[i].dest);
    }
    free(jobs);
}

static lp_status list_children(const char *url, const download_options *o, char ***names, size_t *n,
                               lp_error *err)
{
    char *html;
    size_t len;
    lp_status s = fetch_to_memory(url, &o->fetch, &html, &len, err);
    if (s != LP_OK)
        return lp_error_prefix(err, "listing %s: ", url);
    s = html_index_children(html, len, url, names, n, err);
    free(html);
    return s;
}

static int is_year_folder(const char *name, int year)
{
    if (strlen(name) != 5 || name[4] != '/')
        return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    return !year || atoi(name) == year;
}

static lp_status plan_er(const download_options *o, job_list *l, lp_error *err)
{
    char *root = url_join(o->base_er, "data-3deleflux/");
    if (!root)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    char **years = NULL;
    size_t ny = 0;
    lp_status s = list_children(root, o, &years, &ny, err);
    size_t found_years = 0;
    for (size_t iy = 0; s == LP_OK && iy < ny; iy++) {
        if (!is_year_folder(years[iy], o->year))
            continue;
        found_years++;
        char *yurl = url_join(root, years[iy]);
        char **folders = NULL;
        size_t nf = 0;
        if (!yurl) {
            s = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            break;
        }
        s = list_children(yurl, o, &folders, &nf, err);
        for (size_t k = 0; s == LP_OK && k < nf; k++) {
            size_t fl = strlen(folders[k]);
            if (folders[k][fl - 1] != '/' ||
                !download_folder_may_match(folders[k], o->year, o->month, o->day))
                continue;
            char *furl = url_join(yurl, folders[k]);
            char **files = NULL;
            size_t nfi = 0;
            if (!furl) {
                s = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                break;
            }
            s = list_children(furl, o, &files, &nfi, err);
            for (size_t f = 0; s == LP_OK && f < nfi; f++) {
                if (!download_er_name_matches(files[f], o->year, o->month, o->day))
                    continue;
                char *furl2 = url_join(furl, files[f]);
                char dest[4096];
                int w = snprintf(dest, sizeof dest, "%s/%.4s/%.*s/%s", o->data_dir, years[iy],
                                 (int)(fl - 1), folders[k], files[f]);
                if (!furl2 || w >= (int)sizeof dest)
                    s = lp_error_set(err, LP_ERR_NOMEM, "out of memory or path too long");
                else
                    s = add_job(l, furl2, dest, NULL, err);
                free(furl2);
            }
            html_index_free(files, nfi);
            free(furl);
        }
        html_index_free(folders, nf);
        free(yurl);
    }
    if (s == LP_OK && found_years == 0) {
        if (o->year)
            log_warn("no folder for year %d at %s", o->year, root);
        else
            log_warn("no year folders at %s", root);
    }
    html_index_free(years, ny);
    free(root);
    return s;
}

/* Apply "HEX  NAME" lines (sha1sum output; '*' before NAME allowed). */
static lp_status apply_sha1_file(const char *path, job_list *l, lp_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open --sha1-file %s: %s", path,
                            strerror(errno));
    char line[1024];
    int lineno = 0;
    lp_status s = LP_OK;
    while (s == LP_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        char hex[41];
        int ok = 1;
        for (int i = 0; i < 40; i++) {
            if (!isxdigit((unsigned char)p[i])) {
                ok = 0;
                break;
            }
            hex[i] = (char)tolower((unsigned char)p[i]);
        }
        hex[40] = '\0';
        char *name = p + 40;
        if (!ok || !isspace((unsigned char)*name)) {
            s = lp_error_set(err, LP_ERR_FORMAT, "%s:%d: expected '<40 hex digits>  <file name>'",
                             path, lineno);
            break;
        }
        while (isspace((unsigned char)*name) || *name == '*')
            name++;
        name[strcspn(name, "\r\n")] = '\0';
        const char *slash = strrchr(name, '/');
        if (slash)
            name = (char *)slash + 1;
        for (size_t i = 0; i < l->n; i++) {
            const char *b = strrchr(l->jobs[i].dest, '/');
            if (!strcmp(b ? b + 1 : l->jobs[i].dest, name))
                memcpy(l->jobs[i].sha1, hex, 41);
        }
    }
    fclose(f);
    return s;
}

lp_status download_plan(const download_options *o, fetch_job **jobs, size_t *n, lp_error *err)
{
    job_list l = {0};
    lp_status s = LP_OK;
    char dest[4096], *url = NULL;
    if (o->what & DL_KERNELS) {
        static const char *const dirs[] = {"LPM/kernels/spk/", "generic_kernels/lsk/",
                                           "generic_kernels/pck/", "missions/lunarp/spice/"};
        for (size_t k = 0; s == LP_OK && k < N_KERNELS; k++) {
            const char *base = KERNELS[k].where == 3 ? o->base_geo : o->base_naif;
            char rel[256];
            snprintf(rel, sizeof rel, "%s%s", dirs[KERNELS[k].where], KERNELS[k].name);
            url = url_join(base, rel);
            snprintf(dest, sizeof dest, "%s/spice_kernels/%s", o->data_dir, KERNELS[k].name);
            s = url ? add_job(&l, url, dest, KERNELS[k].sha1, err)
                    : lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            free(url);
        }
    }
    if (s == LP_OK && (o->what & DL_THETA)) {
        url = url_join(o->base_er, "data-3deleflux-anc/theta/theta.tab");
        snprintf(dest, sizeof dest, "%s/theta.tab", o->data_dir);
        s = url ? add_job(&l, url, dest, NULL, err)
                : lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        free(url);
    }
    if (s == LP_OK && (o->what & DL_ATTITUDE)) {
        url = url_join(o->base_geo, "lunar/prospectorcd/lp_0019/geometry/attitude.tab");
        snprintf(dest, sizeof dest, "%s/attitude.tab", o->data_dir);
        s = url ? add_job(&l, url, dest, NULL, err)
                : lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        free(url);
    }
    if (s == LP_OK && (o->what & DL_ER))
        s = plan_er(o, &l, err);
    if (s == LP_OK && o->sha1_file)
        s = apply_sha1_file(o->sha1_file, &l, err);
    if (s != LP_OK) {
        download_jobs_free(l.jobs, l.n);
        *jobs = NULL;
        *n = 0;
        return s;
    }
    *jobs = l.jobs;
    *n = l.n;
    return LP_OK;
}
