/* pitch_row (physics/pitch.c) reuses cos/sin of repeated angles within a
 * row (docs/performance.md "Pitch angles once per day"): its doubles must be
 * those of the direct formula (pitch_look_direction + pitch_angle_deg) bit
 * for bit, for ER-like rows (8 elevations, 16 azimuths), all-distinct
 * angles, memo collisions, ±0, NaN azimuths and every polarity. */
#include "test_support.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "physics/pitch.h"

static uint64_t rng_state = 0x243F6A8885A308D3ULL;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}

/* The formula before the memo, channel by channel. */
static void pitch_direct(const er_instrument *inst, const double b[3], int polarity,
                         const double *phi, double *out)
{
    double bhat[3];
    int ok = pitch_field_direction(b, polarity, bhat) == 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (!ok || !isfinite(phi[c])) {
            out[c] = NAN;
            continue;
        }
        double d[3];
        pitch_look_direction(inst->theta_deg[c], phi[c], d);
        out[c] = pitch_angle_deg(bhat, d);
    }
}

static void assert_same_bits(const double *a, const double *b)
{
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (isnan(a[c]) && isnan(b[c]))
            continue;
        if (memcmp(&a[c], &b[c], sizeof a[c]) != 0)
            fail_msg("channel %d: %.17g (memo) vs %.17g (direct)", c, a[c], b[c]);
    }
}

static void standard_theta(er_instrument *inst)
{
    static const double bands[4] = {78.75, 56.25, 33.75, 11.25};
    static const int per_sign[4] = {4, 8, 16, 16};
    int k = 0;
    for (int b = 0; b < 4; b++)
        for (int s = -1; s <= 1; s += 2)
            for (int i = 0; i < per_sign[b]; i++)
                inst->theta_deg[k++] = s * bands[b];
}

static void check_row(const er_instrument *inst, const double b[3], const double *phi)
{
    static const int pols[4] = {PITCH_POLARITY_DEFAULT, 1, -1, 0};
    for (int k = 0; k < 4; k++) {
        double memo[LP_N_CHANNELS], direct[LP_N_CHANNELS];
        pitch_row(inst, b, pols[k], phi, memo);
        pitch_direct(inst, b, pols[k], phi, direct);
        assert_same_bits(memo, direct);
    }
}

static void random_field(double b[3])
{
    for (int i = 0; i < 3; i++)
        b[i] = (uniform() - 0.5) * 40.0;
}

/* ER-like rows: 16 azimuths 22.5° apart with a per-row offset, repeated. */
static void test_er_like_rows(void **state)
{
    (void)state;
    er_instrument inst;
    standard_theta(&inst);
    for (int row = 0; row < 20000; row++) {
        double b[3], phi[LP_N_CHANNELS];
        random_field(b);
        double off = floor(uniform() * 36000.0) / 100.0;
        for (int c = 0; c < LP_N_CHANNELS; c++)
            phi[c] = fmod(off + 22.5 * (c % 16), 360.0);
        if (row % 7 == 0)
            phi[row % LP_N_CHANNELS] = NAN; /* a fill value */
        check_row(&inst, b, phi);
    }
}

/* Every angle distinct (the memo misses and overwrites) and arbitrary
 * elevations, including ones that collide in the memo's 64 slots. */
static void test_distinct_angles(void **state)
{
    (void)state;
    er_instrument inst;
    for (int row = 0; row < 5000; row++) {
        double b[3], phi[LP_N_CHANNELS];
        random_field(b);
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            inst.theta_deg[c] = (uniform() - 0.5) * 180.0;
            phi[c] = (uniform() - 0.2) * 720.0;
        }
        check_row(&inst, b, phi);
    }
}

/* ±0, huge and tiny angles, NaN everywhere, and unusable fields. */
static void test_edge_values(void **state)
{
    (void)state;
    er_instrument inst;
    standard_theta(&inst);
    inst.theta_deg[0] = -0.0;
    inst.theta_deg[1] = 0.0;
    inst.theta_deg[2] = 1e300;
    inst.theta_deg[3] = 5e-324;
    double phi[LP_N_CHANNELS];
    for (int c = 0; c < LP_N_CHANNELS; c++)
        phi[c] = (c % 3 == 0) ? 0.0 : (c % 3 == 1 ? -0.0 : 359.99);
    phi[10] = INFINITY;
    phi[11] = -1e308;
    double b[3] = {1.0, -2.0, 0.5};
    check_row(&inst, b, phi);
    double zero[3] = {0.0, 0.0, 0.0}, inf[3] = {INFINITY, 0.0, 0.0}, nan3[3] = {NAN, 1.0, 1.0};
    check_row(&inst, zero, phi);
    check_row(&inst, inf, phi);
    check_row(&inst, nan3, phi);
    for (int c = 0; c < LP_N_CHANNELS; c++)
        phi[c] = NAN;
    check_row(&inst, b, phi);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_er_like_rows),
        cmocka_unit_test(test_distinct_angles),
        cmocka_unit_test(test_edge_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
