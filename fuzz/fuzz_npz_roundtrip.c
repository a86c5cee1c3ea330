/* libFuzzer harness of the NPZ writer (docs/npz.md): the input is decoded
 * into up to 8 arrays (dtype, 0-d or 1-d, length, values), written with
 * npz_writer_*, committed, read back with npz_read_* and compared: same
 * keys, dtypes, shapes and bytes (strings as strings). Any difference aborts. */
#include "fuzz_common.h"
#include "io/npz.h"
#include "io/npz_read.h"

#define MAX_ARRAYS 8
#define MAX_N 64
#define MAX_WIDTH 8

typedef struct {
    npz_dtype dtype;
    int ndim;
    size_t n;
    int width;
    size_t stride; /* bytes per element in `data` */
    unsigned char data[MAX_N * 8 > MAX_N *(MAX_WIDTH + 1) ? MAX_N * 8 : MAX_N *(MAX_WIDTH + 1)];
} plan_array;

typedef struct {
    const uint8_t *p;
    size_t left;
} reader;

static uint8_t take(reader *r)
{
    if (!r->left)
        return 0;
    r->left--;
    return *r->p++;
}

static size_t elem_size(npz_dtype d)
{
    return d == NPZ_FLOAT64 || d == NPZ_INT64 || d == NPZ_DATETIME64_MS ? 8 : 1;
}

static void plan_one(reader *r, plan_array *a)
{
    uint8_t b = take(r);
    a->dtype = (npz_dtype)(b % 6);
    a->ndim = (b >> 3) & 1;
    a->n = a->ndim ? take(r) % (MAX_N + 1) : 1;
    a->width = 1 + take(r) % MAX_WIDTH;
    memset(a->data, 0, sizeof a->data);
    if (a->dtype == NPZ_UNICODE) {
        a->stride = (size_t)a->width + 1;
        for (size_t i = 0; i < a->n; i++) {
            size_t len = take(r) % (size_t)(a->width + 1);
            for (size_t c = 0; c < len; c++)
                a->data[i * a->stride + c] = (unsigned char)(0x20 + take(r) % 95);
        }
    } else {
        a->stride = elem_size(a->dtype);
        for (size_t i = 0; i < a->n * a->stride; i++)
            a->data[i] = take(r);
        if (a->dtype == NPZ_BOOL)
            for (size_t i = 0; i < a->n; i++)
                a->data[i] &= 1;
    }
}

static void compare(const plan_array *w, const npz_array *g)
{
    FUZZ_CHECK(g->dtype == w->dtype);
    FUZZ_CHECK(g->ndim == w->ndim);
    FUZZ_CHECK(g->n == w->n);
    if (w->ndim == 1)
        FUZZ_CHECK(g->shape[0] == w->n);
    if (w->dtype == NPZ_UNICODE) {
        FUZZ_CHECK(g->width >= 1);
        for (size_t i = 0; i < w->n; i++) {
            const char *got = (const char *)g->data + i * g->stride;
            const char *want = (const char *)w->data + i * w->stride;
            FUZZ_CHECK(strcmp(got, want) == 0);
        }
    } else {
        FUZZ_CHECK(w->n == 0 || memcmp(g->data, w->data, w->n * w->stride) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static plan_array arrays[MAX_ARRAYS];
    reader r = {data, size};
    int n_arrays = 1 + take(&r) % MAX_ARRAYS;
    for (int i = 0; i < n_arrays; i++)
        plan_one(&r, &arrays[i]);

    const char *path = fuzz_scratch_path("-rt.npz");
    npz_writer *w = NULL;
    lp_error err = {0};
    if (npz_writer_open(path, 1, &w, &err) != LP_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, err.message);
        abort();
    }
    for (int i = 0; i < n_arrays; i++) {
        char name[16];
        snprintf(name, sizeof name, "k%d", i);
        const plan_array *a = &arrays[i];
        lp_status st =
            npz_writer_add(w, name, a->dtype, a->ndim, a->n, a->data, a->stride, a->width, &err);
        if (st != LP_OK) {
            fprintf(stderr, "npz_writer_add %s: %s\n", name, err.message);
            abort();
        }
    }
    FUZZ_CHECK(npz_writer_commit(w, &err) == LP_OK);

    npz_file *f = NULL;
    if (npz_read_open(path, &f, &err) != LP_OK) {
        fprintf(stderr, "reading back: %s\n", err.message);
        abort();
    }
    FUZZ_CHECK(npz_read_count(f) == (size_t)n_arrays);
    for (int i = 0; i < n_arrays; i++) {
        char name[16];
        snprintf(name, sizeof name, "k%d", i);
        npz_array g;
        memset(&g, 0, sizeof g);
        if (npz_read_array(f, name, &g, &err) != LP_OK) {
            fprintf(stderr, "reading back %s: %s\n", name, err.message);
            abort();
        }
        compare(&arrays[i], &g);
        npz_array_free(&g);
    }
    npz_read_close(f);
    return 0;
}
