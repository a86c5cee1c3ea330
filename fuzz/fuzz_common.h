/* Shared helpers of the libFuzzer harnesses (docs/decisions.md "Hardening"): readers that
 * only take a path get the input through a per-process file in /dev/shm
 * (memory-backed, so the fuzzers do not wear the disk). */
#ifndef LPMAP_FUZZ_COMMON_H
#define LPMAP_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Path of this process's scratch file with `suffix` (the SPICE loader picks
 * the kernel kind by extension). */
static inline const char *fuzz_scratch_path(const char *suffix)
{
    static char path[256];
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(path, sizeof path, "%s/lpmap-fuzz-%ld%s", dir, (long)getpid(), suffix);
    return path;
}

/* Write the input to the scratch file; returns its path or NULL. */
static inline const char *fuzz_write_scratch(const uint8_t *data, size_t size, const char *suffix)
{
    const char *path = fuzz_scratch_path(suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return NULL;
    }
    if (fclose(f) != 0)
        return NULL;
    return path;
}

/* A status outside the enum or an error without a message is a bug the
 * fuzzer should report. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
