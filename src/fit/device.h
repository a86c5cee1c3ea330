/* What a fitting backend can run on: the device list entry shared by the
 * CPU backend (here) and the GPU backend (gpu/backend_devices.h lists
 * both). `lpmap info` and the public API print and return this list. */
#ifndef LPMAP_FIT_DEVICE_H
#define LPMAP_FIT_DEVICE_H

#include <stddef.h>

typedef enum { FIT_DEVICE_CPU = 0, FIT_DEVICE_GPU = 1 } fit_device_kind;

typedef struct {
    fit_device_kind kind;
    int index;                  /* CUDA ordinal of a GPU; 0 for the CPU */
    char name[256];             /* "cpu" or the GPU's name */
    int threads;                /* CPU: OpenMP threads; GPU: 0 */
    size_t total_mem, free_mem; /* GPU memory, bytes; 0 for the CPU */
    int cc_major, cc_minor;     /* GPU compute capability */
} fit_device;

/* The CPU entry (threads = OpenMP's maximum). */
void fit_device_cpu(fit_device *out);

#endif
