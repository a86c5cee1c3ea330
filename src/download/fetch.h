/* Parallel, resumable, verified HTTP transfers for `lpmap download`
 * (docs/formats.md §6): a pool of worker threads, each with its own libcurl
 * handle; partial data goes to NAME.part and is resumed with a Range
 * request; the size (Content-Length / Content-Range) and SHA-1 (when known)
 * are checked before the rename into place; 429/5xx and network errors are
 * retried with exponential back-off honouring Retry-After. */
#ifndef LPMAP_DOWNLOAD_FETCH_H
#define LPMAP_DOWNLOAD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef enum { FETCH_PENDING = 0, FETCH_DOWNLOADED, FETCH_SKIPPED, FETCH_FAILED } fetch_state;

typedef struct {
    char *url;
    char *dest;    /* final path; the transfer goes to dest + ".part" */
    char sha1[41]; /* expected lower-case hex, "" when unknown */
    /* results */
    fetch_state state;
    uint64_t bytes; /* size of the final file */
    int attempts;   /* HTTP requests made */
    char message[1100];
} fetch_job;

typedef struct {
    size_t files_total, files_finished, files_failed;
    uint64_t bytes_received; /* over the network in this run */
    double elapsed_s;
} fetch_progress;

typedef struct {
    int jobs;               /* parallel transfers (default 8) */
    int retries;            /* extra attempts after the first (default 5) */
    double retry_base_s;    /* back-off: base * 2^k (default 2 s) */
    double retry_max_s;     /* cap of one wait, Retry-After included (default 300 s) */
    long connect_timeout_s; /* default 30 */
    long stall_timeout_s;   /* abort a transfer below 1 byte/s for this long (default 60) */
    /* Called from the calling thread about twice a second while running. */
    void (*progress)(const fetch_progress *p, void *ctx);
    void *progress_ctx;
} fetch_options;

void fetch_options_init(fetch_options *o);

/* 1 when built with libcurl. */
int fetch_available(void);
/* How to get a build that downloads ("apt-get install ... and rebuild"). */
const char *fetch_enable_hint(void);

/* Run every job (results in the jobs). LP_OK when none failed, otherwise
 * LP_ERR_IO with a count; LP_ERR_CANCELLED on SIGINT/SIGTERM. */
lp_status fetch_run(fetch_job *jobs, size_t n, const fetch_options *o, lp_error *err);

/* GET a (small) page into memory, with the same retries; *buf is
 * NUL-terminated, free() it. */
lp_status fetch_to_memory(const char *url, const fetch_options *o, char **buf, size_t *len,
                          lp_error *err);

/* Seconds to wait before retry number `attempt` (1 = first retry):
 * Retry-After when given (NaN otherwise), else base * 2^(attempt-1);
 * never more than max. */
double fetch_retry_delay(int attempt, double base, double max, double retry_after);
/* Retry-After value (delta seconds or an HTTP date) in seconds from `now`
 * (Unix time); NaN when unparsable. */
double fetch_parse_retry_after(const char *value, double now);

/* Create a folder and its parents (like mkdir -p). */
lp_status fetch_mkdirs(const char *dir, lp_error *err);

#endif
