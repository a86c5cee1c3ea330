/* The simulator's truth geometry is what the pipeline recovers from the
 * written files (docs/physics.md §7, docs/formats.md §7): for every sweep of a
 * simulated day, B as printed in the TAB file, ET from the UTC text, the
 * written kernels and attitude table give the truth's footpoint (within
 * 1e-6 deg), polarity and illumination, through attitude_read and
 * geometry_row, the pipeline's own functions. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "geometry/geometry.h"
#include "sim/sim_run.h"
#include "spice/spice.h"

static void test_truth_geometry_is_recoverable(void **state)
{
    (void)state;
    char dir[4096], path[4400];
    assert_non_null(ts_mkdtemp(dir));
    sim_options o;
    sim_options_init(&o);
    o.out_dir = dir;
    o.overwrite = 1;
    o.day = 5;
    o.days = 1;
    o.sweeps_per_day = 300;
    sim_summary sum;
    lp_error err;
    if (sim_run(&o, &sum, &err) != LP_OK) {
        ts_rmtree(dir);
        fail_msg("simulate: %s", err.message);
    }
    snprintf(path, sizeof path, "%s/spice_kernels", dir);
    spice_kernels *k = NULL;
    assert_int_equal(spice_load_dir(path, &k, &err), LP_OK);
    attitude_table att;
    memset(&att, 0, sizeof att);
    snprintf(path, sizeof path, "%s/attitude.tab", dir);
    size_t skipped = 0;
    assert_int_equal(attitude_read(path, k, &att, &skipped, &err), LP_OK);
    assert_int_equal(skipped, 0); /* the column header is not a skipped record */
    snprintf(path, sizeof path, "%s/1998/091_120APR/3D980405.TAB", dir);
    FILE *tab = fopen(path, "r");
    snprintf(path, sizeof path, "%s/truth.csv", dir);
    FILE *truth = fopen(path, "r");
    assert_non_null(tab);
    assert_non_null(truth);
    static char line[8192], tline[1024];
    assert_non_null(fgets(tline, sizeof tline, truth)); /* header */
    int sweeps = 0, footpoints = 0, row = 0;
    double worst = 0.0;
    while (fgets(line, sizeof line, tab)) {
        if (row++ % LP_N_ENERGIES)
            continue;
        assert_non_null(fgets(tline, sizeof tline, truth));
        char utc[64], tutc[64];
        double t, e, b[3];
        long spec;
        assert_int_equal(
            sscanf(line, "%63s %lf %lf %ld %lf %lf %lf", utc, &t, &e, &spec, &b[0], &b[1], &b[2]),
            7);
        if (b[0] == 0.0 && b[1] == 0.0 && b[2] == 0.0)
            continue; /* the invalid-sweep wart */
        double lat, lon, u, r, a, usc, n, kap, te;
        int pol, scs;
        char fsun[16];
        long tspec;
        assert_int_equal(
            sscanf(tline, "%ld,%63[^,],%lf,%lf,%d,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%d,%15[^,]", &tspec,
                   tutc, &lat, &lon, &pol, &u, &r, &a, &usc, &n, &kap, &te, &scs, fsun),
            14);
        assert_string_equal(utc, tutc);
        assert_int_equal(tspec, spec);
        double et;
        assert_int_equal(spice_utc_to_et(k, utc, &et, &err), LP_OK);
        row_geometry rg;
        assert_int_equal(geometry_row(k, &att, et, b, &rg, &err), LP_OK);
        assert_true(rg.ok);
        assert_int_equal(rg.polarity, pol);
        assert_int_equal(rg.sc_sunlit, scs);
        if (pol != 0) {
            double d =
                fmax(fabs(rg.foot_lat - lat), fabs(rg.foot_lon - lon) * cos(lat * LP_PI / 180));
            worst = fmax(worst, d);
            assert_int_equal(rg.foot_sunlit, atoi(fsun));
            footpoints++;
        } else {
            assert_string_equal(fsun, "NaN");
            assert_true(isnan(lat) && isnan(lon) && isnan(u));
        }
        sweeps++;
    }
    print_message("%d sweeps, %d footpoints, worst footpoint difference %.3g deg\n", sweeps,
                  footpoints, worst);
    assert_true(sweeps >= 295);
    assert_true(footpoints >= 50);
    assert_true(worst < 1e-6);
    fclose(tab);
    fclose(truth);
    attitude_free(&att);
    spice_free(k);
    ts_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truth_geometry_is_recoverable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
