/* libFuzzer harness of the text-kernel parser (docs/spice.md §1): arbitrary text
 * into a pool (loaded twice, so replacement and `+=` paths run), then a few
 * look-ups the LSK/PCK code makes. */
#include "fuzz_common.h"
#include "spice/textkernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    tk_pool pool;
    memset(&pool, 0, sizeof pool);
    for (int pass = 0; pass < 2; pass++) {
        lp_error err = {0};
        if (tk_pool_load_text(&pool, text, "fuzz.tls", &err) != LP_OK) {
            FUZZ_CHECK(err.message[0] != 0);
            break;
        }
    }
    for (size_t i = 0; i < pool.n; i++) {
        const tk_var *v = &pool.vars[i];
        FUZZ_CHECK(v->name != NULL && v->n <= v->cap);
        FUZZ_CHECK(tk_pool_get(&pool, v->name) != NULL);
        if (v->is_string)
            for (size_t j = 0; j < v->n; j++)
                FUZZ_CHECK(v->strs[j] != NULL && strlen(v->strs[j]) < (size_t)-1);
    }
    (void)tk_pool_get_nums(&pool, "DELTET/DELTA_AT", 2);
    (void)tk_pool_get_nums(&pool, "BODY301_POLE_RA", 3);
    tk_pool_free(&pool);
    free(text);
    return 0;
}
