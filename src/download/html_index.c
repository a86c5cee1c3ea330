/* href extraction and URL resolution for HTML folder listings (Apache,
 * nginx and PDS-style pages), docs/formats.md §6. */
#include "download/html_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void html_index_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Length of "scheme://host" of url, or 0. */
static size_t origin_len(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return 0;
    p += 3;
    return (size_t)(p - url) + strcspn(p, "/");
}

/* url without "scheme:" so http and https links compare equal. */
static const char *after_scheme(const char *url)
{
    const char *p = strstr(url, "://");
    return p ? p + 1 : url;
}

static char *resolve(const char *href, size_t hlen, const char *page_url)
{
    size_t dir_len = strlen(page_url);
    while (dir_len && page_url[dir_len - 1] != '/')
        dir_len--;
    const char *prefix;
    size_t plen;
    if ((hlen >= 7 && !strncasecmp(href, "http://", 7)) ||
        (hlen >= 8 && !strncasecmp(href, "https://", 8))) {
        prefix = "";
        plen = 0;
    } else if (hlen >= 2 && href[0] == '/' && href[1] == '/') {
        prefix = page_url;
        plen = (size_t)(strstr(page_url, "://") ? strstr(page_url, "://") - page_url + 1 : 0);
    } else if (hlen >= 1 && href[0] == '/') {
        prefix = page_url;
        plen = origin_len(page_url);
    } else {
        prefix = page_url;
        plen = dir_len;
    }
    char *out = malloc(plen + hlen + 1);
    if (!out)
        return NULL;
    memcpy(out, prefix, plen);
    memcpy(out + plen, href, hlen);
    out[plen + hlen] = '\0';
    return out;
}

lp_status html_index_children(const char *html, size_t len, const char *page_url, char ***names,
                              size_t *n, lp_error *err)
{
    *names = NULL;
    *n = 0;
    size_t cap = 0;
    const char *dir = after_scheme(page_url);
    size_t dir_len = strlen(dir);
    if (!dir_len || dir[dir_len - 1] != '/')
        return lp_error_set(err, LP_ERR_USAGE, "index URL must end with '/': %s", page_url);
    for (size_t i = 0; i + 4 < len; i++) {
        if (strncasecmp(html + i, "href", 4))
            continue;
        size_t p = i + 4;
        while (p < len && isspace((unsigned char)html[p]))
            p++;
        if (p >= len || html[p] != '=')
            continue;
        p++;
        while (p < len && isspace((unsigned char)html[p]))
            p++;
        if (p >= len)
            break;
        size_t start, end;
        if (html[p] == '"' || html[p] == '\'') {
            char q = html[p++];
            start = p;
            while (p < len && html[p] != q)
                p++;
            end = p;
        } else {
            start = p;
            while (p < len && !isspace((unsigned char)html[p]) && html[p] != '>')
                p++;
            end = p;
        }
        i = p;
        size_t hlen = 0;
        while (start + hlen < end && html[start + hlen] != '?' && html[start + hlen] != '#')
            hlen++;
        if (hlen == 0)
            continue;
        char *abs = resolve(html + start, hlen, page_url);
        if (!abs)
            goto nomem;
        const char *a = after_scheme(abs);
        if (strncmp(a, dir, dir_len) || !a[dir_len]) {
            free(abs);
            continue;
        }
        const char *rest = a + dir_len;
        size_t rlen = strlen(rest);
        int is_dir = rest[rlen - 1] == '/';
        if (memchr(rest, '/', rlen - (size_t)is_dir)) {
            free(abs);
            continue;
        }
        /* Percent-decode. */
        char *name = malloc(rlen + 1);
        if (!name) {
            free(abs);
            goto nomem;
        }
        size_t k = 0;
        int bad = 0;
        for (size_t j = 0; j < rlen - (size_t)is_dir; j++) {
            if (rest[j] == '%' && j + 2 < rlen && hexval(rest[j + 1]) >= 0 &&
                hexval(rest[j + 2]) >= 0) {
                char c = (char)(hexval(rest[j + 1]) * 16 + hexval(rest[j + 2]));
                bad |= c == '/' || c == '\0';
                name[k++] = c;
                j += 2;
            } else {
                name[k++] = rest[j];
            }
        }
        if (is_dir)
            name[k++] = '/';
        name[k] = '\0';
        free(abs);
        if (bad || name[0] == '.' || name[0] == '/') {
            free(name);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < *n && !dup; j++)
            dup = !strcmp((*names)[j], name);
        if (dup) {
            free(name);
            continue;
        }
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 32;
            char **grown = realloc(*names, ncap * sizeof *grown);
            if (!grown) {
                free(name);
                goto nomem;
            }
            *names = grown;
            cap = ncap;
        }
        (*names)[(*n)++] = name;
    }
    return LP_OK;
nomem:
    html_index_free(*names, *n);
    *names = NULL;
    *n = 0;
    return lp_error_set(err, LP_ERR_NOMEM, "out of memory parsing an index page");
}
