/* ER file discovery (docs/formats.md §1): recursive, symlinks followed (with a
 * loop guard), date filter from the name 3DYYMMDD.TAB, sorted by date. */
#include "io/discover.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"

typedef struct {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct {
    er_file_list *list;
    size_t cap;
    int year, month, day;
    dir_id *seen;
    size_t n_seen, cap_seen;
    dir_id *ino;    /* device and inode of each listed file */
    char **pending; /* symlinked folders, walked after the real tree */
    size_t n_pending, cap_pending;
} walk_state;

/* 3DYYMMDD.TAB (case-insensitive) → date; 0 if the name is not an ER file. */
static int parse_er_name(const char *name, int *y, int *m, int *d)
{
    if (strlen(name) != 12 || toupper((unsigned char)name[0]) != '3' ||
        toupper((unsigned char)name[1]) != 'D' || name[8] != '.' ||
        strcasecmp(name + 9, "TAB") != 0)
        return 0;
    for (int i = 2; i < 8; i++)
        if (!isdigit((unsigned char)name[i]))
            return 0;
    int yy = (name[2] - '0') * 10 + (name[3] - '0');
    *y = yy >= 50 ? 1900 + yy : 2000 + yy;
    *m = (name[4] - '0') * 10 + (name[5] - '0');
    *d = (name[6] - '0') * 10 + (name[7] - '0');
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* Remember a folder by device and inode; 1 if it was already seen. */
static int seen_before(walk_state *ws, const struct stat *st, lp_status *rc, lp_error *err)
{
    for (size_t i = 0; i < ws->n_seen; i++)
        if (ws->seen[i].dev == st->st_dev && ws->seen[i].ino == st->st_ino)
            return 1; /* symlink loop or second path to the same folder */
    if (ws->n_seen == ws->cap_seen) {
        size_t cap = ws->cap_seen ? ws->cap_seen * 2 : 64;
        dir_id *n = realloc(ws->seen, cap * sizeof *n);
        if (!n) {
            *rc = lp_error_set(err, LP_ERR_NOMEM, "out of memory walking the data folder");
            return 1;
        }
        ws->seen = n;
        ws->cap_seen = cap;
    }
    ws->seen[ws->n_seen++] = (dir_id){st->st_dev, st->st_ino};
    return 0;
}

static int push_pending(walk_state *ws, char *path)
{
    if (ws->n_pending == ws->cap_pending) {
        size_t cap = ws->cap_pending ? ws->cap_pending * 2 : 16;
        char **n = realloc(ws->pending, cap * sizeof *n);
        if (!n)
            return -1;
        ws->pending = n;
        ws->cap_pending = cap;
    }
    ws->pending[ws->n_pending++] = path;
    return 0;
}

static lp_status add_file(walk_state *ws, char *path, const char *name, const struct stat *st,
                          lp_error *err)
{
    int y, m, dd;
    if (!parse_er_name(name, &y, &m, &dd) || (ws->year && y != ws->year) ||
        (ws->month && m != ws->month) || (ws->day && dd != ws->day)) {
        free(path);
        return LP_OK;
    }
    if (ws->list->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 64;
        er_file *n = realloc(ws->list->files, cap * sizeof *n);
        if (n)
            ws->list->files = n;
        dir_id *ni = n ? realloc(ws->ino, cap * sizeof *ni) : NULL;
        if (!ni) {
            free(path);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory listing ER files");
        }
        ws->ino = ni;
        ws->cap = cap;
    }
    ws->list->files[ws->list->n] = (er_file){path, y, m, dd, (long long)st->st_size};
    ws->ino[ws->list->n] = (dir_id){st->st_dev, st->st_ino};
    ws->list->n++;
    return LP_OK;
}

/* Walk one folder in name order. Real subfolders are entered at once;
 * symlinked ones wait until every real folder has been seen, so a folder
 * reachable both ways is listed under its real path. */
static lp_status walk(walk_state *ws, const char *dir, int depth, lp_error *err)
{
    if (depth > 64)
        return LP_OK;
    struct stat st;
    if (stat(dir, &st) != 0)
        return LP_OK;
    lp_status rc = LP_OK;
    if (seen_before(ws, &st, &rc, err))
        return rc;
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        log_warn("cannot list %s: %s (skipped)", dir, strerror(errno));
        return LP_OK;
    }
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        if (rc != LP_OK || name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(name) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = lp_error_set(err, LP_ERR_NOMEM, "out of memory walking %s", dir);
            continue;
        }
        snprintf(path, len, "%s/%s", dir, name);
        struct stat lst;
        if (lstat(path, &lst) != 0 || stat(path, &st) != 0) { /* dangling link */
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (S_ISLNK(lst.st_mode)) {
                if (push_pending(ws, path)) {
                    free(path);
                    rc = lp_error_set(err, LP_ERR_NOMEM, "out of memory walking %s", dir);
                }
                continue;
            }
            rc = walk(ws, path, depth + 1, err);
            free(path);
        } else if (S_ISREG(st.st_mode)) {
            rc = add_file(ws, path, name, &st, err);
        } else {
            free(path);
        }
    }
    for (int i = 0; i < n; i++)
        free(ents[i]);
    free(ents);
    return rc;
}

static int by_date(const void *a, const void *b)
{
    const er_file *x = a, *y = b;
    long kx = x->year * 10000L + x->month * 100 + x->day;
    long ky = y->year * 10000L + y->month * 100 + y->day;
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Sort by date then path. Two names for one file (a symlinked day) would
 * read its rows twice: the first name in that order is kept. */
typedef struct {
    er_file f; /* first member: by_date sees an er_file */
    dir_id id;
} listed_file;

static lp_status sort_and_dedupe(er_file_list *out, const dir_id *ino, lp_error *err)
{
    listed_file *tmp = malloc(out->n * sizeof *tmp);
    if (!tmp)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory sorting ER files");
    for (size_t i = 0; i < out->n; i++)
        tmp[i] = (listed_file){out->files[i], ino[i]};
    qsort(tmp, out->n, sizeof *tmp, by_date);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = tmp[j].id.dev == tmp[i].id.dev && tmp[j].id.ino == tmp[i].id.ino;
        if (dup) {
            log_warn("%s is the same file as one listed before; read once", tmp[i].f.path);
            free(tmp[i].f.path);
            continue;
        }
        out->files[k++] = tmp[i].f;
    }
    out->n = k;
    free(tmp);
    return LP_OK;
}

lp_status er_discover(const char *data_dir, int year, int month, int day, er_file_list *out,
                      lp_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(data_dir, &st) != 0)
        return lp_error_set(err, LP_ERR_IO, "data folder %s: %s", data_dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return lp_error_set(err, LP_ERR_IO, "data folder %s is not a folder", data_dir);
    walk_state ws = {.list = out, .year = year, .month = month, .day = day};
    lp_status rc = walk(&ws, data_dir, 0, err);
    for (size_t i = 0; i < ws.n_pending; i++) { /* may grow while we walk */
        if (rc == LP_OK)
            rc = walk(&ws, ws.pending[i], 1, err);
        free(ws.pending[i]);
    }
    free(ws.pending);
    free(ws.seen);
    if (rc == LP_OK && out->n > 1)
        rc = sort_and_dedupe(out, ws.ino, err);
    free(ws.ino);
    if (rc != LP_OK)
        er_file_list_free(out);
    return rc;
}

void er_file_list_free(er_file_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->files[i].path);
    free(list->files);
    memset(list, 0, sizeof *list);
}

void er_file_list_keep_range(er_file_list *list, int start_ymd, int end_ymd)
{
    size_t k = 0;
    for (size_t i = 0; i < list->n; i++) {
        er_file *f = &list->files[i];
        int ymd = f->year * 10000 + f->month * 100 + f->day;
        if (ymd >= start_ymd && ymd <= end_ymd)
            list->files[k++] = *f;
        else
            free(f->path);
    }
    list->n = k;
}
