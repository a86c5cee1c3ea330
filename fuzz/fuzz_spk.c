/* libFuzzer harness of the DAF/SPK reader and segment evaluation (docs/spice.md
 * §3): the input becomes a scratch .bsp loaded through spice_load_files
 * (file record, summary list, spk_params_init of every segment); then each
 * segment's target is evaluated relative to its center at the start, middle
 * and end of its coverage and just outside it, and the kernel set is
 * described (`lpmap spice info`). */
#include <math.h>

#include "fuzz_common.h"
#include "spice/daf.h"
#include "spice/spice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_scratch(data, size, ".bsp");
    if (!path)
        return 0;
    spice_kernels *k = NULL;
    lp_error err = {0};
    if (spice_load_files(&path, 1, &k, &err) != LP_OK) {
        FUZZ_CHECK(err.message[0] != 0);
        return 0;
    }
    /* The same file through the DAF layer, for the list of segments. */
    daf_file f;
    memset(&f, 0, sizeof f);
    if (daf_open_spk(path, &f, &err) == LP_OK) {
        for (size_t i = 0; i < f.n_sums && i < 16; i++) {
            const daf_summary *s = &f.sums[i];
            double t[5] = {s->et0, s->et1, 0.5 * (s->et0 + s->et1), s->et0 - 1.0, s->et1 + 1.0};
            for (int j = 0; j < 5; j++) {
                double st[6];
                lp_error e2 = {0};
                lp_status qs =
                    spice_state(k, s->target, s->center, SPICE_FRAME_J2000, t[j], st, &e2);
                if (qs != LP_OK)
                    FUZZ_CHECK(e2.message[0] != 0);
                qs = spice_state(k, s->target, 0, SPICE_FRAME_ECLIPJ2000, t[j], st, &e2);
                (void)qs;
            }
        }
        daf_close(&f);
    }
    char *text = NULL;
    if (spice_describe(k, &text, &err) == LP_OK)
        free(text);
    spice_free(k);
    return 0;
}
