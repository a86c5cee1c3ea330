/* libFuzzer harness of the attitude.tab reader (docs/formats.md §3): the input is
 * written to a scratch file (attitude_read takes a path); the LSK it needs
 * for UTC→ET is the repository's tests/data/naif0012.tls, loaded once. The
 * spin axis is then interpolated across the table's span. */
#include <math.h>

#include "fuzz_common.h"
#include "geometry/geometry.h"

static spice_kernels *kernels;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *lsk = LPMAP_FUZZ_LSK;
    lp_error err = {0};
    if (spice_load_files(&lsk, 1, &kernels, &err) != LP_OK) {
        fprintf(stderr, "fuzz_attitude: cannot load %s: %s\n", lsk, err.message);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_scratch(data, size, ".tab");
    if (!path)
        return 0;
    attitude_table t;
    memset(&t, 0, sizeof t);
    size_t skipped = 0;
    lp_error err = {0};
    if (attitude_read(path, kernels, &t, &skipped, &err) != LP_OK) {
        FUZZ_CHECK(err.message[0] != 0);
        return 0;
    }
    for (size_t i = 1; i < t.n; i++)
        FUZZ_CHECK(t.et[i] > t.et[i - 1]); /* the reader promises increasing times */
    if (t.n > 0) {
        double axis[3];
        double a = t.et[0], b = t.et[t.n - 1];
        for (int j = 0; j <= 4; j++)
            (void)attitude_spin_axis(&t, a + (b - a) * j / 4.0, axis);
        (void)attitude_spin_axis(&t, a - 1.0, axis);
        (void)attitude_spin_axis(&t, NAN, axis);
    }
    attitude_free(&t);
    return 0;
}
