/* DAF/SPK reader (docs/spice.md §3): reads the whole file once, validates the
 * file record (LOCIDW, ND = 2, NI = 6, LOCFMT, FTP string), walks the
 * doubly linked summary records and converts segment data to host order. */
#include "spice/daf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const unsigned char daf_ftp_string[DAF_FTP_LEN] = {
    'F',  'T',  'P', 'S',  'T', 'R',  ':',  '\r', ':', '\n', ':', '\r', '\n', ':',
    '\r', '\0', ':', 0x81, ':', 0x10, 0xCE, ':',  'E', 'N',  'D', 'F',  'T',  'P'};

int daf_host_little_endian(void)
{
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

static uint32_t swap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static uint64_t swap64(uint64_t v)
{
    return ((uint64_t)swap32((uint32_t)v) << 32) | swap32((uint32_t)(v >> 32));
}

static int32_t get_i32(const unsigned char *p, int swapped)
{
    uint32_t v;
    memcpy(&v, p, 4);
    if (swapped)
        v = swap32(v);
    return (int32_t)v;
}

static double get_f64(const unsigned char *p, int swapped)
{
    uint64_t v;
    memcpy(&v, p, 8);
    if (swapped)
        v = swap64(v);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static void copy_trim(char *dst, const unsigned char *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (dst[i] == '\0' || (unsigned char)dst[i] < 32)
            dst[i] = ' ';
    size_t len = n;
    while (len > 0 && dst[len - 1] == ' ')
        len--;
    dst[len] = '\0';
}

void daf_close(daf_file *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->words);
    free(f->sums);
    memset(f, 0, sizeof *f);
}

lp_status daf_open_spk(const char *path, daf_file *out, lp_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return lp_error_set(err, LP_ERR_IO, "cannot open SPK %s: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0) {
        fclose(fp);
        return lp_error_set(err, LP_ERR_IO, "cannot seek in %s", path);
    }
    long size = ftell(fp);
    rewind(fp);
    if (size < DAF_RECORD_BYTES) {
        fclose(fp);
        return lp_error_set(err, LP_ERR_FORMAT,
                            "%s: truncated DAF (%ld bytes, shorter than a file record)", path,
                            size);
    }
    size_t nw = ((size_t)size + 7) / 8;
    double *words = calloc(nw, 8);
    if (!words) {
        fclose(fp);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory reading %s", path);
    }
    size_t got = fread(words, 1, (size_t)size, fp);
    fclose(fp);
    if (got != (size_t)size) {
        free(words);
        return lp_error_set(err, LP_ERR_IO, "error reading %s", path);
    }
    const unsigned char *b = (const unsigned char *)words;
    lp_status st = LP_OK;
    out->words = words;
    out->n_words = (size_t)size / 8;
    out->path = strdup(path);
    if (!out->path) {
        st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (memcmp(b, "DAF/SPK ", 8) != 0 && memcmp(b, "NAIF/DAF", 8) != 0) {
        char id[9];
        copy_trim(id, b, 8);
        st = lp_error_set(err, LP_ERR_FORMAT,
                          "%s: not an SPK file (id word '%s', expected 'DAF/SPK')", path, id);
        goto fail;
    }
    char fmt[9];
    copy_trim(fmt, b + 88, 8);
    int host_le = daf_host_little_endian();
    int swapped;
    if (strcmp(fmt, "LTL-IEEE") == 0)
        swapped = !host_le;
    else if (strcmp(fmt, "BIG-IEEE") == 0)
        swapped = host_le;
    else if (fmt[0] == '\0') {
        /* pre-1999 files: infer from ND */
        swapped = get_i32(b + 8, 0) != 2;
    } else {
        st = lp_error_set(err, LP_ERR_FORMAT,
                          "%s: unsupported binary format '%s' (need LTL-IEEE or BIG-IEEE)", path,
                          fmt);
        goto fail;
    }
    out->swapped = swapped;
    int nd = get_i32(b + 8, swapped), ni = get_i32(b + 12, swapped);
    if (nd != 2 || ni != 6) {
        st = lp_error_set(err, LP_ERR_FORMAT, "%s: ND=%d NI=%d, an SPK needs ND=2 NI=6", path, nd,
                          ni);
        goto fail;
    }
    /* FTP string: absent (all NUL) in old files, otherwise must be intact */
    const unsigned char *ftp = b + 699;
    int all_zero = 1;
    for (int i = 0; i < DAF_FTP_LEN; i++)
        if (ftp[i])
            all_zero = 0;
    if (!all_zero && memcmp(ftp, daf_ftp_string, DAF_FTP_LEN) != 0) {
        st = lp_error_set(
            err, LP_ERR_FORMAT,
            "%s: damaged file (FTP validation string corrupted, e.g. by a text-mode transfer)",
            path);
        goto fail;
    }
    copy_trim(out->internal_name, b + 16, 60);
    int fward = get_i32(b + 76, swapped);
    size_t nrec = (size_t)size / DAF_RECORD_BYTES;
    size_t cap = 0;
    int rec = fward;
    size_t visited = 0;
    const int ss = 5; /* summary size in doubles: ND + (NI+1)/2 */
    while (rec != 0) {
        if (rec < 2 || (size_t)rec > nrec) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s: summary record %d outside the file (%zu records; truncated?)",
                              path, rec, nrec);
            goto fail;
        }
        if (++visited > nrec) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s: summary record list loops", path);
            goto fail;
        }
        const unsigned char *sr = b + (size_t)(rec - 1) * DAF_RECORD_BYTES;
        double next = get_f64(sr, swapped), nsum_d = get_f64(sr + 16, swapped);
        /* Range-check before converting: a double outside int is UB. */
        int nsum = (nsum_d >= 0.0 && nsum_d <= 25.0) ? (int)nsum_d : -1;
        if (!(next >= 0.0 && next <= (double)nrec)) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s: record %d: next-summary pointer %g is "
                              "outside the file",
                              path, rec, next);
            goto fail;
        }
        if (nsum < 0 || nsum > 25 || (double)nsum != nsum_d) {
            st = lp_error_set(err, LP_ERR_FORMAT, "%s: record %d: bad summary count %g", path, rec,
                              nsum_d);
            goto fail;
        }
        if ((size_t)rec + 1 > nrec && nsum > 0) {
            st = lp_error_set(err, LP_ERR_FORMAT,
                              "%s: name record %d beyond the end of the file (truncated?)", path,
                              rec + 1);
            goto fail;
        }
        const unsigned char *nr = sr + DAF_RECORD_BYTES;
        for (int i = 0; i < nsum; i++) {
            const unsigned char *s = sr + 24 + (size_t)i * ss * 8;
            daf_summary d;
            d.et0 = get_f64(s, swapped);
            d.et1 = get_f64(s + 8, swapped);
            d.target = get_i32(s + 16, swapped);
            d.center = get_i32(s + 20, swapped);
            d.frame = get_i32(s + 24, swapped);
            d.type = get_i32(s + 28, swapped);
            d.start = get_i32(s + 32, swapped);
            d.end = get_i32(s + 36, swapped);
            copy_trim(d.name, nr + (size_t)i * ss * 8, 40);
            if (d.start < 1 || d.end < d.start || (size_t)d.end > out->n_words) {
                st = lp_error_set(
                    err, LP_ERR_FORMAT,
                    "%s: segment '%s' (body %d): addresses %d..%d beyond the end of the file "
                    "(%zu words; truncated?)",
                    path, d.name, d.target, d.start, d.end, out->n_words);
                goto fail;
            }
            if (out->n_sums == cap) {
                cap = cap ? 2 * cap : 16;
                daf_summary *ns = realloc(out->sums, cap * sizeof *ns);
                if (!ns) {
                    st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                    goto fail;
                }
                out->sums = ns;
            }
            out->sums[out->n_sums++] = d;
        }
        rec = (int)next;
    }
    /* segment data to host order (each word once, segments may not overlap
     * but guard anyway with a marker pass) */
    if (swapped) {
        unsigned char *done = calloc(out->n_words, 1);
        if (!done) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        uint64_t *w = (uint64_t *)words;
        for (size_t i = 0; i < out->n_sums; i++)
            for (int a = out->sums[i].start; a <= out->sums[i].end; a++)
                if (!done[a - 1]) {
                    w[a - 1] = swap64(w[a - 1]);
                    done[a - 1] = 1;
                }
        free(done);
    }
    return LP_OK;
fail:
    daf_close(out);
    return st;
}
