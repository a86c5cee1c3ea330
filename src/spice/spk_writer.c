/* SPK writer (docs/spice.md §6): DAF/SPK files in either byte order with
 * Chebyshev segments (types 2, 3) fitted to a state function and discrete
 * state segments (types 8, 9, 12, 13). Segments are buffered and the file
 * (file record, summary/name records, data) is written at close. */
#include "spice/spk_writer.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spice/daf.h"
#include "spice/spk.h"

typedef struct {
    double et0, et1;
    int target, center, frame, type;
    char name[41];
    double *data;
    size_t n;
} wseg;

struct spk_writer {
    char *path;
    char ifname[61];
    int big_endian;
    wseg *segs;
    size_t n_segs, cap;
};

lp_status spk_writer_open(const char *path, const char *internal_name, int big_endian,
                          spk_writer **out, lp_error *err)
{
    *out = NULL;
    spk_writer *w = calloc(1, sizeof *w);
    if (!w)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    w->path = strdup(path);
    if (!w->path) {
        free(w);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    snprintf(w->ifname, sizeof w->ifname, "%s", internal_name ? internal_name : "lpmap SPK");
    w->big_endian = big_endian != 0;
    /* fail early when the path cannot be created */
    FILE *f = fopen(path, "wb");
    if (!f) {
        lp_error_set(err, LP_ERR_IO, "cannot create SPK %s: %s", path, strerror(errno));
        free(w->path);
        free(w);
        return LP_ERR_IO;
    }
    fclose(f);
    *out = w;
    return LP_OK;
}

static void writer_free(spk_writer *w)
{
    for (size_t i = 0; i < w->n_segs; i++)
        free(w->segs[i].data);
    free(w->segs);
    free(w->path);
    free(w);
}

static lp_status check_common(const spk_writer *w, int target, int center, int frame,
                              const char *segment_id, lp_error *err)
{
    if (!w)
        return lp_error_set(err, LP_ERR_USAGE, "SPK writer is not open");
    if (target == center)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: target and center are both %d",
                            target);
    if (frame != 1 && frame != 2 && frame != 3 && frame != 17)
        return lp_error_set(err, LP_ERR_USAGE,
                            "SPK segment: frame code %d not supported (1, 2, 3, 17)", frame);
    if (segment_id && strlen(segment_id) > 40)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment id '%s' longer than 40 characters",
                            segment_id);
    return LP_OK;
}

static lp_status add_segment(spk_writer *w, int type, int target, int center, int frame, double et0,
                             double et1, double *data, size_t n, const char *segment_id,
                             lp_error *err)
{
    if (w->n_segs == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 8;
        wseg *s = realloc(w->segs, cap * sizeof *s);
        if (!s) {
            free(data);
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        }
        w->segs = s;
        w->cap = cap;
    }
    wseg *s = &w->segs[w->n_segs++];
    s->et0 = et0;
    s->et1 = et1;
    s->target = target;
    s->center = center;
    s->frame = frame;
    s->type = type;
    snprintf(s->name, sizeof s->name, "%s", segment_id ? segment_id : "");
    s->data = data;
    s->n = n;
    return LP_OK;
}

lp_status spk_write_chebyshev(spk_writer *w, int type, int target, int center, int frame,
                              double et0, double et1, double interval_s, int degree,
                              spk_state_fn fn, void *ctx, const char *segment_id, lp_error *err)
{
    lp_status st = check_common(w, target, center, frame, segment_id, err);
    if (st != LP_OK)
        return st;
    if (type != 2 && type != 3)
        return lp_error_set(err, LP_ERR_USAGE, "spk_write_chebyshev: type %d (need 2 or 3)", type);
    if (!(et1 > et0) || !isfinite(et0) || !isfinite(et1))
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: bad time span %g .. %g", et0, et1);
    if (!(interval_s > 0))
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: record interval must be > 0");
    if (degree < 1 || degree > 50)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: Chebyshev degree %d outside 1..50",
                            degree);
    /* records tile [et0, et1] exactly: the interval is shortened if needed */
    double span = et1 - et0;
    double nrec_d = ceil(span / interval_s - 1e-9);
    if (nrec_d < 1)
        nrec_d = 1;
    if (nrec_d > 1e7)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: too many records (%g)", nrec_d);
    size_t nrec = (size_t)nrec_d;
    double intlen = span / (double)nrec;
    int ncoef = degree + 1, ncomp = type == 2 ? 3 : 6;
    size_t rsize = 2 + (size_t)ncomp * ncoef;
    size_t n = nrec * rsize + 4;
    double *data = malloc(n * sizeof *data);
    double *vals = malloc((size_t)ncoef * 6 * sizeof *vals);
    double *tk = malloc((size_t)ncoef * ncoef * sizeof *tk);
    if (!data || !vals || !tk) {
        free(data);
        free(vals);
        free(tk);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    /* T_j(x_k) at the Chebyshev nodes */
    for (int k = 0; k < ncoef; k++) {
        double x = cos(M_PI * (k + 0.5) / ncoef);
        double t0 = 1.0, t1 = x;
        for (int j = 0; j < ncoef; j++) {
            double t = j == 0 ? 1.0 : j == 1 ? x : 2.0 * x * t1 - t0;
            if (j >= 2) {
                t0 = t1;
                t1 = t;
            }
            tk[k * ncoef + j] = t;
        }
    }
    for (size_t r = 0; r < nrec; r++) {
        double a = et0 + (double)r * intlen;
        double b = r + 1 == nrec ? et1 : et0 + (double)(r + 1) * intlen;
        double mid = 0.5 * (a + b), rad = 0.5 * (b - a);
        double *rec = data + r * rsize;
        rec[0] = mid;
        rec[1] = rad;
        for (int k = 0; k < ncoef; k++) {
            double x = cos(M_PI * (k + 0.5) / ncoef);
            if (fn(mid + rad * x, vals + 6 * k, ctx) != 0) {
                free(data);
                free(vals);
                free(tk);
                return lp_error_set(err, LP_ERR_RANGE,
                                    "SPK segment '%s': state function failed at ET %.3f",
                                    segment_id ? segment_id : "", mid + rad * x);
            }
        }
        for (int c = 0; c < ncomp; c++)
            for (int j = 0; j < ncoef; j++) {
                double s = 0.0;
                for (int k = 0; k < ncoef; k++)
                    s += vals[6 * k + c] * tk[k * ncoef + j];
                s *= 2.0 / ncoef;
                if (j == 0)
                    s *= 0.5;
                rec[2 + c * ncoef + j] = s;
            }
    }
    free(vals);
    free(tk);
    data[n - 4] = et0;
    data[n - 3] = intlen;
    data[n - 2] = (double)rsize;
    data[n - 1] = (double)nrec;
    return add_segment(w, type, target, center, frame, et0, et1, data, n, segment_id, err);
}

lp_status spk_write_discrete(spk_writer *w, int type, int target, int center, int frame,
                             const double *epochs, const double *states, int n, int degree,
                             const char *segment_id, lp_error *err)
{
    lp_status st = check_common(w, target, center, frame, segment_id, err);
    if (st != LP_OK)
        return st;
    if (type != 8 && type != 9 && type != 12 && type != 13)
        return lp_error_set(err, LP_ERR_USAGE, "spk_write_discrete: type %d (need 8, 9, 12, 13)",
                            type);
    int hermite = type == 12 || type == 13;
    int window;
    if (hermite) {
        if (degree < 1 || degree > 27 || degree % 2 == 0)
            return lp_error_set(err, LP_ERR_USAGE,
                                "type %d: Hermite degree %d must be odd and in 1..27", type,
                                degree);
        window = (degree + 1) / 2;
    } else {
        if (degree < 1 || degree > 27)
            return lp_error_set(err, LP_ERR_USAGE, "type %d: Lagrange degree %d outside 1..27",
                                type, degree);
        window = degree + 1;
    }
    if (n < 2 || n < window)
        return lp_error_set(err, LP_ERR_USAGE, "type %d: %d states, need at least %d", type, n,
                            window > 2 ? window : 2);
    for (int i = 0; i < n; i++) {
        if (!isfinite(epochs[i]) || (i > 0 && !(epochs[i] > epochs[i - 1])))
            return lp_error_set(err, LP_ERR_USAGE,
                                "type %d: epochs must be finite and strictly increasing (index %d)",
                                type, i);
        for (int c = 0; c < 6; c++)
            if (!isfinite(states[6 * i + c]))
                return lp_error_set(err, LP_ERR_USAGE, "type %d: state %d is not finite", type, i);
    }
    double step = (epochs[n - 1] - epochs[0]) / (n - 1);
    int equal = type == 8 || type == 12;
    if (equal)
        for (int i = 0; i < n; i++)
            if (fabs(epochs[i] - (epochs[0] + i * step)) > 1e-6 * step)
                return lp_error_set(err, LP_ERR_USAGE,
                                    "type %d needs evenly spaced epochs (index %d is off)", type,
                                    i);
    size_t nn = (size_t)n;
    size_t ndir = (nn - 1) / 100;
    size_t total = equal ? 6 * nn + 4 : 7 * nn + ndir + 2;
    double *data = malloc(total * sizeof *data);
    if (!data)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    memcpy(data, states, 6 * nn * sizeof *data);
    double wfield = hermite ? (double)(window - 1) : (double)degree;
    if (equal) {
        data[6 * nn] = epochs[0];
        data[6 * nn + 1] = step;
        data[6 * nn + 2] = wfield;
        data[6 * nn + 3] = (double)n;
    } else {
        memcpy(data + 6 * nn, epochs, nn * sizeof *data);
        for (size_t i = 0; i < ndir; i++)
            data[7 * nn + i] = epochs[100 * (i + 1) - 1];
        data[7 * nn + ndir] = wfield;
        data[7 * nn + ndir + 1] = (double)n;
    }
    return add_segment(w, type, target, center, frame, epochs[0], epochs[n - 1], data, total,
                       segment_id, err);
}

/* Solve a x = b (n x n, row-major, destroyed) by Gaussian elimination with
 * partial pivoting; b holds 3 right-hand sides (n x 3). Returns -1 if singular. */
static int solve_linear(double *a, double *b, int n)
{
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[piv * n + c]))
                piv = r;
        if (!(fabs(a[piv * n + c]) > 0.0))
            return -1;
        if (piv != c) {
            for (int k = 0; k < n; k++) {
                double t = a[c * n + k];
                a[c * n + k] = a[piv * n + k];
                a[piv * n + k] = t;
            }
            for (int k = 0; k < 3; k++) {
                double t = b[c * 3 + k];
                b[c * 3 + k] = b[piv * 3 + k];
                b[piv * 3 + k] = t;
            }
        }
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            for (int k = c; k < n; k++)
                a[r * n + k] -= f * a[c * n + k];
            for (int k = 0; k < 3; k++)
                b[r * 3 + k] -= f * b[c * 3 + k];
        }
    }
    for (int r = n - 1; r >= 0; r--)
        for (int k = 0; k < 3; k++) {
            double s = b[r * 3 + k];
            for (int j = r + 1; j < n; j++)
                s -= a[r * n + j] * b[j * 3 + k];
            b[r * 3 + k] = s / a[r * n + r];
        }
    return 0;
}

lp_status spk_write_difference_lines(spk_writer *w, int type, int target, int center, int frame,
                                     double et0, double et1, double interval_s, int order,
                                     spk_state_fn fn, void *ctx, const char *segment_id,
                                     lp_error *err)
{
    lp_status st = check_common(w, target, center, frame, segment_id, err);
    if (st != LP_OK)
        return st;
    if (type != 1 && type != 21)
        return lp_error_set(err, LP_ERR_USAGE, "spk_write_difference_lines: type %d (need 1 or 21)",
                            type);
    int maxdim = type == 1 ? 15 : order;
    if (order < 2 || order > (type == 1 ? 15 : 25))
        return lp_error_set(err, LP_ERR_USAGE, "type %d: order %d outside 2..%d", type, order,
                            type == 1 ? 15 : 25);
    if (!(et1 > et0) || !isfinite(et0) || !isfinite(et1) || !(interval_s > 0))
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: bad time span or interval");
    double nrec_d = ceil((et1 - et0) / interval_s - 1e-9);
    if (nrec_d < 1)
        nrec_d = 1;
    if (nrec_d > 1e7)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: too many records (%g)", nrec_d);
    size_t nrec = (size_t)nrec_d;
    double len = (et1 - et0) / (double)nrec;
    size_t dl = 4 * (size_t)maxdim + 11;
    size_t ndir = nrec / 100;
    size_t n = nrec * dl + nrec + ndir + (type == 21 ? 2 : 1);
    double *data = calloc(n, sizeof *data);
    double *basis = malloc((size_t)order * order * sizeof *basis);
    double *rhs = malloc((size_t)order * 3 * sizeof *rhs);
    double *scratch = calloc(dl, sizeof *scratch);
    if (!data || !basis || !rhs || !scratch) {
        free(data);
        free(basis);
        free(rhs);
        free(scratch);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    int K = order;
    for (size_t r = 0; r < nrec; r++) {
        double tl = r + 1 == nrec ? et1 : et0 + (double)(r + 1) * len;
        double s0[6], s[6];
        double *rec = data + r * dl;
        /* step sizes: nodes TL - j·h spread over the record */
        double h = len / (double)(K > 1 ? K - 1 : 1);
        rec[0] = tl;
        for (int j = 0; j < maxdim; j++)
            rec[1 + j] = (double)(j + 1) * h;
        rec[4 * maxdim + 7] = K + 1;
        rec[4 * maxdim + 8] = rec[4 * maxdim + 9] = rec[4 * maxdim + 10] = K;
        if (fn(tl, s0, ctx) != 0)
            goto fn_failed;
        for (int i = 0; i < 3; i++) {
            rec[maxdim + 1 + 2 * i] = s0[i];
            rec[maxdim + 2 + 2 * i] = s0[i + 3];
        }
        /* basis: x-position of a record with DT_j = 1 and zero reference
         * state is Δ² w_j(Δ) */
        memcpy(scratch, rec, dl * sizeof *scratch);
        for (int i = 0; i < 6; i++)
            scratch[maxdim + 1 + i] = 0.0;
        for (int k = 0; k < K; k++) {
            /* Chebyshev-Lobatto points of [-len, 0] without 0 (fixed by x0, v0) */
            double delta = -len * 0.5 * (1.0 - cos(M_PI * (k + 1) / K));
            delta = (tl + delta) - tl; /* the offset the reader will see, exactly */
            for (int j = 0; j < K; j++) {
                for (int q = 0; q < 3 * maxdim; q++)
                    scratch[maxdim + 7 + q] = 0.0;
                scratch[maxdim + 7 + j] = 1.0;
                double st6[6];
                spk_mda_eval_record(scratch, maxdim, tl + delta, st6);
                basis[k * K + j] = st6[0] / (delta * delta);
            }
            if (fn(tl + delta, s, ctx) != 0)
                goto fn_failed;
            for (int i = 0; i < 3; i++)
                rhs[k * 3 + i] = (s[i] - s0[i] - delta * s0[i + 3]) / (delta * delta);
        }
        if (solve_linear(basis, rhs, K) != 0) {
            free(data);
            free(basis);
            free(rhs);
            free(scratch);
            return lp_error_set(err, LP_ERR_RANGE, "type %d fit: singular system", type);
        }
        for (int j = 0; j < K; j++)
            for (int i = 0; i < 3; i++)
                rec[maxdim + 7 + i * maxdim + j] = rhs[j * 3 + i];
        data[nrec * dl + r] = tl;
    }
    for (size_t i = 0; i < ndir; i++)
        data[nrec * dl + nrec + i] = data[nrec * dl + 100 * (i + 1) - 1];
    if (type == 21)
        data[n - 2] = maxdim;
    data[n - 1] = (double)nrec;
    free(basis);
    free(rhs);
    free(scratch);
    return add_segment(w, type, target, center, frame, et0, et1, data, n, segment_id, err);
fn_failed:
    free(data);
    free(basis);
    free(rhs);
    free(scratch);
    return lp_error_set(err, LP_ERR_RANGE, "SPK segment '%s': state function failed",
                        segment_id ? segment_id : "");
}

lp_status spk_write_raw(spk_writer *w, int type, int target, int center, int frame, double et0,
                        double et1, const double *data, size_t n, const char *segment_id,
                        lp_error *err)
{
    if (!w)
        return lp_error_set(err, LP_ERR_USAGE, "SPK writer is not open");
    if (target == center)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: target and center are both %d",
                            target);
    if (segment_id && strlen(segment_id) > 40)
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment id '%s' longer than 40 characters",
                            segment_id);
    if (n == 0 || !(et1 >= et0))
        return lp_error_set(err, LP_ERR_USAGE, "SPK segment: empty data or bad time span");
    double *copy = malloc(n * sizeof *copy);
    if (!copy)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    memcpy(copy, data, n * sizeof *copy);
    return add_segment(w, type, target, center, frame, et0, et1, copy, n, segment_id, err);
}

/* ---- output in the chosen byte order ---- */

static void put_i32(unsigned char *p, int32_t v, int big)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++)
        p[big ? 3 - i : i] = (unsigned char)(u >> (8 * i));
}

static void put_f64(unsigned char *p, double d, int big)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 0; i < 8; i++)
        p[big ? 7 - i : i] = (unsigned char)(u >> (8 * i));
}

static void put_text(unsigned char *p, const char *s, size_t width)
{
    size_t n = strlen(s);
    if (n > width)
        n = width;
    memcpy(p, s, n);
    memset(p + n, ' ', width - n);
}

lp_status spk_writer_close(spk_writer *w, lp_error *err)
{
    if (!w)
        return lp_error_set(err, LP_ERR_USAGE, "SPK writer is not open");
    const int per_rec = 25; /* summaries per record: (128 - 3) / 5 */
    size_t nsr = w->n_segs ? (w->n_segs + per_rec - 1) / per_rec : 1;
    size_t data_rec = 2 + 2 * nsr; /* first data record (1-based) */
    size_t addr = (data_rec - 1) * 128 + 1;
    size_t total_words = 0;
    for (size_t i = 0; i < w->n_segs; i++)
        total_words += w->segs[i].n;
    size_t nrec_total = data_rec - 1 + (total_words + 127) / 128;
    size_t size = nrec_total * DAF_RECORD_BYTES;
    unsigned char *buf = calloc(size, 1);
    if (!buf) {
        writer_free(w);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    int big = w->big_endian;
    /* file record */
    memcpy(buf, "DAF/SPK ", 8);
    put_i32(buf + 8, 2, big);
    put_i32(buf + 12, 6, big);
    put_text(buf + 16, w->ifname, 60);
    put_i32(buf + 76, 2, big);
    put_i32(buf + 80, (int32_t)(2 + 2 * (nsr - 1)), big);
    put_i32(buf + 84, (int32_t)(addr + total_words), big);
    memcpy(buf + 88, big ? "BIG-IEEE" : "LTL-IEEE", 8);
    memcpy(buf + 699, daf_ftp_string, DAF_FTP_LEN);
    /* summary and name records, then data */
    size_t a = addr;
    for (size_t r = 0; r < nsr; r++) {
        size_t rec = 2 + 2 * r;
        unsigned char *sr = buf + (rec - 1) * DAF_RECORD_BYTES;
        unsigned char *nr = sr + DAF_RECORD_BYTES;
        memset(nr, ' ', DAF_RECORD_BYTES);
        size_t first = r * per_rec;
        size_t cnt = w->n_segs > first ? w->n_segs - first : 0;
        if (cnt > (size_t)per_rec)
            cnt = per_rec;
        put_f64(sr, r + 1 < nsr ? (double)(rec + 2) : 0.0, big);
        put_f64(sr + 8, r > 0 ? (double)(rec - 2) : 0.0, big);
        put_f64(sr + 16, (double)cnt, big);
        for (size_t i = 0; i < cnt; i++) {
            const wseg *s = &w->segs[first + i];
            unsigned char *d = sr + 24 + i * 40;
            put_f64(d, s->et0, big);
            put_f64(d + 8, s->et1, big);
            put_i32(d + 16, s->target, big);
            put_i32(d + 20, s->center, big);
            put_i32(d + 24, s->frame, big);
            put_i32(d + 28, s->type, big);
            put_i32(d + 32, (int32_t)a, big);
            put_i32(d + 36, (int32_t)(a + s->n - 1), big);
            put_text(nr + i * 40, s->name, 40);
            unsigned char *out = buf + (a - 1) * 8;
            for (size_t k = 0; k < s->n; k++)
                put_f64(out + 8 * k, s->data[k], big);
            a += s->n;
        }
    }
    lp_status st = LP_OK;
    FILE *f = fopen(w->path, "wb");
    if (!f)
        st = lp_error_set(err, LP_ERR_IO, "cannot create SPK %s: %s", w->path, strerror(errno));
    else {
        int bad = fwrite(buf, 1, size, f) != size;
        if (fclose(f) != 0)
            bad = 1;
        if (bad) {
            remove(w->path);
            st = lp_error_set(err, LP_ERR_IO, "cannot write SPK %s", w->path);
        }
    }
    free(buf);
    writer_free(w);
    return st;
}
