/* lpmap_npz_*: the NPZ writer (atomic: temporary file + rename) and the
 * bounds-checked reader of io/ behind the public API. */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "io/npz.h"
#include "io/npz_read.h"

struct lpmap_npz_writer {
    npz_writer *w;
};

struct lpmap_npz {
    npz_file *f;
};

lpmap_status lpmap_npz_writer_open(const char *path, int overwrite, lpmap_npz_writer **out)
{
    api_enter();
    if (!path || !out)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_writer_open: NULL argument");
    *out = NULL;
    lpmap_npz_writer *w = calloc(1, sizeof *w);
    if (!w)
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory");
    lp_error err;
    lp_error_clear(&err);
    if (npz_writer_open(path, overwrite, &w->w, &err) != LP_OK) {
        free(w);
        return api_fail(&err);
    }
    *out = w;
    return LPMAP_OK;
}

static lpmap_status writer_add(lpmap_npz_writer *w, const char *name, npz_dtype dtype,
                               const void *values, size_t n)
{
    if (!w || !name || (!values && n))
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_writer_add: NULL argument");
    lp_error err;
    lp_error_clear(&err);
    if (npz_writer_add(w->w, name, dtype, 1, n, values, 0, 0, &err) != LP_OK)
        return api_fail(&err);
    return LPMAP_OK;
}

lpmap_status lpmap_npz_writer_add_f64(lpmap_npz_writer *w, const char *name, const double *values,
                                      size_t n)
{
    return writer_add(w, name, NPZ_FLOAT64, values, n);
}

lpmap_status lpmap_npz_writer_add_i64(lpmap_npz_writer *w, const char *name, const int64_t *values,
                                      size_t n)
{
    return writer_add(w, name, NPZ_INT64, values, n);
}

lpmap_status lpmap_npz_writer_commit(lpmap_npz_writer *w)
{
    if (!w)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_writer_commit: NULL writer");
    lp_error err;
    lp_error_clear(&err);
    lp_status st = npz_writer_commit(w->w, &err);
    free(w);
    return st == LP_OK ? LPMAP_OK : api_fail(&err);
}

void lpmap_npz_writer_abort(lpmap_npz_writer *w)
{
    if (!w)
        return;
    npz_writer_abort(w->w);
    free(w);
}

lpmap_status lpmap_npz_open(const char *path, lpmap_npz **out)
{
    api_enter();
    if (!path || !out)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_open: NULL argument");
    *out = NULL;
    lpmap_npz *f = calloc(1, sizeof *f);
    if (!f)
        return api_fail_msg(LPMAP_ERR_NOMEM, "out of memory");
    lp_error err;
    lp_error_clear(&err);
    if (npz_read_open(path, &f->f, &err) != LP_OK) {
        free(f);
        return api_fail(&err);
    }
    *out = f;
    return LPMAP_OK;
}

void lpmap_npz_close(lpmap_npz *f)
{
    if (!f)
        return;
    npz_read_close(f->f);
    free(f);
}

size_t lpmap_npz_count(const lpmap_npz *f)
{
    return f ? npz_read_count(f->f) : 0;
}

const char *lpmap_npz_key(const lpmap_npz *f, size_t i)
{
    return f && i < npz_read_count(f->f) ? npz_read_key(f->f, i) : NULL;
}

lpmap_status lpmap_npz_shape(lpmap_npz *f, const char *key, int *ndim, size_t shape[8])
{
    if (!f || !key || !ndim || !shape)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_shape: NULL argument");
    lp_error err;
    lp_error_clear(&err);
    npz_array a;
    if (npz_read_array(f->f, key, &a, &err) != LP_OK)
        return api_fail(&err);
    *ndim = a.ndim;
    for (int d = 0; d < a.ndim && d < 8; d++)
        shape[d] = a.shape[d];
    npz_array_free(&a);
    return LPMAP_OK;
}

lpmap_status lpmap_npz_read_f64(lpmap_npz *f, const char *key, double **values, size_t *n)
{
    if (!f || !key || !values || !n)
        return api_fail_msg(LPMAP_ERR_USAGE, "lpmap_npz_read_f64: NULL argument");
    *values = NULL;
    *n = 0;
    lp_error err;
    lp_error_clear(&err);
    if (npz_read_f64(f->f, key, values, n, &err) != LP_OK)
        return api_fail(&err);
    return LPMAP_OK;
}
