/* libFuzzer harness of the sites CSV reader of `lpmap sites`
 * (src/products/sites.c): the input is written to a scratch file
 * (sites_parse_file takes a path); every accepted site must be in range. */
#include "fuzz_common.h"
#include "products/sites.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_scratch(data, size, ".csv");
    if (!path)
        return 0;
    site_list l;
    lp_error err = {0};
    lp_status st = sites_parse_file(path, &l, &err);
    if (st != LP_OK) {
        FUZZ_CHECK(err.message[0] != 0);
        return 0;
    }
    FUZZ_CHECK(l.n > 0);
    for (size_t i = 0; i < l.n; i++) {
        FUZZ_CHECK(l.sites[i].name[0] != 0);
        FUZZ_CHECK(l.sites[i].lat >= -90 && l.sites[i].lat <= 90);
        FUZZ_CHECK(l.sites[i].lon >= -360 && l.sites[i].lon <= 360);
    }
    site_list_free(&l);
    return 0;
}
