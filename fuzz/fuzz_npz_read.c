/* libFuzzer harness of the NPZ reader (docs/npz.md) on arbitrary bytes:
 * the input as a whole NPZ (scratch file: npz_read_open takes a path), every
 * entry decoded, and the same bytes as a bare .npy image. */
#include "fuzz_common.h"
#include "io/npz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npz_array a;
    lp_error err = {0};
    memset(&a, 0, sizeof a);
    if (npz_parse_npy(data, size, "fuzz.npy", &a, &err) == LP_OK)
        npz_array_free(&a);
    else
        FUZZ_CHECK(err.message[0] != 0);

    const char *path = fuzz_write_scratch(data, size, ".npz");
    if (!path)
        return 0;
    npz_file *f = NULL;
    if (npz_read_open(path, &f, &err) != LP_OK) {
        FUZZ_CHECK(err.message[0] != 0);
        return 0;
    }
    size_t n = npz_read_count(f);
    for (size_t i = 0; i < n && i < 64; i++) {
        const char *key = npz_read_key(f, i);
        FUZZ_CHECK(key != NULL && npz_read_has(f, key));
        memset(&a, 0, sizeof a);
        if (npz_read_array(f, key, &a, &err) == LP_OK) {
            FUZZ_CHECK(a.ndim >= 0 && a.ndim <= NPZ_READ_MAX_DIMS);
            npz_array_free(&a);
        }
        double *v = NULL;
        size_t nv = 0;
        if (npz_read_f64(f, key, &v, &nv, &err) == LP_OK)
            free(v);
    }
    npz_read_close(f);
    return 0;
}
