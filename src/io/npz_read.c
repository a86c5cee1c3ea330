/* NPZ reader (docs/npz.md): the file is memory-mapped, the ZIP central
 * directory (with ZIP64 records and extra fields) is parsed with every
 * offset checked against the mapping, members are inflated with zlib and
 * their CRC-32 verified; each member is decoded by npz_parse_npy (io/npy.h). */
#include "io/npz_read.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

typedef struct {
    char *key;
    uint64_t local_offset;
    uint64_t comp_size;
    uint64_t size;
    uint32_t crc;
    uint16_t method;
} npz_entry;

struct npz_file {
    char *path;
    const unsigned char *map;
    size_t len;
    npz_entry *entries;
    size_t count;
};

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* [off, off+n) lies inside a buffer of len bytes. */
static int in_bounds(uint64_t off, uint64_t n, size_t len)
{
    return off <= len && n <= len - off;
}

static void entries_free(npz_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].key);
    free(e);
}

void npz_read_close(npz_file *f)
{
    if (!f)
        return;
    if (f->map)
        munmap((void *)f->map, f->len);
    entries_free(f->entries, f->count);
    free(f->path);
    free(f);
}

/* ZIP64 extended information extra field: values present only for the
 * fields that are 0xFFFFFFFF in the fixed record, in this order. */
static int apply_zip64_extra(const unsigned char *ex, size_t exlen, npz_entry *e, int need_size,
                             int need_comp, int need_off)
{
    size_t p = 0;
    while (p + 4 <= exlen) {
        uint16_t id = rd16(ex + p), sz = rd16(ex + p + 2);
        if (p + 4 + sz > exlen)
            return -1;
        if (id == 0x0001) {
            const unsigned char *d = ex + p + 4;
            size_t q = 0;
            if (need_size) {
                if (q + 8 > sz)
                    return -1;
                e->size = rd64(d + q);
                q += 8;
            }
            if (need_comp) {
                if (q + 8 > sz)
                    return -1;
                e->comp_size = rd64(d + q);
                q += 8;
            }
            if (need_off) {
                if (q + 8 > sz)
                    return -1;
                e->local_offset = rd64(d + q);
            }
            return 0;
        }
        p += 4 + (size_t)sz;
    }
    return (need_size || need_comp || need_off) ? -1 : 0;
}

static lp_status parse_directory(npz_file *f, lp_error *err)
{
    const unsigned char *m = f->map;
    size_t len = f->len;
    if (len < 22)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: not an NPZ/ZIP file (only %zu bytes)", f->path,
                            len);
    /* End of central directory: the last signature within 64 KiB + 22. */
    size_t eocd = SIZE_MAX;
    size_t lowest = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t p = len - 22 + 1; p-- > lowest;) {
        if (rd32(m + p) == 0x06054b50 && p + 22 + rd16(m + p + 20) <= len) {
            eocd = p;
            break;
        }
    }
    if (eocd == SIZE_MAX)
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: not an NPZ/ZIP file (no end-of-central-directory record)",
                            f->path);
    uint64_t count = rd16(m + eocd + 10);
    uint64_t cd_size = rd32(m + eocd + 12);
    uint64_t cd_off = rd32(m + eocd + 16);
    if (count == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
        /* ZIP64 locator sits right before the classic record. */
        if (eocd < 20 || rd32(m + eocd - 20) != 0x07064b50)
            return lp_error_set(err, LP_ERR_FORMAT, "%s: ZIP64 locator missing", f->path);
        uint64_t z64 = rd64(m + eocd - 20 + 8);
        if (!in_bounds(z64, 56, len) || rd32(m + z64) != 0x06064b50)
            return lp_error_set(err, LP_ERR_FORMAT, "%s: damaged ZIP64 end record", f->path);
        count = rd64(m + z64 + 32);
        cd_size = rd64(m + z64 + 40);
        cd_off = rd64(m + z64 + 48);
    }
    if (!in_bounds(cd_off, cd_size, len))
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: central directory (offset %llu, %llu bytes) lies outside the "
                            "file (%zu bytes): truncated?",
                            f->path, (unsigned long long)cd_off, (unsigned long long)cd_size, len);
    if (count > cd_size / 46)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: %llu entries cannot fit the directory",
                            f->path, (unsigned long long)count);
    f->entries = calloc(count ? count : 1, sizeof *f->entries);
    if (!f->entries)
        return lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory", f->path);
    uint64_t p = cd_off, end = cd_off + cd_size;
    for (uint64_t i = 0; i < count; i++) {
        if (!in_bounds(p, 46, end) || rd32(m + p) != 0x02014b50)
            return lp_error_set(err, LP_ERR_FORMAT, "%s: damaged central directory entry %llu",
                                f->path, (unsigned long long)i);
        npz_entry *e = &f->entries[f->count];
        e->method = rd16(m + p + 10);
        e->crc = rd32(m + p + 16);
        e->comp_size = rd32(m + p + 20);
        e->size = rd32(m + p + 24);
        size_t nlen = rd16(m + p + 28), xlen = rd16(m + p + 30), clen = rd16(m + p + 32);
        e->local_offset = rd32(m + p + 42);
        if (!in_bounds(p + 46, nlen + xlen + clen, end))
            return lp_error_set(err, LP_ERR_FORMAT, "%s: damaged central directory entry %llu",
                                f->path, (unsigned long long)i);
        if (apply_zip64_extra(m + p + 46 + nlen, xlen, e, e->size == 0xFFFFFFFFu,
                              e->comp_size == 0xFFFFFFFFu, e->local_offset == 0xFFFFFFFFu))
            return lp_error_set(err, LP_ERR_FORMAT, "%s: damaged ZIP64 extra field in entry %llu",
                                f->path, (unsigned long long)i);
        size_t klen = nlen;
        if (klen >= 4 && !memcmp(m + p + 46 + nlen - 4, ".npy", 4))
            klen -= 4;
        e->key = malloc(klen + 1);
        if (!e->key)
            return lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory", f->path);
        memcpy(e->key, m + p + 46, klen);
        e->key[klen] = '\0';
        if (strlen(e->key) != klen) {
            free(e->key);
            e->key = NULL;
            return lp_error_set(err, LP_ERR_FORMAT, "%s: entry %llu has a NUL in its name", f->path,
                                (unsigned long long)i);
        }
        f->count++;
        p += 46 + nlen + xlen + clen;
    }
    return LP_OK;
}

lp_status npz_read_open(const char *path, npz_file **out, lp_error *err)
{
    *out = NULL;
    npz_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        lp_error_set(err, LP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
        npz_read_close(f);
        return LP_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        lp_error_set(err, LP_ERR_IO, "%s is not a regular file", path);
        npz_read_close(f);
        return LP_ERR_IO;
    }
    f->len = (size_t)st.st_size;
    if (f->len > 0) {
        void *m = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            lp_error_set(err, LP_ERR_IO, "cannot map %s: %s", path, strerror(errno));
            f->len = 0;
            npz_read_close(f);
            return LP_ERR_IO;
        }
        f->map = m;
    }
    close(fd);
    lp_status s = parse_directory(f, err);
    if (s != LP_OK) {
        npz_read_close(f);
        return s;
    }
    *out = f;
    return LP_OK;
}

size_t npz_read_count(const npz_file *f)
{
    return f->count;
}
const char *npz_read_key(const npz_file *f, size_t i)
{
    return i < f->count ? f->entries[i].key : NULL;
}

static const npz_entry *find_entry(const npz_file *f, const char *key)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->entries[i].key, key))
            return &f->entries[i];
    return NULL;
}

int npz_read_has(const npz_file *f, const char *key)
{
    return find_entry(f, key) != NULL;
}

/* ---- members ---------------------------------------------------------- */

static lp_status read_member(npz_file *f, const npz_entry *e, unsigned char **out, size_t *outlen,
                             lp_error *err)
{
    const unsigned char *m = f->map;
    if (!in_bounds(e->local_offset, 30, f->len) || rd32(m + e->local_offset) != 0x04034b50)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: damaged local header of '%s'", f->path,
                            e->key);
    uint64_t data =
        e->local_offset + 30 + rd16(m + e->local_offset + 26) + rd16(m + e->local_offset + 28);
    if (!in_bounds(data, e->comp_size, f->len))
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: member '%s' (%llu bytes) extends past the end of the file: "
                            "truncated?",
                            f->path, e->key, (unsigned long long)e->comp_size);
    if (e->size > SIZE_MAX - 1)
        return lp_error_set(err, LP_ERR_NOMEM, "%s: member '%s' too large", f->path, e->key);
    if (e->method == 0 && e->size != e->comp_size)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: stored member '%s' has inconsistent sizes",
                            f->path, e->key);
    if (e->method != 0 && e->method != 8)
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: member '%s' uses compression method %u (only stored and "
                            "deflate are supported)",
                            f->path, e->key, (unsigned)e->method);
    /* Deflate cannot expand more than ~1032:1; refuse absurd sizes early. */
    if (e->method == 8 && e->size / 1032 > e->comp_size + 1024)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: member '%s' claims an impossible size",
                            f->path, e->key);
    unsigned char *buf = malloc(e->size ? e->size : 1);
    if (!buf)
        return lp_error_set(err, LP_ERR_NOMEM, "%s: out of memory for '%s'", f->path, e->key);
    if (e->method == 0) {
        memcpy(buf, m + data, e->size);
    } else if (e->method == 8) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
            free(buf);
            return lp_error_set(err, LP_ERR_NOMEM, "zlib inflateInit failed");
        }
        /* Feed in chunks: zlib counts are 32-bit. */
        uint64_t in_left = e->comp_size, out_done = 0;
        const unsigned char *in = m + data;
        int rc = Z_OK;
        while (rc == Z_OK) {
            uInt in_chunk = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
            uint64_t out_left = e->size - out_done;
            uInt out_chunk = out_left > (1u << 30) ? (1u << 30) : (uInt)out_left;
            z.next_in = (Bytef *)in;
            z.avail_in = in_chunk;
            z.next_out = buf + out_done;
            z.avail_out = out_chunk;
            rc = inflate(&z, Z_NO_FLUSH);
            in += in_chunk - z.avail_in;
            in_left -= in_chunk - z.avail_in;
            out_done += out_chunk - z.avail_out;
            if (rc == Z_OK && in_chunk == z.avail_in && out_chunk == z.avail_out)
                rc = Z_BUF_ERROR; /* no progress */
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END || out_done != e->size) {
            free(buf);
            return lp_error_set(err, LP_ERR_FORMAT, "%s: member '%s' does not inflate (%s)",
                                f->path, e->key, rc == Z_STREAM_END ? "size mismatch" : "corrupt");
        }
    } else {
        free(buf);
        return lp_error_set(err, LP_ERR_UNSUPPORTED,
                            "%s: member '%s' uses compression method %u (only stored and deflate "
                            "are supported)",
                            f->path, e->key, e->method);
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    for (uint64_t done = 0; done < e->size;) {
        uint64_t left = e->size - done;
        uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
        crc = crc32(crc, buf + done, chunk);
        done += chunk;
    }
    if ((uint32_t)crc != e->crc) {
        free(buf);
        return lp_error_set(err, LP_ERR_FORMAT, "%s: member '%s' fails its CRC-32 check", f->path,
                            e->key);
    }
    *out = buf;
    *outlen = (size_t)e->size;
    return LP_OK;
}

lp_status npz_read_array(npz_file *f, const char *key, npz_array *out, lp_error *err)
{
    memset(out, 0, sizeof *out);
    const npz_entry *e = find_entry(f, key);
    if (!e)
        return lp_error_set(err, LP_ERR_RANGE, "%s: no key '%s'", f->path, key);
    unsigned char *buf = NULL;
    size_t len = 0;
    lp_status s = read_member(f, e, &buf, &len, err);
    if (s != LP_OK)
        return s;
    char what[512];
    snprintf(what, sizeof what, "%s: '%s'", f->path, key);
    s = npz_parse_npy(buf, len, what, out, err);
    free(buf);
    return s;
}

lp_status npz_read_f64(npz_file *f, const char *key, double **out, size_t *n, lp_error *err)
{
    *out = NULL;
    *n = 0;
    npz_array a;
    lp_status s = npz_read_array(f, key, &a, err);
    if (s != LP_OK)
        return s;
    if (a.dtype == NPZ_UNICODE) {
        npz_array_free(&a);
        return lp_error_set(err, LP_ERR_FORMAT, "%s: '%s' holds text, expected numbers", f->path,
                            key);
    }
    double *v = malloc((a.n ? a.n : 1) * sizeof *v);
    if (!v) {
        npz_array_free(&a);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < a.n; i++) {
        switch (a.dtype) {
        case NPZ_FLOAT64: v[i] = ((const double *)a.data)[i]; break;
        case NPZ_INT64: v[i] = (double)((const int64_t *)a.data)[i]; break;
        case NPZ_DATETIME64_MS: { /* ms since the epoch; NaT -> NaN */
            int64_t ms = ((const int64_t *)a.data)[i];
            v[i] = ms == NPZ_NAT ? NAN : (double)ms;
            break;
        }
        case NPZ_INT8: v[i] = ((const int8_t *)a.data)[i]; break;
        default: v[i] = ((const uint8_t *)a.data)[i]; break;
        }
    }
    *n = a.n;
    npz_array_free(&a);
    *out = v;
    return LP_OK;
}
