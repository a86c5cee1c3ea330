/* Block-level building blocks of the fit bodies ("one source of physics"):
 * a fit is written once as a function of (thread id, thread count) with
 * BLOCK_SYNC() between phases. On the device it runs with a block's
 * threads; on the CPU with tid = 0, nt = 1 (BLOCK_SYNC a no-op), so the CPU
 * fitters execute exactly the code the kernels execute. */
#ifndef LPMAP_FIT_BLOCK_SYNC_H
#define LPMAP_FIT_BLOCK_SYNC_H

#include "core/hostdev.h"
#include "fit/de_core.h"

#if defined(__CUDA_ARCH__)
#define BLOCK_SYNC() __syncthreads()
#elif !defined(BLOCK_SYNC)
#define BLOCK_SYNC() ((void)0) /* a test may define it first (OpenMP barrier) */
#endif

/* Scalars of a DE run shared by the threads of a block (written by thread
 * 0 only, read by all after a BLOCK_SYNC). */
typedef struct {
    int best;                      /* index of the best member */
    int done;                      /* 1: converged */
    double history[DE_MAX_WINDOW]; /* best value at the end of the last generations */
} de_block_shared;

/* Working memory of one DE run (shared memory on the device). */
typedef struct {
    double *pop;   /* population * dim */
    double *trial; /* population * dim */
    double *f;     /* population */
    double *ft;    /* population */
    de_block_shared *s;
} de_block_mem;

#endif
