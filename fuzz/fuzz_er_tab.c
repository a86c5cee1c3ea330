/* libFuzzer harness of the ER 3-D flux table reader (docs/formats.md §1,
 * docs/decisions.md "Hardening"): arbitrary bytes through er_table_read_buffer in both
 * strict and lenient mode, then the sweep index of what was kept. */
#include "fuzz_common.h"
#include "io/er_tab.h"

static void check_table(const er_table *t)
{
    for (size_t i = 0; i < t->n_rows; i++) {
        FUZZ_CHECK(memchr(t->utc[i], 0, ER_TEXT_WIDTH) != NULL);
        FUZZ_CHECK(memchr(t->time_text[i], 0, ER_TEXT_WIDTH) != NULL);
    }
    er_sweeps sw = {0};
    lp_error err = {0};
    if (er_sweeps_build(t, &sw, &err) == LP_OK) {
        size_t rows = 0;
        for (size_t s = 0; s < sw.n_sweeps; s++) {
            FUZZ_CHECK(sw.start[s] < t->n_rows && sw.n_rows[s] > 0);
            rows += (size_t)sw.n_rows[s];
        }
        FUZZ_CHECK(rows == t->n_rows);
        er_sweeps_free(&sw);
    } else {
        FUZZ_CHECK(err.message[0] != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int strict = 0; strict <= 1; strict++) {
        er_table t;
        er_table_init(&t);
        er_read_options opt = {.strict = strict};
        er_read_stats stats;
        memset(&stats, 0, sizeof stats);
        lp_error err = {0};
        lp_status st =
            er_table_read_buffer((const char *)data, size, "fuzz.tab", &opt, &t, &stats, &err);
        if (st == LP_OK) {
            FUZZ_CHECK(stats.rows_kept == t.n_rows);
            check_table(&t);
        } else {
            FUZZ_CHECK(err.message[0] != 0);
            FUZZ_CHECK(t.n_rows == 0); /* unchanged on error */
        }
        er_table_free(&t);
    }
    return 0;
}
