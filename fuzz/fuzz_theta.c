/* libFuzzer harness of the theta.tab reader (docs/formats.md §2): the input is
 * written to a scratch file (theta_read takes a path). */
#include "fuzz_common.h"
#include "io/theta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_scratch(data, size, ".tab");
    if (!path)
        return 0;
    er_instrument inst;
    lp_error err = {0};
    lp_status st = theta_read(path, &inst, &err);
    if (st != LP_OK)
        FUZZ_CHECK(err.message[0] != 0);
    return 0;
}
