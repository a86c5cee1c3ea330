/* The persistent buffers of a GPU session (docs/decisions.md "Backend
 * sessions"): device input/output/aux buffers and pinned host staging,
 * grown on demand and reused by every later job of the session, and the
 * batch plan from free memory that counts what the session already holds.
 * Plain C with an injectable allocator, so the CPU tests drive it with a
 * fake device of any size (the CUDA allocator is in gpu_session.cu). */
#ifndef LPMAP_GPU_GPU_ARENA_H
#define LPMAP_GPU_GPU_ARENA_H

#include <stddef.h>

#include "core/status.h"

typedef struct {
    /* *out = `bytes` bytes: LP_OK; LP_ERR_NOMEM when out of memory (the
     * job retries with half the batch); anything else is fatal. */
    lp_status (*alloc)(void *ctx, size_t bytes, void **out, lp_error *err);
    void (*release)(void *ctx, void *p);
    void *ctx;
} gpu_allocator;

typedef struct {
    void *ptr;
    size_t bytes;
} gpu_buffer;

typedef enum {
    GPU_BUF_D_IN = 0, /* device: packed inputs of one batch */
    GPU_BUF_D_OUT,    /* device: results of one batch */
    GPU_BUF_D_AUX,    /* device: per-job constants (the LHS samples) */
    GPU_BUF_H_IN,     /* host staging (pinned): packed inputs */
    GPU_BUF_H_OUT,    /* host staging (pinned): results */
    GPU_BUF_COUNT
} gpu_buffer_id;

typedef struct {
    gpu_allocator device, host;
    gpu_buffer buf[GPU_BUF_COUNT];
    long allocations; /* successful allocations so far (reuse makes none) */
} gpu_arena;

void gpu_arena_init(gpu_arena *a, const gpu_allocator *device, const gpu_allocator *host);

/* Make every buffer large enough for `batch` items of in_item / out_item
 * bytes plus `aux` bytes; a buffer already large enough is kept. On
 * LP_ERR_NOMEM every device buffer is released first, so the retry with
 * half the batch starts from all the free memory there is. */
lp_status gpu_arena_reserve(gpu_arena *a, long batch, size_t in_item, size_t out_item, size_t aux,
                            lp_error *err);

/* Device bytes the arena holds now. */
size_t gpu_arena_device_bytes(const gpu_arena *a);

/* Batch for a job of n items of item_bytes (device bytes per item): what
 * gpu_policy_batch_size allows in free_mem plus the arena's own device
 * bytes (reusable for this job), `override` (> 0) winning; at most n, at
 * least 1. */
long gpu_arena_plan(const gpu_arena *a, size_t free_mem, size_t item_bytes, long override,
                    size_t n);

/* Release everything (the session's end). */
void gpu_arena_free(gpu_arena *a);

#endif
