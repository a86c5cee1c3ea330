/* Tests of the batch driver's pure pieces (docs/npz.md): result columns,
 * the spectrum order (ascending spec_no, stable), gathering, output names. */
#include "test_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/batch.h"
#include "pipeline/stages.h"
#include "pipeline/sweep_status.h"

static void test_columns_and_order(void **state)
{
    (void)state;
    batch_results r;
    results_init(&r);
    int64_t specs[6] = {7, 3, 9, 3, 1, 8};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(column_push(&r.spec[SPEC_SPEC_NO], &specs[i]), 0);
        double u = 10.0 * i;
        assert_int_equal(column_push(&r.spec[SPEC_USURF], &u), 0);
        char t[ER_TEXT_WIDTH] = {0};
        snprintf(t, sizeof t, "t%d", i);
        assert_int_equal(column_push(&r.spec[SPEC_TIME_START], t), 0);
    }
    /* many pushes force the columns to grow */
    for (int i = 0; i < 10000; i++) {
        int64_t s = i;
        assert_int_equal(column_push(&r.rows[ROW_SPEC_NO], &s), 0);
    }
    assert_int_equal(results_n_rows(&r), 10000);
    assert_int_equal(((int64_t *)r.rows[ROW_SPEC_NO].data)[9999], 9999);
    assert_int_equal(results_n_spec(&r), 6);
    size_t *idx = results_spectrum_order(&r);
    assert_non_null(idx);
    size_t want[6] = {4, 1, 3, 0, 5, 2}; /* 1, 3 (first), 3 (second), 7, 8, 9 */
    for (int i = 0; i < 6; i++)
        assert_int_equal(idx[i], want[i]);
    double *u = column_gather(&r.spec[SPEC_USURF], idx, 6);
    char *t = column_gather(&r.spec[SPEC_TIME_START], idx, 6);
    assert_non_null(u);
    assert_non_null(t);
    assert_close(u[0], 40.0, 0, 0);
    assert_close(u[5], 20.0, 0, 0);
    assert_string_equal(t + 2 * ER_TEXT_WIDTH, "t3");
    free(u);
    free(t);
    free(idx);
    results_free(&r);
}

static void test_output_names(void **state)
{
    (void)state;
    batch_options o;
    batch_options_init(&o);
    char buf[512];
    o.output_dir = "out";
    output_path(&o, buf, sizeof buf);
    assert_string_equal(buf, "out/potential_batch_all.npz");
    o.year = 1998;
    output_path(&o, buf, sizeof buf);
    assert_string_equal(buf, "out/potential_batch_1998.npz");
    o.month = 4;
    output_path(&o, buf, sizeof buf);
    assert_string_equal(buf, "out/potential_batch_1998_04.npz");
    o.day = 7;
    output_path(&o, buf, sizeof buf);
    assert_string_equal(buf, "out/potential_batch_1998_04_07.npz");
    assert_string_equal(batch_stage_name(STAGE_FIT), "losscone_fit");
}

/* Every code and flag has a distinct snake_case name; out of range is "unknown". */
static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(sweep_status_name(SWEEP_OK), "ok");
    assert_string_equal(sweep_status_name(SWEEP_LC_AT_BOUND), "lc_at_bound");
    assert_string_equal(sweep_status_name(-1), "unknown");
    assert_string_equal(sweep_status_name(SWEEP_STATUS_COUNT), "unknown");
    for (int i = 0; i < SWEEP_STATUS_COUNT; i++) {
        const char *a = sweep_status_name(i);
        assert_string_not_equal(a, "unknown");
        for (const char *c = a; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
        for (int j = 0; j < i; j++)
            assert_string_not_equal(a, sweep_status_name(j));
    }
    for (int b = 0; b < FIT_FLAG_COUNT; b++) {
        assert_string_not_equal(fit_flag_name(b), "unknown");
        for (int j = 0; j < b; j++)
            assert_string_not_equal(fit_flag_name(b), fit_flag_name(j));
    }
    assert_string_equal(fit_flag_name(FIT_FLAG_COUNT), "unknown");
}

/* UTC text -> ms since the epoch (rows_datetime), checked against dates
 * whose Unix time is known; malformed text is refused. */
static void test_utc_to_unix_ms(void **state)
{
    (void)state;
    int64_t ms = -1;
    assert_true(results_utc_to_unix_ms("1970-01-01T00:00:00.000", &ms) && ms == 0);
    assert_true(results_utc_to_unix_ms("1998-04-01T00:00:17.125", &ms) && ms == 891388817125LL);
    assert_true(results_utc_to_unix_ms("1998-05-01T00:00:17", &ms) && ms == 893980817000LL);
    assert_true(results_utc_to_unix_ms("2000-02-29 12:30:05.5", &ms) && ms == 951827405500LL);
    assert_true(results_utc_to_unix_ms("1969-12-31T23:59:59.999", &ms) && ms == -1);
    assert_true(results_utc_to_unix_ms("1998-12-31T23:59:60.000", &ms) &&
                ms == 915148800000LL); /* a leap second reads as the next second, as NumPy */
    assert_false(results_utc_to_unix_ms("1998-13-01T00:00:00", &ms));
    assert_false(results_utc_to_unix_ms("1998-04-01", &ms));
    assert_false(results_utc_to_unix_ms("1998-04-01T00:00:00.", &ms));
    assert_false(results_utc_to_unix_ms("1998-04-01T00:00:00x", &ms));
    assert_false(results_utc_to_unix_ms("garbage", &ms));
}

static void test_defaults(void **state)
{
    (void)state;
    batch_options o;
    batch_options_init(&o);
    assert_string_equal(o.data_dir, "data");
    assert_string_equal(o.output_dir, "artifacts/potential_cache");
    assert_int_equal(o.seed, 42);
    assert_int_equal(o.method, FIT_METHOD_HALEKAS);
    assert_int_equal(o.normalization, NORM_RATIO);
    assert_close(o.u_width_identifiable_max_v, 200.0, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_and_order), cmocka_unit_test(test_output_names),
        cmocka_unit_test(test_defaults),          cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_utc_to_unix_ms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
