/* What `lpmap download` fetches and where it goes (docs/formats.md §1, §4, §6):
 * ER 3-D files found by walking the archive's HTML index pages (year /
 * day-range folders, mirrored under DATA_DIR), theta and attitude tables
 * (DATA_DIR/theta.tab, DATA_DIR/attitude.tab) and the SPICE kernels
 * (DATA_DIR/spice_kernels, SHA-1 checked). The transfers run in fetch.c. */
#ifndef LPMAP_DOWNLOAD_DOWNLOAD_H
#define LPMAP_DOWNLOAD_DOWNLOAD_H

#include <stddef.h>

#include "core/status.h"
#include "download/fetch.h"

enum { DL_ER = 1, DL_KERNELS = 2, DL_ATTITUDE = 4, DL_THETA = 8, DL_ALL = 15 };

/* Default base URLs (docs/formats.md §6). ER files live under
 * ER/data-3deleflux/, theta under ER/data-3deleflux-anc/theta/theta.tab;
 * kernels under NAIF/LPM/kernels/spk/ and NAIF/generic_kernels/;
 * attitude at GEO/lunar/prospectorcd/lp_0019/geometry/attitude.tab and
 * lpephemu.bsp at GEO/missions/lunarp/spice/. */
#define DL_DEFAULT_BASE_ER "https://pds-ppi.igpp.ucla.edu/data/lp-er-calibrated"
#define DL_DEFAULT_BASE_NAIF "https://naif.jpl.nasa.gov/pub/naif"
#define DL_DEFAULT_BASE_GEO "https://pds-geosciences.wustl.edu"

typedef struct {
    const char *data_dir;
    unsigned what;        /* DL_* bits */
    int year, month, day; /* 0: any */
    const char *base_er, *base_naif, *base_geo;
    const char *sha1_file; /* optional "HEX  NAME" lines overriding the built-in sums */
    fetch_options fetch;
} download_options;

void download_options_init(download_options *o);

/* "er,kernels,attitude,theta" (or "all") -> DL_* bits; 0 on an unknown name. */
unsigned download_parse_what(const char *list);

/* The transfers to make: lists the ER index pages over HTTP when DL_ER is
 * asked for. Free with download_jobs_free. */
lp_status download_plan(const download_options *o, fetch_job **jobs, size_t *n, lp_error *err);
void download_jobs_free(fetch_job *jobs, size_t n);

/* Built-in SHA-1 of a kernel (docs/formats.md §4 table), or NULL. */
const char *download_known_sha1(const char *name);

/* 1 when NAME is an ER file 3DYYMMDD.TAB within the date filter. */
int download_er_name_matches(const char *name, int year, int month, int day);
/* 0 when a day-range folder ("091_120APR/") cannot hold the filtered
 * dates; 1 when it may (or its name does not say). */
int download_folder_may_match(const char *folder, int year, int month, int day);

#endif
