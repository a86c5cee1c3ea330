/* Tests of theta.tab (docs/formats.md §2) and the instrument constants derived
 * from it (docs/physics.md §1), including the original's counts per row from
 * the golden file. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/theta.h"
#include "physics/instrument.h"

static const double bands[4] = {78.75, 56.25, 33.75, 11.25};
static const int per_sign[4] = {4, 8, 16, 16};

/* The 88 elevations band by band, negative sign first. */
static void standard_theta(double th[LP_N_CHANNELS])
{
    int k = 0;
    for (int b = 0; b < 4; b++)
        for (int s = -1; s <= 1; s += 2)
            for (int i = 0; i < per_sign[b]; i++)
                th[k++] = s * bands[b];
}

/* Write n values (n may differ from 88), `sep` between them; value `at`
 * (if >= 0) replaced by the text `bad`. */
static void write_theta(const char *path, int n, const char *sep, int at, const char *bad)
{
    double th[LP_N_CHANNELS];
    standard_theta(th);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int k = 0; k < n; k++) {
        if (k == at)
            fprintf(f, "%s%s", bad, sep);
        else
            fprintf(f, "%g%s", th[k % LP_N_CHANNELS], sep);
    }
    fclose(f);
}

static void test_read_good(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/theta.tab", dir);
    er_instrument inst;
    lp_error err;
    static const char *const seps[] = {"\n", " ", "\r\n", "\t", "  \n\n"};
    for (int s = 0; s < 5; s++) {
        write_theta(path, 88, seps[s], -1, NULL);
        memset(&inst, 0, sizeof inst);
        assert_int_equal(theta_read(path, &inst, &err), LP_OK);
        assert_true(inst.theta_deg[0] == -78.75);
        assert_true(inst.theta_deg[4] == 78.75);
        assert_true(inst.solid_angle_sr[0] == 0.119570);
        assert_true(inst.solid_angle_sr[10] == 0.170253);
        assert_true(inst.solid_angle_sr[30] == 0.127401);
        assert_true(inst.solid_angle_sr[87] == 0.150279);
        assert_true(inst.integration_s[0] == 2.5 / 4);
        assert_true(inst.integration_s[10] == 2.5 / 8);
        assert_true(inst.integration_s[30] == 2.5 / 16);
        assert_true(inst.integration_s[87] == 2.5 / 16);
    }
    /* values may be written any way strtod reads them */
    FILE *f = fopen(path, "w");
    double th[LP_N_CHANNELS];
    standard_theta(th);
    for (int k = 0; k < LP_N_CHANNELS; k++)
        fprintf(f, k % 2 ? "%+.4E\n" : "%.6f\n", th[k]);
    fclose(f);
    assert_int_equal(theta_read(path, &inst, &err), LP_OK);
    assert_true(inst.theta_deg[87] == 11.25);
    ts_rmtree(dir);
}

/* Any order of channels is allowed: the file defines it. */
static void test_order_is_the_files(void **state)
{
    (void)state;
    double th[LP_N_CHANNELS];
    standard_theta(th);
    for (int k = 0; k < LP_N_CHANNELS / 2; k++) { /* reverse */
        double x = th[k];
        th[k] = th[LP_N_CHANNELS - 1 - k];
        th[LP_N_CHANNELS - 1 - k] = x;
    }
    er_instrument inst;
    lp_error err;
    assert_int_equal(instrument_from_theta(th, &inst, &err), LP_OK);
    assert_true(inst.theta_deg[0] == 11.25);
    assert_true(inst.integration_s[0] == 2.5 / 16);
    assert_true(inst.integration_s[87] == 2.5 / 4);
    assert_true(inst.solid_angle_sr[87] == 0.119570);
}

static void test_bad_files(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    snprintf(path, sizeof path, "%s/theta.tab", dir);
    er_instrument inst;
    memset(&inst, 0x5a, sizeof inst);
    er_instrument untouched = inst;
    lp_error err;

    write_theta(path, 87, "\n", -1, NULL);
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "87 values, expected exactly 88"));
    write_theta(path, 89, "\n", -1, NULL);
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "89 values, expected exactly 88"));
    write_theta(path, 88, "\n", 41, "45.0");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "theta.tab:42: channel 41: elevation 45 is not one of"));
    write_theta(path, 88, "\n", 6, "-11.26");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, ":7: channel 6: elevation -11.26"));
    write_theta(path, 88, "\n", 10, "three");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "theta.tab:11: not a number: 'three'"));
    write_theta(path, 88, "\n", 3, "nan");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, ":4: not a number: 'nan'"));
    write_theta(path, 88, "\n", 3, "78.75x");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, ":4: not a number: '78.75x'"));
    /* right values, wrong band counts: 5 channels at -78.75, 3 at +78.75 */
    write_theta(path, 88, "\n", 4, "-78.75");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "5 channels at -78.75 degrees, expected 4"));
    ts_write_file(path, "");
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "0 values, expected exactly 88"));
    snprintf(path, sizeof path, "%s/missing.tab", dir);
    assert_int_equal(theta_read(path, &inst, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "missing.tab"));
    assert_int_equal(theta_read(dir, &inst, &err), LP_ERR_IO); /* a folder */
    /* no failed read touched the instrument */
    assert_memory_equal(&inst, &untouched, sizeof inst);
    ts_rmtree(dir);
}

/* The integration-time convention settled against the original: its
 * counts_row for the golden sweep is reproduced exactly with
 * t_c = 2.5 s / (channels of that sign in the band). */
static void test_golden_counts(void **state)
{
    (void)state;
    ts_json *g = ts_golden();
    if (!g) {
        fail_msg("missing test data: golden reference values absent");
        return;
    }
    double th[LP_N_CHANNELS], e[LP_N_ENERGIES], want[LP_N_ENERGIES];
    static double flux[LP_N_ENERGIES * LP_N_CHANNELS];
    assert_int_equal(ts_json_flatten(ts_json_get(g, "theta_channel_order"), th, LP_N_CHANNELS),
                     LP_N_CHANNELS);
    assert_int_equal(ts_json_flatten(ts_json_get(g, "sweep/energies"), e, LP_N_ENERGIES),
                     LP_N_ENERGIES);
    assert_int_equal(ts_json_flatten(ts_json_get(g, "sweep/counts_row"), want, LP_N_ENERGIES),
                     LP_N_ENERGIES);
    assert_int_equal(
        ts_json_flatten(ts_json_get(g, "sweep/flux"), flux, LP_N_ENERGIES * LP_N_CHANNELS),
        LP_N_ENERGIES * LP_N_CHANNELS);
    er_instrument inst;
    lp_error err;
    assert_int_equal(instrument_from_theta(th, &inst, &err), LP_OK);
    for (int i = 0; i < LP_N_ENERGIES; i++) {
        double c = instrument_row_counts(flux + i * LP_N_CHANNELS, inst.integration_s, e[i]);
        assert_close(c, want[i], 1e-9, 0);
    }
    /* the other reading (both signs' channels) is off by a factor ~2 */
    double t2[LP_N_CHANNELS];
    for (int c = 0; c < LP_N_CHANNELS; c++)
        t2[c] = inst.integration_s[c] / 2;
    assert_true(fabs(instrument_row_counts(flux, t2, e[0]) - want[0]) > 0.4 * want[0]);
    ts_json_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_good),
        cmocka_unit_test(test_order_is_the_files),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_golden_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
