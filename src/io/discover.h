/* ER file discovery (docs/formats.md §1): recursive search under DATA_DIR,
 * symlinks followed, date filter from the name 3DYYMMDD.TAB, sorted by date.
 * Implemented in discover.c. */
#ifndef LPMAP_IO_DISCOVER_H
#define LPMAP_IO_DISCOVER_H

#include <stddef.h>

#include "core/status.h"

typedef struct {
    char *path;
    int year, month, day; /* from the file name */
    long long size_bytes;
} er_file;

typedef struct {
    size_t n;
    er_file *files;
} er_file_list;

/* year/month/day 0 = no filter on that field. No match is not an error
 * (n = 0). A missing data_dir is LP_ERR_IO. */
lp_status er_discover(const char *data_dir, int year, int month, int day, er_file_list *out,
                      lp_error *err);
void er_file_list_free(er_file_list *list);
/* Keep the files dated start..end (YYYYMMDD, inclusive), in order. */
void er_file_list_keep_range(er_file_list *list, int start_ymd, int end_ymd);

#endif
