/* The simulator's kernels read back through lpmap's SPICE subset agree with
 * the analytic mission model the truth is computed from (docs/spice.md, docs/physics.md
 * §7): UTC->ET, LP and Sun positions, IAU_MOON orientation. Skips with a
 * message while the SPK writer or reader is a placeholder. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim_mission.h"
#include "sim/sim_run.h"
#include "spice/spice.h"

static char dir[4096];
static spice_kernels *kernels;

static int setup(void **state)
{
    (void)state;
    if (!ts_mkdtemp(dir))
        return -1;
    char out[4200];
    snprintf(out, sizeof out, "%s/sim", dir);
    sim_options o;
    sim_options_init(&o);
    o.out_dir = out;
    o.days = 2;
    o.sweeps_per_day = 4;
    sim_summary sum;
    lp_error err;
    if (sim_run(&o, &sum, &err) != LP_OK) {
        print_message("simulate failed: %s\n", err.message);
        return 0; /* NEED_KERNELS fails every test */
    }
    char kdir[4300];
    snprintf(kdir, sizeof kdir, "%s/spice_kernels", out);
    if (spice_load_dir(kdir, &kernels, &err) != LP_OK) {
        print_message("loading the kernels failed: %s\n", err.message);
        kernels = NULL;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (kernels)
        spice_free(kernels);
    ts_rmtree(dir);
    return 0;
}

#define NEED_KERNELS()                                                                             \
    do {                                                                                           \
        if (!kernels)                                                                              \
            fail_msg("the simulated kernels could not be written or loaded (see above)");          \
    } while (0)

static const char *const TIMES[] = {"1998-04-01T00:00:17", "1998-04-01T13:37:00.5",
                                    "1998-04-02T23:59:59"};

static void test_et_matches(void **state)
{
    (void)state;
    NEED_KERNELS();
    const double unix_s[] = {891388817.0, 891437820.5, 891561599.0};
    for (int i = 0; i < 3; i++) {
        double et;
        lp_error err;
        assert_int_equal(spice_utc_to_et(kernels, TIMES[i], &et, &err), LP_OK);
        assert_close(et, sim_et_from_unix(unix_s[i]), 0, 1e-6);
    }
}

static void test_positions_and_frames_match(void **state)
{
    (void)state;
    NEED_KERNELS();
    const double unix0 = 891388800.0;
    for (int i = 0; i < 200; i++) {
        double et = sim_et_from_unix(unix0 + 863.7 * i);
        lp_error err;
        double lp_j[6], lp_k[3], sun_k[3], sun_j[3], m_k[3][3], m_s[3][3];
        sim_lp_state_moon(et, lp_j);
        assert_int_equal(spice_pos(kernels, NAIF_LP, NAIF_MOON, SPICE_FRAME_J2000, et, lp_k, &err),
                         LP_OK);
        for (int c = 0; c < 3; c++)
            assert_close(lp_k[c], lp_j[c], 0, 1e-5); /* km */
        sim_sun_from_moon(et, sun_j);
        assert_int_equal(
            spice_pos(kernels, NAIF_SUN, NAIF_MOON, SPICE_FRAME_J2000, et, sun_k, &err), LP_OK);
        for (int c = 0; c < 3; c++)
            assert_close(sun_k[c], sun_j[c], 0, 1e-2); /* km at 1 AU */
        assert_int_equal(
            spice_xform(kernels, SPICE_FRAME_J2000, SPICE_FRAME_IAU_MOON, et, m_k, &err), LP_OK);
        sim_iau_moon_matrix(et, m_s);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                assert_close(m_k[r][c], m_s[r][c], 0, 1e-10); /* round-off of W ~ -8000 deg */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_et_matches),
        cmocka_unit_test(test_positions_and_frames_match),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
