/* The .npy format (see npy.h): dtype strings, the header the writer emits
 * and the parser of what the reader decodes. */
#include "io/npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void npz_array_free(npz_array *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* [off, off+n) lies within len bytes. */
static int in_bounds(uint64_t off, uint64_t n, size_t len)
{
    return off <= len && n <= len - off;
}

/* ---- writing ---------------------------------------------------------- */

int npy_descr(npz_dtype dtype, int width, char descr[NPY_DESCR_MAX], size_t *item)
{
    switch (dtype) {
    case NPZ_BOOL:
        *item = 1;
        strcpy(descr, "|b1");
        return 0;
    case NPZ_INT8:
        *item = 1;
        strcpy(descr, "|i1");
        return 0;
    case NPZ_INT64:
        *item = 8;
        strcpy(descr, "<i8");
        return 0;
    case NPZ_FLOAT64:
        *item = 8;
        strcpy(descr, "<f8");
        return 0;
    case NPZ_DATETIME64_MS:
        *item = 8;
        strcpy(descr, "<M8[ms]");
        return 0;
    case NPZ_UNICODE:
        *item = 4 * (size_t)width;
        snprintf(descr, NPY_DESCR_MAX, "<U%d", width);
        return 0;
    }
    return -1;
}

size_t npy_header_write(const char *descr, const char *shape_text,
                        unsigned char hdr[NPY_HEADER_MAX])
{
    char dict[512]; /* descr + up to 8 dimensions */
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr,
             shape_text);
    size_t hlen = strlen(dict) + 1, total = 10 + hlen;
    size_t pad = (64 - total % 64) % 64;
    hlen += pad;
    memcpy(hdr, "\x93NUMPY\x01\x00", 8);
    hdr[8] = (unsigned char)(hlen & 0xFF);
    hdr[9] = (unsigned char)(hlen >> 8);
    memcpy(hdr + 10, dict, strlen(dict));
    memset(hdr + 10 + strlen(dict), ' ', pad);
    hdr[10 + hlen - 1] = '\n';
    return 10 + hlen;
}

/* ---- reading ---------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t n, p;
} hdr_cursor;

static void hdr_skip_ws(hdr_cursor *c)
{
    while (c->p < c->n && (c->s[c->p] == ' ' || c->s[c->p] == '\t' || c->s[c->p] == '\n'))
        c->p++;
}

static int hdr_eat(hdr_cursor *c, char ch)
{
    hdr_skip_ws(c);
    if (c->p < c->n && c->s[c->p] == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted Python string (no escapes needed for the keys numpy writes). */
static int hdr_string(hdr_cursor *c, char *out, size_t cap)
{
    hdr_skip_ws(c);
    if (c->p >= c->n || (c->s[c->p] != '\'' && c->s[c->p] != '"'))
        return -1;
    char q = c->s[c->p++];
    size_t k = 0;
    while (c->p < c->n && c->s[c->p] != q) {
        if (k + 1 >= cap)
            return -1;
        out[k++] = c->s[c->p++];
    }
    if (c->p >= c->n)
        return -1;
    c->p++;
    out[k] = '\0';
    return 0;
}

static int hdr_word(hdr_cursor *c, const char *w)
{
    hdr_skip_ws(c);
    size_t l = strlen(w);
    if (c->n - c->p >= l && !memcmp(c->s + c->p, w, l)) {
        c->p += l;
        return 1;
    }
    return 0;
}

static lp_status parse_dtype(const char *descr, npz_array *a, size_t *itemsize, const char *what,
                             lp_error *err)
{
    if (!strcmp(descr, "<f8")) {
        a->dtype = NPZ_FLOAT64;
        *itemsize = 8;
    } else if (!strcmp(descr, "<i8")) {
        a->dtype = NPZ_INT64;
        *itemsize = 8;
    } else if (!strcmp(descr, "<M8[ms]")) {
        a->dtype = NPZ_DATETIME64_MS;
        *itemsize = 8;
    } else if (!strcmp(descr, "|i1") || !strcmp(descr, "<i1")) {
        a->dtype = NPZ_INT8;
        *itemsize = 1;
    } else if (!strcmp(descr, "|b1") || !strcmp(descr, "<b1")) {
        a->dtype = NPZ_BOOL;
        *itemsize = 1;
    } else if (descr[0] == '<' && descr[1] == 'U') {
        char *end;
        errno = 0;
        long w = strtol(descr + 2, &end, 10);
        if (errno || end == descr + 2 || *end || w < 1 || w > 65536)
            return lp_error_set(err, LP_ERR_FORMAT, "%s: bad unicode dtype '%s'", what, descr);
        a->dtype = NPZ_UNICODE;
        a->width = (int)w;
        a->stride = 4 * (size_t)w + 1;
        *itemsize = 4 * (size_t)w;
    } else {
        return lp_error_set(
            err, LP_ERR_UNSUPPORTED,
            "%s: dtype '%s' is not supported (expected <f8, <i8, <M8[ms], |i1, |b1 or <U{n})", what,
            descr);
    }
    return LP_OK;
}

/* UTF-32LE code points -> UTF-8 (NUL-terminated, trailing NULs dropped). */
static int utf32_to_utf8(const unsigned char *in, int width, char *out)
{
    size_t k = 0;
    for (int i = 0; i < width; i++) {
        uint32_t cp = rd32(in + 4 * (size_t)i);
        if (cp == 0)
            break;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        if (cp < 0x80) {
            out[k++] = (char)cp;
        } else if (cp < 0x800) {
            out[k++] = (char)(0xC0 | cp >> 6);
            out[k++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[k++] = (char)(0xE0 | cp >> 12);
            out[k++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[k++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[k++] = (char)(0xF0 | cp >> 18);
            out[k++] = (char)(0x80 | (cp >> 12 & 0x3F));
            out[k++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[k++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[k] = '\0';
    return 0;
}

lp_status npz_parse_npy(const unsigned char *buf, size_t len, const char *what, npz_array *out,
                        lp_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6))
        return lp_error_set(err, LP_ERR_FORMAT, "%s: not a .npy array (bad magic)", what);
    int major = buf[6];
    size_t hlen, hstart;
    if (major == 1) {
        hlen = rd16(buf + 8);
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return lp_error_set(err, LP_ERR_FORMAT, "%s: truncated .npy header", what);
        hlen = rd32(buf + 8);
        hstart = 12;
    } else {
        return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s: .npy format version %d is not supported",
                            what, major);
    }
    if (!in_bounds(hstart, hlen, len))
        return lp_error_set(err, LP_ERR_FORMAT, "%s: truncated .npy header", what);
    hdr_cursor c = {(const char *)buf + hstart, hlen, 0};
    char descr[64] = "";
    int fortran = 0, have_descr = 0, have_order = 0, have_shape = 0;
    npz_array a;
    memset(&a, 0, sizeof a);
    if (!hdr_eat(&c, '{'))
        goto bad_header;
    while (!hdr_eat(&c, '}')) {
        char key[32];
        if (hdr_string(&c, key, sizeof key) || !hdr_eat(&c, ':'))
            goto bad_header;
        if (!strcmp(key, "descr")) {
            if (hdr_string(&c, descr, sizeof descr))
                goto bad_header;
            have_descr = 1;
        } else if (!strcmp(key, "fortran_order")) {
            if (hdr_word(&c, "True"))
                fortran = 1;
            else if (!hdr_word(&c, "False"))
                goto bad_header;
            have_order = 1;
        } else if (!strcmp(key, "shape")) {
            if (!hdr_eat(&c, '('))
                goto bad_header;
            while (!hdr_eat(&c, ')')) {
                hdr_skip_ws(&c);
                uint64_t v = 0;
                size_t digits = 0;
                while (c.p < c.n && c.s[c.p] >= '0' && c.s[c.p] <= '9') {
                    if (v > (UINT64_MAX - 9) / 10)
                        goto bad_header;
                    v = v * 10 + (uint64_t)(c.s[c.p++] - '0');
                    digits++;
                }
                if (c.p < c.n && c.s[c.p] == 'L') /* Python 2 longs */
                    c.p++;
                if (!digits || a.ndim >= NPZ_READ_MAX_DIMS || v > SIZE_MAX)
                    goto bad_header;
                a.shape[a.ndim++] = (size_t)v;
                if (!hdr_eat(&c, ',')) {
                    if (!hdr_eat(&c, ')'))
                        goto bad_header;
                    break;
                }
            }
            have_shape = 1;
        } else {
            goto bad_header;
        }
        if (!hdr_eat(&c, ',')) {
            if (!hdr_eat(&c, '}'))
                goto bad_header;
            break;
        }
    }
    if (!have_descr || !have_order || !have_shape)
        goto bad_header;
    size_t itemsize = 0;
    lp_status s = parse_dtype(descr, &a, &itemsize, what, err);
    if (s != LP_OK)
        return s;
    if (fortran && a.ndim > 1)
        return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s: Fortran-ordered arrays are not supported",
                            what);
    a.n = 1;
    for (int d = 0; d < a.ndim; d++) {
        if (a.shape[d] && a.n > SIZE_MAX / a.shape[d])
            return lp_error_set(err, LP_ERR_FORMAT, "%s: shape overflows", what);
        a.n *= a.shape[d];
    }
    size_t dstart = hstart + hlen;
    if (a.n > SIZE_MAX / itemsize || len - dstart < a.n * itemsize)
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: data truncated (%zu elements of %zu bytes need more than the %zu "
                            "bytes present)",
                            what, a.n, itemsize, len - dstart);
    const unsigned char *src = buf + dstart;
    size_t elem_out = a.dtype == NPZ_UNICODE ? a.stride : itemsize;
    if (a.n > SIZE_MAX / elem_out)
        return lp_error_set(err, LP_ERR_NOMEM, "%s: array too large", what);
    a.data = calloc(a.n ? a.n : 1, elem_out); /* zeroed: strings compare bytewise */
    if (!a.data)
        return lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory (%zu elements)", what, a.n);
    if (a.dtype == NPZ_UNICODE) {
        for (size_t i = 0; i < a.n; i++)
            if (utf32_to_utf8(src + i * itemsize, a.width, (char *)a.data + i * a.stride)) {
                free(a.data);
                return lp_error_set(err, LP_ERR_FORMAT, "%s: element %zu is not valid UTF-32 text",
                                    what, i);
            }
    } else if (a.dtype == NPZ_BOOL) {
        unsigned char *d = a.data;
        for (size_t i = 0; i < a.n; i++)
            d[i] = src[i] != 0;
    } else {
        memcpy(a.data, src, a.n * itemsize); /* little-endian host (x86-64, aarch64) */
    }
    *out = a;
    return LP_OK;
bad_header:
    return lp_error_set(err, LP_ERR_FORMAT, "%s: malformed .npy header '%.*s'", what,
                        (int)(hlen < 200 ? hlen : 200), (const char *)buf + hstart);
}
