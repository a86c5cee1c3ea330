/* SHA-1 (FIPS 180-4): `lpmap download` checks kernels against the sums of
 * docs/formats.md §4 and the batch fingerprints its inputs and settings
 * with it (pipeline/fingerprint.c). No crypto library is required. */
#ifndef LPMAP_CORE_SHA1_H
#define LPMAP_CORE_SHA1_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct {
    uint32_t h[5];
    uint64_t length; /* bytes so far */
    unsigned char block[64];
    size_t fill;
} sha1_ctx;

void sha1_init(sha1_ctx *c);
void sha1_update(sha1_ctx *c, const void *data, size_t n);
/* 20-byte digest. */
void sha1_final(sha1_ctx *c, unsigned char digest[20]);
/* Lower-case hex of a digest into hex[41]. */
void sha1_hex(const unsigned char digest[20], char hex[41]);
/* SHA-1 of a whole file as hex. */
lp_status sha1_file(const char *path, char hex[41], lp_error *err);

#endif
