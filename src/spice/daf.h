/* DAF reader (docs/spice.md §3): file record validation (id word, ND/NI,
 * binary format LTL-IEEE/BIG-IEEE, FTP string), the summary-record linked
 * list and segment descriptors of an SPK file read once into memory. */
#ifndef LPMAP_SPICE_DAF_H
#define LPMAP_SPICE_DAF_H

#include <stddef.h>

#include "core/status.h"

#define DAF_RECORD_BYTES 1024
#define DAF_FTP_LEN 28

/* The FTP validation string NAIF writes at byte 699 of the file record. */
extern const unsigned char daf_ftp_string[DAF_FTP_LEN];

typedef struct {
    double et0, et1;
    int target, center, frame, type;
    int start, end; /* 1-based double-word addresses, inclusive */
    char name[41];
} daf_summary;

typedef struct {
    char *path;
    double *words;  /* the file as 8-byte words, segment data in host order */
    size_t n_words; /* file size / 8 */
    int swapped;    /* file byte order differs from the host */
    char internal_name[61];
    daf_summary *sums;
    size_t n_sums;
} daf_file;

/* Read and validate an SPK DAF; segment data arrays are converted to host
 * byte order. */
lp_status daf_open_spk(const char *path, daf_file *out, lp_error *err);
void daf_close(daf_file *f);
/* 1 when the host is little-endian. */
int daf_host_little_endian(void);

#endif
