/* Text kernel parser (docs/spice.md §1): \begindata/\begintext sections,
 * NAME = value, NAME = ( ... ) across lines, NAME += ..., D exponents,
 * quoted strings with '' escapes, @dates as formal seconds past J2000. */
#include "spice/textkernel.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/timeconv.h"

typedef enum { TOK_NAME, TOK_EQ, TOK_PLUSEQ, TOK_LPAREN, TOK_RPAREN, TOK_STRING, TOK_END } tok_kind;

typedef struct {
    tok_kind kind;
    char *text; /* NAME / value text / string contents */
    int line;
} token;

typedef struct {
    token *t;
    size_t n, cap;
} token_list;

static int tokens_push(token_list *l, tok_kind kind, const char *s, size_t len, int line)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        token *t = realloc(l->t, cap * sizeof *t);
        if (!t)
            return -1;
        l->t = t;
        l->cap = cap;
    }
    char *text = NULL;
    if (s) {
        text = malloc(len + 1);
        if (!text)
            return -1;
        memcpy(text, s, len);
        text[len] = '\0';
    }
    l->t[l->n].kind = kind;
    l->t[l->n].text = text;
    l->t[l->n].line = line;
    l->n++;
    return 0;
}

static void tokens_free(token_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->t[i].text);
    free(l->t);
}

static int line_is(const char *b, const char *e, const char *word)
{
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    size_t n = strlen(word);
    return (size_t)(e - b) == n && memcmp(b, word, n) == 0;
}

/* Tokenize one data line. Quoted strings keep '' → ' unescaped. */
static lp_status tokenize_line(token_list *l, const char *b, const char *e, int line,
                               const char *label, lp_error *err)
{
    const char *p = b;
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (isspace(c) || c == ',') {
            p++;
            continue;
        }
        int rc = 0;
        if (c == '=') {
            rc = tokens_push(l, TOK_EQ, NULL, 0, line);
            p++;
        } else if (c == '+' && p + 1 < e && p[1] == '=') {
            rc = tokens_push(l, TOK_PLUSEQ, NULL, 0, line);
            p += 2;
        } else if (c == '(') {
            rc = tokens_push(l, TOK_LPAREN, NULL, 0, line);
            p++;
        } else if (c == ')') {
            rc = tokens_push(l, TOK_RPAREN, NULL, 0, line);
            p++;
        } else if (c == '\'') {
            /* string: '' is an escaped quote */
            size_t cap = (size_t)(e - p) + 1, n = 0;
            char *buf = malloc(cap);
            if (!buf)
                return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            p++;
            int closed = 0;
            while (p < e) {
                if (*p == '\'') {
                    if (p + 1 < e && p[1] == '\'') {
                        buf[n++] = '\'';
                        p += 2;
                        continue;
                    }
                    p++;
                    closed = 1;
                    break;
                }
                buf[n++] = *p++;
            }
            if (!closed) {
                free(buf);
                return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: unterminated quoted string", label,
                                    line);
            }
            rc = tokens_push(l, TOK_STRING, buf, n, line);
            free(buf);
        } else {
            const char *s = p;
            while (p < e && !isspace((unsigned char)*p) && *p != '=' && *p != '(' && *p != ')' &&
                   *p != ',' && !(*p == '+' && p + 1 < e && p[1] == '=') && *p != '\'')
                p++;
            rc = tokens_push(l, TOK_NAME, s, (size_t)(p - s), line);
        }
        if (rc)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    return LP_OK;
}

static tk_var *pool_find(tk_pool *pool, const char *name)
{
    for (size_t i = 0; i < pool->n; i++)
        if (strcmp(pool->vars[i].name, name) == 0)
            return &pool->vars[i];
    return NULL;
}

static void var_clear(tk_var *v)
{
    free(v->nums);
    if (v->strs)
        for (size_t i = 0; i < v->n; i++)
            free(v->strs[i]);
    free(v->strs);
    v->nums = NULL;
    v->strs = NULL;
    v->n = v->cap = 0;
}

static tk_var *pool_var(tk_pool *pool, const char *name)
{
    tk_var *v = pool_find(pool, name);
    if (v)
        return v;
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? 2 * pool->cap : 64;
        tk_var *vars = realloc(pool->vars, cap * sizeof *vars);
        if (!vars)
            return NULL;
        pool->vars = vars;
        pool->cap = cap;
    }
    v = &pool->vars[pool->n];
    memset(v, 0, sizeof *v);
    v->name = strdup(name);
    if (!v->name)
        return NULL;
    pool->n++;
    return v;
}

static int var_grow(tk_var *v)
{
    if (v->n < v->cap)
        return 0;
    size_t cap = v->cap ? 2 * v->cap : 8;
    if (v->is_string) {
        char **s = realloc(v->strs, cap * sizeof *s);
        if (!s)
            return -1;
        v->strs = s;
    } else {
        double *d = realloc(v->nums, cap * sizeof *d);
        if (!d)
            return -1;
        v->nums = d;
    }
    v->cap = cap;
    return 0;
}

/* Parse a number with optional D/d exponent; whole token must be consumed. */
static int parse_number(const char *s, double *out)
{
    char buf[128];
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (s[i] == 'D' || s[i] == 'd') ? 'E' : s[i];
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

/* One value token into v (kind must already match). */
static lp_status add_value(tk_var *v, const token *t, const char *label, lp_error *err)
{
    int is_string = t->kind == TOK_STRING;
    if (v->n > 0 && v->is_string != is_string)
        return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: %s mixes strings and numbers", label,
                            t->line, v->name);
    if (v->n == 0 && v->cap == 0)
        v->is_string = is_string;
    else if (v->n == 0 && v->is_string != is_string) {
        var_clear(v);
        v->is_string = is_string;
    }
    if (var_grow(v))
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    if (is_string) {
        v->strs[v->n] = strdup(t->text);
        if (!v->strs[v->n])
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    } else {
        double d;
        if (t->text[0] == '@') {
            lp_error e2;
            if (tc_parse_kernel_date(t->text + 1, &d, &e2) != LP_OK)
                return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: bad date '%s' in %s: %s", label,
                                    t->line, t->text, v->name, e2.message);
        } else if (parse_number(t->text, &d))
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: bad number '%s' in %s", label, t->line,
                                t->text, v->name);
        v->nums[v->n] = d;
    }
    v->n++;
    return LP_OK;
}

static lp_status parse_tokens(tk_pool *pool, const token_list *l, const char *label, lp_error *err)
{
    size_t i = 0;
    while (i < l->n) {
        const token *name = &l->t[i];
        if (name->kind != TOK_NAME)
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: expected a variable name", label,
                                name->line);
        if (strlen(name->text) > 32)
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: variable name '%s' longer than 32",
                                label, name->line, name->text);
        if (i + 1 >= l->n || (l->t[i + 1].kind != TOK_EQ && l->t[i + 1].kind != TOK_PLUSEQ))
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: expected '=' or '+=' after %s", label,
                                name->line, name->text);
        int append = l->t[i + 1].kind == TOK_PLUSEQ;
        i += 2;
        if (i >= l->n)
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: missing value for %s", label,
                                name->line, name->text);
        tk_var *v = pool_var(pool, name->text);
        if (!v)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        if (!append)
            var_clear(v);
        lp_status st;
        if (l->t[i].kind == TOK_LPAREN) {
            int open_line = l->t[i].line;
            i++;
            int closed = 0;
            while (i < l->n) {
                if (l->t[i].kind == TOK_RPAREN) {
                    closed = 1;
                    i++;
                    break;
                }
                if (l->t[i].kind == TOK_END)
                    break;
                /* "NAME =" inside a list: the ')' was forgotten */
                if (i + 1 < l->n && (l->t[i + 1].kind == TOK_EQ || l->t[i + 1].kind == TOK_PLUSEQ))
                    break;
                if (l->t[i].kind != TOK_NAME && l->t[i].kind != TOK_STRING)
                    return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: unexpected token in list %s",
                                        label, l->t[i].line, name->text);
                if ((st = add_value(v, &l->t[i], label, err)) != LP_OK)
                    return st;
                i++;
            }
            if (!closed)
                return lp_error_set(err, LP_ERR_FORMAT,
                                    "%s:%d: unterminated list for %s (missing ')')", label,
                                    open_line, name->text);
        } else if (l->t[i].kind == TOK_NAME || l->t[i].kind == TOK_STRING) {
            if ((st = add_value(v, &l->t[i], label, err)) != LP_OK)
                return st;
            i++;
        } else {
            return lp_error_set(err, LP_ERR_FORMAT, "%s:%d: bad value for %s", label, l->t[i].line,
                                name->text);
        }
        while (i < l->n && l->t[i].kind == TOK_END)
            i++;
    }
    return LP_OK;
}

lp_status tk_pool_load_text(tk_pool *pool, const char *text, const char *label, lp_error *err)
{
    token_list l = {0};
    lp_status st = LP_OK;
    int in_data = 0, line = 0;
    const char *p = text;
    while (*p) {
        const char *b = p;
        while (*p && *p != '\n')
            p++;
        const char *e = p;
        if (e > b && e[-1] == '\r')
            e--;
        if (*p)
            p++;
        line++;
        if (line_is(b, e, "\\begindata")) {
            in_data = 1;
            continue;
        }
        if (line_is(b, e, "\\begintext")) {
            if (in_data && tokens_push(&l, TOK_END, NULL, 0, line)) {
                st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                goto done;
            }
            in_data = 0;
            continue;
        }
        if (!in_data)
            continue;
        if ((st = tokenize_line(&l, b, e, line, label, err)) != LP_OK)
            goto done;
    }
    st = parse_tokens(pool, &l, label, err);
done:
    tokens_free(&l);
    return st;
}

lp_status tk_pool_load_file(tk_pool *pool, const char *path, lp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open text kernel %s: %s", path,
                            strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (r == 0)
            break;
        n += r;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return lp_error_set(err, LP_ERR_IO, "error reading %s", path);
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        return lp_error_set(err, LP_ERR_FORMAT, "%s: not a text kernel (contains NUL bytes)", path);
    }
    lp_status st = tk_pool_load_text(pool, buf, path, err);
    free(buf);
    return st;
}

const tk_var *tk_pool_get(const tk_pool *pool, const char *name)
{
    for (size_t i = 0; i < pool->n; i++)
        if (strcmp(pool->vars[i].name, name) == 0)
            return &pool->vars[i];
    return NULL;
}

const tk_var *tk_pool_get_nums(const tk_pool *pool, const char *name, size_t min_n)
{
    const tk_var *v = tk_pool_get(pool, name);
    if (!v || v->is_string || v->n < min_n)
        return NULL;
    return v;
}

void tk_pool_free(tk_pool *pool)
{
    if (!pool)
        return;
    for (size_t i = 0; i < pool->n; i++) {
        var_clear(&pool->vars[i]);
        free(pool->vars[i].name);
    }
    free(pool->vars);
    pool->vars = NULL;
    pool->n = pool->cap = 0;
}
