/* Test helpers (see test_support.h), including a tiny JSON reader for the
 * golden reference values. */
#include "test_support.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *ts_data_dir(void)
{
    static char path[8192];
    const char *env = getenv("LPMAP_TEST_DATA");
    snprintf(path, sizeof path, "%.4000s", env && *env ? env : LPMAP_TEST_DATA);
    return path;
}

const char *ts_data_path(const char *rel, char *buf)
{
    snprintf(buf, 4096, "%.3000s/%.1000s", ts_data_dir(), rel);
    if (!ts_file_exists(buf)) {
        print_message("MISSING: %s (test data belongs in tests/data of the repository)\n", buf);
        return NULL;
    }
    return buf;
}

const char *ts_mkdtemp(char *buf)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, 4096, "%.4000s/lpmap-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(buf);
}

void ts_rmtree(const char *path)
{
    if (!path || !*path || strlen(path) < 8)
        return;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", path, path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
}

int ts_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

char *ts_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int ts_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int ts_run(const char *cmd, char *out, size_t out_size)
{
    char full[8192];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = 0;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (out && n + 1 < out_size) {
            size_t take = got < out_size - 1 - n ? got : out_size - 1 - n;
            memcpy(out + n, chunk, take);
            n += take;
        }
    }
    if (out && out_size)
        out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *ts_lpmap_bin(void)
{
    const char *env = getenv("LPMAP_BIN");
    return env && *env ? env : LPMAP_BIN;
}

const char *ts_numpy_python(void)
{
    static const char *const candidates[] = {"/usr/bin/python3", "python3", NULL};
    for (int i = 0; candidates[i]; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "%s -c 'import numpy' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0)
            return candidates[i];
    }
    return NULL;
}

int ts_close(double a, double b, double rtol, double atol)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= rtol * scale + atol;
}

/* ---- tiny JSON reader ---- */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } j_type;

struct ts_json {
    j_type type;
    double num;
    char *str;       /* J_STR value */
    int n;           /* children */
    char **keys;     /* J_OBJ keys */
    ts_json **items; /* children */
};

static void j_skip(const char **p)
{
    while (**p && isspace((unsigned char)**p))
        (*p)++;
}

static char *j_string(const char **p)
{
    /* *p at opening quote; handles simple escapes (the golden file is ASCII). */
    (*p)++;
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    while (s && **p && **p != '"') {
        char c = **p;
        if (c == '\\') {
            (*p)++;
            c = **p;
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'u') {
                c = '?';
                for (int k = 0; k < 4 && (*p)[1]; k++)
                    (*p)++;
            }
        }
        if (n + 2 > cap) {
            cap *= 2;
            char *ns = realloc(s, cap);
            if (!ns) {
                free(s);
                return NULL;
            }
            s = ns;
        }
        s[n++] = c;
        (*p)++;
    }
    if (**p == '"')
        (*p)++;
    if (s)
        s[n] = '\0';
    return s;
}

static ts_json *j_parse(const char **p)
{
    j_skip(p);
    ts_json *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    char c = **p;
    if (c == '{' || c == '[') {
        int obj = c == '{';
        v->type = obj ? J_OBJ : J_ARR;
        (*p)++;
        int cap = 0;
        for (;;) {
            j_skip(p);
            if (**p == (obj ? '}' : ']')) {
                (*p)++;
                break;
            }
            char *key = NULL;
            if (obj) {
                key = j_string(p);
                j_skip(p);
                if (**p == ':')
                    (*p)++;
            }
            ts_json *child = j_parse(p);
            if (v->n == cap) {
                cap = cap ? cap * 2 : 8;
                v->items = realloc(v->items, (size_t)cap * sizeof *v->items);
                v->keys = realloc(v->keys, (size_t)cap * sizeof *v->keys);
            }
            v->items[v->n] = child;
            v->keys[v->n] = key;
            v->n++;
            j_skip(p);
            if (**p == ',')
                (*p)++;
            else if (!**p)
                break;
        }
    } else if (c == '"') {
        v->type = J_STR;
        v->str = j_string(p);
    } else if (!strncmp(*p, "null", 4)) {
        v->type = J_NULL;
        v->num = NAN;
        *p += 4;
    } else if (!strncmp(*p, "true", 4)) {
        v->type = J_BOOL;
        v->num = 1;
        *p += 4;
    } else if (!strncmp(*p, "false", 5)) {
        v->type = J_BOOL;
        v->num = 0;
        *p += 5;
    } else if (!strncmp(*p, "NaN", 3)) {
        v->type = J_NUM;
        v->num = NAN;
        *p += 3;
    } else {
        char *end;
        v->type = J_NUM;
        v->num = strtod(*p, &end);
        *p = end == *p ? *p + 1 : end;
    }
    return v;
}

ts_json *ts_json_load(const char *path)
{
    char *text = ts_read_file(path, NULL);
    if (!text)
        return NULL;
    const char *p = text;
    ts_json *root = j_parse(&p);
    free(text);
    return root;
}

void ts_json_free(ts_json *doc)
{
    if (!doc)
        return;
    for (int i = 0; i < doc->n; i++) {
        ts_json_free(doc->items[i]);
        if (doc->keys)
            free(doc->keys[i]);
    }
    free(doc->items);
    free(doc->keys);
    free(doc->str);
    free(doc);
}

const ts_json *ts_json_get(const ts_json *root, const char *path)
{
    const ts_json *cur = root;
    char part[256];
    while (cur && *path) {
        size_t len = strcspn(path, "/");
        if (len >= sizeof part)
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        path += len + (path[len] == '/');
        if (cur->type == J_OBJ) {
            const ts_json *next = NULL;
            for (int i = 0; i < cur->n; i++)
                if (cur->keys[i] && !strcmp(cur->keys[i], part)) {
                    next = cur->items[i];
                    break;
                }
            cur = next;
        } else if (cur->type == J_ARR) {
            char *end;
            long idx = strtol(part, &end, 10);
            cur = (*end || idx < 0 || idx >= cur->n) ? NULL : cur->items[idx];
        } else {
            return NULL;
        }
    }
    return cur;
}

double ts_json_num(const ts_json *node)
{
    if (!node || node->type == J_NULL)
        return NAN;
    return node->num;
}

int ts_json_len(const ts_json *node)
{
    return node && (node->type == J_ARR || node->type == J_OBJ) ? node->n : -1;
}

const ts_json *ts_json_at(const ts_json *node, int index)
{
    return node && index >= 0 && index < node->n ? node->items[index] : NULL;
}

int ts_json_flatten(const ts_json *node, double *out, int max)
{
    if (!node)
        return 0;
    if (node->type != J_ARR) {
        if (max > 0)
            out[0] = ts_json_num(node);
        return 1;
    }
    int count = 0;
    for (int i = 0; i < node->n; i++)
        count += ts_json_flatten(node->items[i], out + count, max - count);
    return count;
}

const char *ts_json_str(const ts_json *node)
{
    return node && node->type == J_STR ? node->str : NULL;
}

ts_json *ts_golden(void)
{
    char buf[4096];
    const char *path = ts_data_path("golden/reference_values.json", buf);
    return path ? ts_json_load(path) : NULL;
}
