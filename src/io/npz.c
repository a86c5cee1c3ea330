/* NPZ writer (docs/npz.md): a ZIP of stored .npy entries, streamed to a
 * temporary file in the output folder and renamed into place on commit.
 * ZIP64 extra fields are written when an entry, an offset or the entry
 * count outgrows the classic ZIP limits. */
#include "io/npz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "io/npy.h"

typedef struct {
    char *name; /* "key.npy" */
    uint32_t crc;
    uint64_t size, offset;
} npz_entry;

struct npz_writer {
    FILE *f;
    char *final_path, *tmp_path;
    npz_entry *entries;
    size_t n, cap;
    uint64_t offset;
    int force_zip64;
    int overwrite;
    int failed;
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npz.c writes host-order int64/float64 as '<i8'/'<f8': little-endian hosts only"
#endif

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}
static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static lp_status write_all(npz_writer *w, const void *data, size_t n, lp_error *err)
{
    if (n && fwrite(data, 1, n, w->f) != n) {
        w->failed = 1;
        return lp_error_set(err, LP_ERR_IO, "cannot write %s: %s", w->tmp_path, strerror(errno));
    }
    w->offset += n;
    return LP_OK;
}

lp_status npz_writer_open(const char *final_path, int overwrite, npz_writer **out, lp_error *err)
{
    *out = NULL;
    struct stat st;
    if (!overwrite && stat(final_path, &st) == 0)
        return lp_error_set(err, LP_ERR_IO, "%s exists (use --overwrite to replace it)",
                            final_path);
    npz_writer *w = calloc(1, sizeof *w);
    if (!w)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    const char *slash = strrchr(final_path, '/');
    size_t dirlen = slash ? (size_t)(slash - final_path + 1) : 0;
    const char *base = slash ? slash + 1 : final_path;
    size_t len = strlen(final_path) + 64;
    w->final_path = strdup(final_path);
    w->tmp_path = malloc(len);
    if (!w->final_path || !w->tmp_path) {
        free(w->final_path);
        free(w->tmp_path);
        free(w);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    snprintf(w->tmp_path, len, "%.*s.%s.tmp-%ld", (int)dirlen, final_path, base, (long)getpid());
    w->f = fopen(w->tmp_path, "wb");
    if (!w->f) {
        lp_status st2 = lp_error_set(err, LP_ERR_IO, "cannot write in the output folder (%s): %s",
                                     w->tmp_path, strerror(errno));
        free(w->final_path);
        free(w->tmp_path);
        free(w);
        return st2;
    }
    w->force_zip64 = getenv("LPMAP_NPZ_FORCE_ZIP64") != NULL; /* test knob */
    w->overwrite = overwrite;
    *out = w;
    return LP_OK;
}

/* Decode one UTF-8 code point; invalid bytes become U+FFFD. */
static uint32_t utf8_next(const unsigned char **p, const unsigned char *end)
{
    const unsigned char *s = *p;
    uint32_t c = *s++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && c < 0xC0)
        extra = -1;
    if (extra > 0) {
        c &= 0x3F >> extra;
        for (int i = 0; i < extra; i++) {
            if (s >= end || (*s & 0xC0) != 0x80) {
                *p = s;
                return 0xFFFD;
            }
            c = (c << 6) | (*s++ & 0x3F);
        }
    } else if (extra < 0) {
        c = 0xFFFD;
    }
    *p = s;
    return c;
}

/* Items [i0, i0+m) of the caller's array as .npy bytes. */
static void convert_items(unsigned char *out, npz_dtype dtype, const void *data, size_t stride,
                          int width, size_t i0, size_t m, size_t item)
{
    if (dtype == NPZ_BOOL) {
        for (size_t i = 0; i < m; i++)
            out[i] = ((const uint8_t *)data)[i0 + i] ? 1 : 0;
        return;
    }
    memset(out, 0, m * item);
    for (size_t i = 0; i < m; i++) {
        const unsigned char *s = (const unsigned char *)data + (i0 + i) * stride;
        const unsigned char *e = memchr(s, 0, stride);
        if (!e)
            e = s + stride;
        for (int k = 0; k < width && s < e; k++)
            put32(out + i * item + 4 * (size_t)k, utf8_next(&s, e));
    }
}

lp_status npz_writer_add(npz_writer *w, const char *name, npz_dtype dtype, int ndim, size_t n,
                         const void *data, size_t stride, int width, lp_error *err)
{
    if (ndim != 0 && ndim != 1)
        return lp_error_set(err, LP_ERR_USAGE, "%s: ndim %d (only 0-d and 1-d arrays)", name, ndim);
    size_t shape[1] = {n};
    return npz_writer_add_shape(w, name, dtype, ndim, shape, data, stride, width, err);
}

lp_status npz_writer_add_shape(npz_writer *w, const char *name, npz_dtype dtype, int ndim,
                               const size_t *shape, const void *data, size_t stride, int width,
                               lp_error *err)
{
    if (w->failed)
        return lp_error_set(err, LP_ERR_IO, "earlier write to %s failed", w->tmp_path);
    size_t name_len = name ? strlen(name) : 0;
    if (name_len == 0 || name_len > 1000 || strchr(name, '/'))
        return lp_error_set(err, LP_ERR_USAGE, "bad NPZ key '%s'", name ? name : "(null)");
    for (size_t i = 0; i < w->n; i++)
        if (strncmp(w->entries[i].name, name, name_len) == 0 &&
            strcmp(w->entries[i].name + name_len, ".npy") == 0)
            return lp_error_set(err, LP_ERR_USAGE, "NPZ key '%s' added twice", name);
    if (ndim < 0 || ndim > 8)
        return lp_error_set(err, LP_ERR_USAGE, "%s: ndim %d (0 to 8 dimensions)", name, ndim);
    size_t n = 1;
    char shape_text[8 * 24 + 8] = "";
    for (int k = 0; k < ndim; k++) {
        if (shape[k] && n > SIZE_MAX / shape[k])
            return lp_error_set(err, LP_ERR_NOMEM, "%s: array too large", name);
        n *= shape[k];
        size_t len = strlen(shape_text);
        snprintf(shape_text + len, sizeof shape_text - len, ndim == 1 ? "%zu," : "%zu, ", shape[k]);
    }
    if (ndim > 1)
        shape_text[strlen(shape_text) - 2] = '\0'; /* (a, b) without the trailing ", " */
    if (ndim >= 1 && n > 0 && !data)
        return lp_error_set(err, LP_ERR_USAGE, "%s: no data", name);
    if (ndim == 0)
        n = 1;
    if (dtype == NPZ_UNICODE && (width < 1 || width > 1 << 20 || stride == 0))
        return lp_error_set(err, LP_ERR_USAGE, "%s: bad string width %d / stride %zu", name, width,
                            stride);
    size_t item;
    char descr[NPY_DESCR_MAX];
    if (npy_descr(dtype, width, descr, &item))
        return lp_error_set(err, LP_ERR_USAGE, "%s: unknown dtype", name);
    if (n > SIZE_MAX / item || (dtype == NPZ_UNICODE && n > SIZE_MAX / stride))
        return lp_error_set(err, LP_ERR_NOMEM, "%s: array too large", name);
    size_t data_bytes = n * item;

    unsigned char hdr[NPY_HEADER_MAX];
    size_t header_bytes = npy_header_write(descr, shape_text, hdr);

    /* Bools and strings are converted (0/1 bytes, UTF-32LE) a chunk at a
     * time, once for the CRC and once to write, so a large string array
     * never needs a second full-size copy. */
    const int convert = dtype == NPZ_UNICODE || dtype == NPZ_BOOL;
    unsigned char *chunk = NULL;
    size_t per_chunk = 0; /* items per converted chunk */
    if (convert) {
        per_chunk = ((size_t)1 << 20) / item;
        if (per_chunk == 0)
            per_chunk = 1;
        chunk = malloc(per_chunk * item);
        if (!chunk)
            return lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory", name);
    }
    uint32_t crc = (uint32_t)crc32(0L, hdr, (uInt)header_bytes);
    if (convert) {
        for (size_t i0 = 0; i0 < n; i0 += per_chunk) {
            size_t m = n - i0 < per_chunk ? n - i0 : per_chunk;
            convert_items(chunk, dtype, data, stride, width, i0, m, item);
            crc = (uint32_t)crc32(crc, chunk, (uInt)(m * item));
        }
    } else {
        for (size_t off = 0; off < data_bytes;) {
            size_t c = data_bytes - off > (1u << 30) ? (1u << 30) : data_bytes - off;
            crc = (uint32_t)crc32(crc, (const unsigned char *)data + off, (uInt)c);
            off += c;
        }
    }
    uint64_t size = header_bytes + data_bytes;

    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        npz_entry *ne = realloc(w->entries, cap * sizeof *ne);
        if (!ne) {
            free(chunk);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        }
        w->entries = ne;
        w->cap = cap;
    }
    npz_entry *ent = &w->entries[w->n];
    size_t nlen = strlen(name) + 5;
    ent->name = malloc(nlen);
    if (!ent->name) {
        free(chunk);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    snprintf(ent->name, nlen, "%s.npy", name);
    ent->crc = crc;
    ent->size = size;
    ent->offset = w->offset;

    int zip64 = w->force_zip64 || size >= 0xFFFFFFFFu;
    unsigned char lh[30 + 20];
    put32(lh, 0x04034b50);
    put16(lh + 4, zip64 ? 45 : 20);
    put16(lh + 6, 0);
    put16(lh + 8, 0); /* stored */
    put16(lh + 10, 0);
    put16(lh + 12, 0x21); /* 1980-01-01 */
    put32(lh + 14, crc);
    put32(lh + 18, zip64 ? 0xFFFFFFFFu : (uint32_t)size);
    put32(lh + 22, zip64 ? 0xFFFFFFFFu : (uint32_t)size);
    put16(lh + 26, (unsigned)strlen(ent->name));
    put16(lh + 28, zip64 ? 20 : 0);
    size_t lhn = 30;
    lp_status st = write_all(w, lh, lhn, err);
    if (st == LP_OK)
        st = write_all(w, ent->name, strlen(ent->name), err);
    if (st == LP_OK && zip64) {
        unsigned char ex[20];
        put16(ex, 0x0001);
        put16(ex + 2, 16);
        put64(ex + 4, size);
        put64(ex + 12, size);
        st = write_all(w, ex, 20, err);
    }
    if (st == LP_OK)
        st = write_all(w, hdr, header_bytes, err);
    if (st == LP_OK && convert) {
        for (size_t i0 = 0; i0 < n && st == LP_OK; i0 += per_chunk) {
            size_t m = n - i0 < per_chunk ? n - i0 : per_chunk;
            convert_items(chunk, dtype, data, stride, width, i0, m, item);
            st = write_all(w, chunk, m * item, err);
        }
    } else if (st == LP_OK) {
        st = write_all(w, data, data_bytes, err);
    }
    free(chunk);
    if (st != LP_OK) {
        free(ent->name);
        return st;
    }
    w->n++;
    return LP_OK;
}

lp_status npz_add_f64(npz_writer *w, const char *name, const double *v, size_t n, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_FLOAT64, 1, n, v, 0, 0, err);
}
lp_status npz_add_datetime64_ms(npz_writer *w, const char *name, const int64_t *ms, size_t n,
                                lp_error *err)
{
    return npz_writer_add(w, name, NPZ_DATETIME64_MS, 1, n, ms, 0, 0, err);
}

lp_status npz_add_i64(npz_writer *w, const char *name, const int64_t *v, size_t n, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_INT64, 1, n, v, 0, 0, err);
}
lp_status npz_add_i8(npz_writer *w, const char *name, const int8_t *v, size_t n, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_INT8, 1, n, v, 0, 0, err);
}
lp_status npz_add_bool(npz_writer *w, const char *name, const uint8_t *v, size_t n, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_BOOL, 1, n, v, 0, 0, err);
}
lp_status npz_add_str(npz_writer *w, const char *name, const char *strings, size_t stride, size_t n,
                      int width, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_UNICODE, 1, n, strings, stride, width, err);
}
lp_status npz_add_scalar_f64(npz_writer *w, const char *name, double v, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_FLOAT64, 0, 1, &v, 0, 0, err);
}
lp_status npz_add_scalar_i64(npz_writer *w, const char *name, int64_t v, lp_error *err)
{
    return npz_writer_add(w, name, NPZ_INT64, 0, 1, &v, 0, 0, err);
}
lp_status npz_add_scalar_str(npz_writer *w, const char *name, const char *s, lp_error *err)
{
    size_t len = strlen(s);
    int width = len ? (int)len : 1;
    return npz_writer_add(w, name, NPZ_UNICODE, 0, 1, s, len + 1, width, err);
}

/* Move the finished temporary file to its final name. Without overwrite a
 * hard link refuses a final name that appeared meanwhile (rename would
 * replace it); file systems without hard links fall back to a checked
 * rename. */
static lp_status publish(npz_writer *w, lp_error *err)
{
    if (!w->overwrite) {
        if (link(w->tmp_path, w->final_path) == 0) {
            unlink(w->tmp_path);
            return LP_OK;
        }
        if (errno == EEXIST)
            return lp_error_set(err, LP_ERR_IO, "%s exists (use --overwrite to replace it)",
                                w->final_path);
        struct stat st;
        if (stat(w->final_path, &st) == 0)
            return lp_error_set(err, LP_ERR_IO, "%s exists (use --overwrite to replace it)",
                                w->final_path);
    }
    if (rename(w->tmp_path, w->final_path) != 0)
        return lp_error_set(err, LP_ERR_IO, "cannot rename %s to %s: %s", w->tmp_path,
                            w->final_path, strerror(errno));
    return LP_OK;
}

/* Make the rename durable: fsync the folder (best effort). */
static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

lp_status npz_writer_commit(npz_writer *w, lp_error *err)
{
    lp_status st = LP_OK;
    if (w->failed)
        st = lp_error_set(err, LP_ERR_IO, "earlier write to %s failed; nothing written",
                          w->tmp_path);
    uint64_t cd_start = w->offset;
    for (size_t i = 0; i < w->n && st == LP_OK; i++) {
        npz_entry *e = &w->entries[i];
        int zip64 = w->force_zip64 || e->size >= 0xFFFFFFFFu || e->offset >= 0xFFFFFFFFu;
        unsigned char ch[46], ex[28];
        put32(ch, 0x02014b50);
        put16(ch + 4, zip64 ? 45 : 20);
        put16(ch + 6, zip64 ? 45 : 20);
        put16(ch + 8, 0);
        put16(ch + 10, 0);
        put16(ch + 12, 0);
        put16(ch + 14, 0x21);
        put32(ch + 16, e->crc);
        put32(ch + 20, zip64 ? 0xFFFFFFFFu : (uint32_t)e->size);
        put32(ch + 24, zip64 ? 0xFFFFFFFFu : (uint32_t)e->size);
        put16(ch + 28, (unsigned)strlen(e->name));
        put16(ch + 30, zip64 ? 28 : 0);
        put16(ch + 32, 0);
        put16(ch + 34, 0);
        put16(ch + 36, 0);
        put32(ch + 38, 0);
        put32(ch + 42, zip64 ? 0xFFFFFFFFu : (uint32_t)e->offset);
        st = write_all(w, ch, 46, err);
        if (st == LP_OK)
            st = write_all(w, e->name, strlen(e->name), err);
        if (st == LP_OK && zip64) {
            put16(ex, 0x0001);
            put16(ex + 2, 24);
            put64(ex + 4, e->size);
            put64(ex + 12, e->size);
            put64(ex + 20, e->offset);
            st = write_all(w, ex, 28, err);
        }
    }
    uint64_t cd_size = w->offset - cd_start;
    int zip64_end =
        w->force_zip64 || w->n >= 0xFFFF || cd_start >= 0xFFFFFFFFu || cd_size >= 0xFFFFFFFFu;
    if (st == LP_OK && zip64_end) {
        unsigned char z[56 + 20];
        uint64_t z_off = w->offset;
        put32(z, 0x06064b50);
        put64(z + 4, 44);
        put16(z + 12, 45);
        put16(z + 14, 45);
        put32(z + 16, 0);
        put32(z + 20, 0);
        put64(z + 24, w->n);
        put64(z + 32, w->n);
        put64(z + 40, cd_size);
        put64(z + 48, cd_start);
        put32(z + 56, 0x07064b50);
        put32(z + 60, 0);
        put64(z + 64, z_off);
        put32(z + 72, 1);
        st = write_all(w, z, 76, err);
    }
    if (st == LP_OK) {
        unsigned char e[22];
        put32(e, 0x06054b50);
        put16(e + 4, 0);
        put16(e + 6, 0);
        put16(e + 8, zip64_end ? 0xFFFF : (unsigned)w->n);
        put16(e + 10, zip64_end ? 0xFFFF : (unsigned)w->n);
        put32(e + 12, zip64_end ? 0xFFFFFFFFu : (uint32_t)cd_size);
        put32(e + 16, zip64_end ? 0xFFFFFFFFu : (uint32_t)cd_start);
        put16(e + 20, 0);
        st = write_all(w, e, 22, err);
    }
    if (st == LP_OK && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0))
        st = lp_error_set(err, LP_ERR_IO, "cannot flush %s: %s", w->tmp_path, strerror(errno));
    if (fclose(w->f) != 0 && st == LP_OK)
        st = lp_error_set(err, LP_ERR_IO, "cannot close %s: %s", w->tmp_path, strerror(errno));
    w->f = NULL;
    if (st == LP_OK)
        st = publish(w, err);
    if (st != LP_OK)
        unlink(w->tmp_path);
    else
        sync_folder(w->final_path);
    for (size_t i = 0; i < w->n; i++)
        free(w->entries[i].name);
    free(w->entries);
    free(w->final_path);
    free(w->tmp_path);
    free(w);
    return st;
}

void npz_writer_abort(npz_writer *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    unlink(w->tmp_path);
    for (size_t i = 0; i < w->n; i++)
        free(w->entries[i].name);
    free(w->entries);
    free(w->final_path);
    free(w->tmp_path);
    free(w);
}

/* Path of the temporary file (for the interrupt handler and tests). */
const char *npz_writer_temp_path(const npz_writer *w)
{
    return w ? w->tmp_path : NULL;
}

void npz_writer_force_zip64(npz_writer *w)
{
    if (w)
        w->force_zip64 = 1;
}
