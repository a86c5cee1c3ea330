/* Counter-based random numbers (Philox4x64-10 from Random123), usable from
 * C and CUDA. A stream is keyed by (run seed, stream id — usually the global
 * sweep index) and addressed by a 4-word counter (phase, generation, member,
 * draw), so a value never depends on thread count, batch size, order or
 * device (docs/physics.md §4.4, "ours"). */
#ifndef LPMAP_CORE_RNG_H
#define LPMAP_CORE_RNG_H

#include <stdint.h>

#include <Random123/philox.h>

#include "core/hostdev.h"

/* Phases keep the streams of different algorithm stages apart. */
enum {
    RNG_PHASE_LC_LHS = 1,     /* loss-cone LHS phase (stream id: RNG_STREAM_SHARED) */
    RNG_PHASE_LC_DE_INIT = 2, /* loss-cone DE initial population */
    RNG_PHASE_LC_DE = 3,      /* loss-cone DE generations */
    RNG_PHASE_KAPPA_DE_INIT = 4,
    RNG_PHASE_KAPPA_DE = 5,
    RNG_PHASE_KAPPA_REFIT_DE_INIT = 6, /* sunlit refit after the energy shift */
    RNG_PHASE_KAPPA_REFIT_DE = 7,
    RNG_PHASE_SIM = 100, /* simulator and benchmark inputs (100+) */
    RNG_PHASE_TEST = 1000
};

/* Stream id for draws shared by every sweep of a run (the LHS sample set). */
#define RNG_STREAM_SHARED UINT64_C(0xFFFFFFFFFFFFFFFF)

typedef struct {
    uint64_t seed;
    uint64_t stream;
} rng_key;

LP_HD rng_key rng_make_key(uint64_t seed, uint64_t stream)
{
    rng_key k;
    k.seed = seed;
    k.stream = stream;
    return k;
}

/* A stream id from a sweep's own identity (two 64-bit words, e.g. its time
 * in ms and its spec_no): SplitMix64's finaliser on each word, combined, so
 * near-identical identities get unrelated streams. Never RNG_STREAM_SHARED.
 * docs/decisions.md "Sweep streams". */
LP_HD uint64_t rng_mix64(uint64_t z)
{
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

LP_HD uint64_t rng_stream_of(uint64_t a, uint64_t b)
{
    uint64_t s = rng_mix64(rng_mix64(a) ^ b);
    return s == RNG_STREAM_SHARED ? s - 1 : s;
}

/* Four raw 64-bit words for one counter value. */
LP_HD void rng_words4(rng_key key, uint64_t phase, uint64_t gen, uint64_t member, uint64_t draw,
                      uint64_t out[4])
{
    philox4x64_ctr_t c = {{phase, gen, member, draw}};
    philox4x64_key_t k = {{key.seed, key.stream}};
    philox4x64_ctr_t r = philox4x64(c, k);
    out[0] = r.v[0];
    out[1] = r.v[1];
    out[2] = r.v[2];
    out[3] = r.v[3];
}

/* 53-bit uniform in [0, 1). */
LP_HD double rng_u01(uint64_t w)
{
    return (double)(w >> 11) * (1.0 / 9007199254740992.0);
}

/* Four uniforms in [0, 1) for one counter value. */
LP_HD void rng_uniform4(rng_key key, uint64_t phase, uint64_t gen, uint64_t member, uint64_t draw,
                        double out[4])
{
    uint64_t w[4];
    rng_words4(key, phase, gen, member, draw, w);
    for (int i = 0; i < 4; i++)
        out[i] = rng_u01(w[i]);
}

/* Uniform integer in [0, n) from a uniform u in [0, 1). */
LP_HD int rng_index(double u, int n)
{
    int i = (int)(u * n);
    return i < n ? i : n - 1;
}

#endif
