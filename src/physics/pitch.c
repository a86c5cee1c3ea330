/* Per-row pitch angles (docs/physics.md §2). */
#include "physics/pitch.h"

#include <stdint.h>
#include <string.h>

/* cos and sin of x·π/180 for the few distinct angles of a row: the 88
 * channels have 8 elevations and (in ER data) 16 azimuths, so a small
 * open-addressing memo keyed by the angle's exact bits replaces ~150 of the
 * row's 176 sincos calls. Same inputs, same calls: the doubles are those of
 * pitch_look_direction (tests/test_pitch_memo.c; docs/performance.md
 * "Pitch angles once per day"). A row of all-distinct angles fills the
 * memo to TRIG_MEMO_MAX and computes the rest directly. */
#define TRIG_MEMO_SIZE 256
#define TRIG_MEMO_MAX 192
typedef struct {
    uint64_t key[TRIG_MEMO_SIZE];
    double c[TRIG_MEMO_SIZE], s[TRIG_MEMO_SIZE];
    unsigned char used[TRIG_MEMO_SIZE];
    int n;
} trig_memo;

static void trig_memo_get(trig_memo *m, double deg, double *c, double *s)
{
    uint64_t bits;
    memcpy(&bits, &deg, sizeof bits);
    unsigned h = (unsigned)((bits * UINT64_C(0x9E3779B97F4A7C15)) >> 56); /* 8 bits */
    while (m->used[h]) {
        if (m->key[h] == bits) {
            *c = m->c[h];
            *s = m->s[h];
            return;
        }
        h = (h + 1) & (TRIG_MEMO_SIZE - 1);
    }
    const double rad = LP_PI / 180.0;
    *c = cos(deg * rad);
    *s = sin(deg * rad);
    if (m->n < TRIG_MEMO_MAX) {
        m->key[h] = bits;
        m->c[h] = *c;
        m->s[h] = *s;
        m->used[h] = 1;
        m->n++;
    }
}

void pitch_row(const er_instrument *inst, const double b[3], int polarity,
               const double phi_deg[LP_N_CHANNELS], double pitch_deg[LP_N_CHANNELS])
{
    double bhat[3];
    if (pitch_field_direction(b, polarity, bhat) != 0) {
        for (int c = 0; c < LP_N_CHANNELS; c++)
            pitch_deg[c] = NAN;
        return;
    }
    trig_memo m;
    memset(m.used, 0, sizeof m.used);
    m.n = 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (!isfinite(phi_deg[c])) {
            pitch_deg[c] = NAN;
            continue;
        }
        /* d = (cos φ cos θ, sin φ cos θ, sin θ) as in pitch_look_direction */
        double ct, st, cp, sp;
        trig_memo_get(&m, inst->theta_deg[c], &ct, &st);
        trig_memo_get(&m, phi_deg[c], &cp, &sp);
        double d[3] = {cp * ct, sp * ct, st};
        pitch_deg[c] = pitch_angle_deg(bhat, d);
    }
}
