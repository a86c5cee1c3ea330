/* Transfer engine of `lpmap download` (docs/formats.md §6). One attempt =
 * one GET (with "Range: bytes=N-" when NAME.part holds N bytes); the
 * attempt's outcome decides: done (verify, rename), retry (network error,
 * short body, 429/5xx, checksum once) or fail (other HTTP errors). */
#include "download/fetch.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "core/cancel.h"
#include "core/log.h"
#include "core/calendar.h"
#include "core/sha1.h"

void fetch_options_init(fetch_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 8;
    o->retries = 5;
    o->retry_base_s = 2.0;
    o->retry_max_s = 300.0;
    o->connect_timeout_s = 30;
    o->stall_timeout_s = 60;
}

const char *fetch_enable_hint(void)
{
    return "this lpmap was built without libcurl, so it cannot download. Install the library "
           "and rebuild:\n  sudo apt-get install libcurl4-openssl-dev   (or: "
           "scripts/install-deps.sh)\n  cmake -S . -B build && cmake --build build";
}

double fetch_retry_delay(int attempt, double base, double max, double retry_after)
{
    double d;
    if (!isnan(retry_after) && retry_after >= 0)
        d = retry_after;
    else
        d = base * pow(2.0, attempt > 1 ? attempt - 1 : 0);
    return d > max ? max : d < 0 ? 0 : d;
}

double fetch_parse_retry_after(const char *value, double now)
{
    while (*value == ' ' || *value == '\t')
        value++;
    char *end;
    errno = 0;
    if (*value >= '0' && *value <= '9') {
        double s = strtod(value, &end);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        return errno || *end ? NAN : s;
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
    int day, year, h, mi, s;
    char mon[4];
    if (sscanf(value, "%*3s, %d %3s %d %d:%d:%d GMT", &day, mon, &year, &h, &mi, &s) != 6)
        return NAN;
    int m = calendar_month_from_name(mon) - 1;
    if (m < 0)
        return NAN;
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = m;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    double t = (double)timegm(&tm);
    return t > now ? t - now : 0;
}

lp_status fetch_mkdirs(const char *dir, lp_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return lp_error_set(err, LP_ERR_USAGE, "path too long: %s", dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return lp_error_set(err, LP_ERR_IO, "cannot create folder %s: %s", path,
                                    strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return lp_error_set(err, LP_ERR_IO, "%s is not a folder", dir);
    return LP_OK;
}

#ifndef LPMAP_HAVE_CURL

int fetch_available(void)
{
    return 0;
}

lp_status fetch_run(fetch_job *jobs, size_t n, const fetch_options *o, lp_error *err)
{
    (void)jobs, (void)n, (void)o;
    return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s", fetch_enable_hint());
}

lp_status fetch_to_memory(const char *url, const fetch_options *o, char **buf, size_t *len,
                          lp_error *err)
{
    (void)url, (void)o;
    *buf = NULL;
    *len = 0;
    return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s", fetch_enable_hint());
}

#else

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include <curl/curl.h>

int fetch_available(void)
{
    return 1;
}

/* What one HTTP response said (the last one after redirects). */
typedef struct {
    long code;
    int64_t content_length;
    int64_t range_start, range_total;
    double retry_after;
} response_info;

typedef struct {
    response_info r;
    FILE *fp;           /* NULL: collect into mem */
    uint64_t offset;    /* bytes already in the .part when the request went out */
    int restarted;      /* server ignored the Range: file truncated */
    int range_mismatch; /* 206 from another offset */
    char *mem;
    size_t mem_len, mem_cap;
    atomic_uint_fast64_t *received;
} attempt_state;

static void response_reset(response_info *r)
{
    r->code = 0;
    r->content_length = -1;
    r->range_start = -1;
    r->range_total = -1;
    r->retry_after = NAN;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    attempt_state *st = userdata;
    size_t n = size * nitems;
    char line[512];
    size_t l = n < sizeof line - 1 ? n : sizeof line - 1;
    memcpy(line, buf, l);
    line[l] = '\0';
    if (!strncmp(line, "HTTP/", 5)) {
        response_reset(&st->r);
        const char *sp = strchr(line, ' ');
        st->r.code = sp ? strtol(sp + 1, NULL, 10) : 0;
    } else if (!strncasecmp(line, "Content-Length:", 15)) {
        st->r.content_length = strtoll(line + 15, NULL, 10);
    } else if (!strncasecmp(line, "Content-Range:", 14)) {
        const char *p = line + 14;
        while (*p == ' ')
            p++;
        if (!strncasecmp(p, "bytes", 5)) {
            p += 5;
            while (*p == ' ')
                p++;
            if (*p != '*')
                st->r.range_start = strtoll(p, NULL, 10);
            const char *slash = strchr(p, '/');
            if (slash && slash[1] != '*')
                st->r.range_total = strtoll(slash + 1, NULL, 10);
        }
    } else if (!strncasecmp(line, "Retry-After:", 12)) {
        st->r.retry_after = fetch_parse_retry_after(line + 12, (double)time(NULL));
    }
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    attempt_state *st = userdata;
    size_t n = size * nmemb;
    if (st->r.code < 200 || st->r.code >= 300)
        return n; /* error bodies are discarded */
    if (st->received)
        atomic_fetch_add(st->received, n);
    if (!st->fp) {
        if (st->mem_len + n + 1 > st->mem_cap) {
            size_t cap = (st->mem_len + n + 1) * 2;
            if (cap > (64u << 20))
                return 0; /* an index page is never this large */
            char *g = realloc(st->mem, cap);
            if (!g)
                return 0;
            st->mem = g;
            st->mem_cap = cap;
        }
        memcpy(st->mem + st->mem_len, data, n);
        st->mem_len += n;
        st->mem[st->mem_len] = '\0';
        return n;
    }
    if (st->offset > 0 && st->r.code == 200 && !st->restarted) {
        /* Range ignored: the whole file comes again. */
        if (fflush(st->fp) || ftruncate(fileno(st->fp), 0) || fseeko(st->fp, 0, SEEK_SET))
            return 0;
        st->restarted = 1;
        st->offset = 0;
    }
    if (st->r.code == 206 && st->r.range_start >= 0 && (uint64_t)st->r.range_start != st->offset) {
        st->range_mismatch = 1;
        return 0;
    }
    return fwrite(data, 1, n, st->fp);
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)clientp, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return cancel_requested() ? 1 : 0;
}

static void setup_handle(CURL *h, const fetch_options *o, attempt_state *st, const char *url)
{
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "lpmap/" LPMAP_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->stall_timeout_s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, st);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, st);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    response_reset(&st->r);
}

static int retryable_code(long code)
{
    return code == 408 || code == 429 || (code >= 500 && code <= 599);
}

/* Sleep in slices so Ctrl-C is noticed; returns -1 when cancelled. */
static int wait_seconds(double s)
{
    while (s > 0) {
        if (cancel_requested())
            return -1;
        double slice = s < 0.1 ? s : 0.1;
        struct timespec ts = {(time_t)slice, (long)((slice - floor(slice)) * 1e9)};
        nanosleep(&ts, NULL);
        s -= slice;
    }
    return cancel_requested() ? -1 : 0;
}

static uint64_t file_size(const char *path, int *exists)
{
    struct stat st;
    *exists = stat(path, &st) == 0;
    return *exists ? (uint64_t)st.st_size : 0;
}

typedef enum { OUT_DONE, OUT_RETRY, OUT_FAIL } outcome;

/* Check the finished .part (size, SHA-1) and rename it into place. */
static outcome finish_part(fetch_job *j, const char *part, int64_t expected, int *sha_failures)
{
    int exists;
    uint64_t have = file_size(part, &exists);
    if (expected >= 0 && have != (uint64_t)expected) {
        if (have > (uint64_t)expected)
            remove(part);
        snprintf(j->message, sizeof j->message, "size %llu, server announced %lld",
                 (unsigned long long)have, (long long)expected);
        return OUT_RETRY;
    }
    if (j->sha1[0]) {
        char hex[41];
        lp_error e;
        if (sha1_file(part, hex, &e) != LP_OK) {
            snprintf(j->message, sizeof j->message, "%s", e.message);
            return OUT_FAIL;
        }
        if (strcmp(hex, j->sha1)) {
            remove(part);
            snprintf(j->message, sizeof j->message, "SHA-1 mismatch: got %s, expected %s", hex,
                     j->sha1);
            return ++*sha_failures >= 2 ? OUT_FAIL : OUT_RETRY;
        }
    }
    if (rename(part, j->dest) != 0) {
        snprintf(j->message, sizeof j->message, "cannot rename %.400s: %s", part, strerror(errno));
        return OUT_FAIL;
    }
    j->bytes = have;
    return OUT_DONE;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void fetch_one(CURL *h, fetch_job *j, const fetch_options *o, atomic_uint_fast64_t *received)
{
    char part[4200];
    snprintf(part, sizeof part, "%s.part", j->dest);
    int exists;
    uint64_t have = file_size(j->dest, &exists);
    if (exists) {
        if (!j->sha1[0]) {
            j->state = FETCH_SKIPPED;
            j->bytes = have;
            return;
        }
        char hex[41];
        lp_error e;
        if (sha1_file(j->dest, hex, &e) == LP_OK && !strcmp(hex, j->sha1)) {
            j->state = FETCH_SKIPPED;
            j->bytes = have;
            return;
        }
        log_warn("%s exists but fails its SHA-1 check: downloading it again", j->dest);
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", j->dest);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        lp_error e;
        if (fetch_mkdirs(dir, &e) != LP_OK) {
            snprintf(j->message, sizeof j->message, "%s", e.message);
            j->state = FETCH_FAILED;
            return;
        }
    }
    int sha_failures = 0;
    for (int attempt = 0;; attempt++) {
        if (cancel_requested()) {
            snprintf(j->message, sizeof j->message, "cancelled");
            j->state = FETCH_FAILED;
            return;
        }
        attempt_state st;
        memset(&st, 0, sizeof st);
        st.received = received;
        st.offset = file_size(part, &exists);
        st.fp = fopen(part, "ab");
        if (!st.fp) {
            snprintf(j->message, sizeof j->message, "cannot write %.400s: %s", part,
                     strerror(errno));
            j->state = FETCH_FAILED;
            return;
        }
        setup_handle(h, o, &st, j->url);
        char range[64];
        if (st.offset > 0) {
            snprintf(range, sizeof range, "%llu-", (unsigned long long)st.offset);
            curl_easy_setopt(h, CURLOPT_RANGE, range);
            log_debug("resuming %s at byte %llu", base_name(j->dest),
                      (unsigned long long)st.offset);
        }
        CURLcode res = curl_easy_perform(h);
        j->attempts++;
        int close_bad = fclose(st.fp) != 0;
        outcome out;
        response_info r = st.r;
        if (res == CURLE_OK && close_bad) {
            snprintf(j->message, sizeof j->message, "cannot write %.400s", part);
            out = OUT_FAIL;
        } else if (cancel_requested()) {
            snprintf(j->message, sizeof j->message, "cancelled");
            out = OUT_FAIL;
        } else if (st.range_mismatch) {
            remove(part);
            snprintf(j->message, sizeof j->message, "server answered another byte range");
            out = OUT_RETRY;
        } else if (res != CURLE_OK) {
            snprintf(j->message, sizeof j->message, "%s", curl_easy_strerror(res));
            out = OUT_RETRY;
        } else if (r.code == 200 || r.code == 206) {
            int64_t expected = -1;
            if (r.code == 206)
                expected = r.range_total >= 0 ? r.range_total
                           : r.content_length >= 0 && r.range_start >= 0
                               ? r.range_start + r.content_length
                               : -1;
            else
                expected = r.content_length;
            out = finish_part(j, part, expected, &sha_failures);
        } else if (r.code == 416 && st.offset > 0) {
            /* Nothing left to send: the part may already be whole. */
            if (r.range_total >= 0 && (uint64_t)r.range_total == st.offset) {
                out = finish_part(j, part, r.range_total, &sha_failures);
            } else {
                remove(part);
                snprintf(j->message, sizeof j->message, "HTTP 416 (stale partial file removed)");
                out = OUT_RETRY;
            }
        } else if (retryable_code(r.code)) {
            snprintf(j->message, sizeof j->message, "HTTP %ld", r.code);
            out = OUT_RETRY;
        } else {
            snprintf(j->message, sizeof j->message, "HTTP %ld", r.code);
            out = OUT_FAIL;
        }
        if (out == OUT_DONE) {
            j->state = FETCH_DOWNLOADED;
            j->message[0] = '\0';
            log_debug("downloaded %s (%llu bytes, %d request%s)", j->dest,
                      (unsigned long long)j->bytes, j->attempts, j->attempts > 1 ? "s" : "");
            return;
        }
        /* Keep a partial file only when it holds data worth resuming. */
        if (file_size(part, &exists) == 0 && exists)
            remove(part);
        if (out == OUT_FAIL || attempt >= o->retries) {
            j->state = FETCH_FAILED;
            return;
        }
        double delay =
            fetch_retry_delay(attempt + 1, o->retry_base_s, o->retry_max_s, r.retry_after);
        log_warn("%s: %s; retry %d of %d in %.1f s", base_name(j->dest), j->message, attempt + 1,
                 o->retries, delay);
        if (wait_seconds(delay)) {
            snprintf(j->message, sizeof j->message, "cancelled");
            j->state = FETCH_FAILED;
            return;
        }
    }
}

typedef struct {
    fetch_job *jobs;
    size_t n, next, finished, failed;
    const fetch_options *o;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    atomic_uint_fast64_t received;
} pool;

static void *worker_main(void *arg)
{
    pool *p = arg;
    CURL *h = curl_easy_init();
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            break;
        fetch_job *j = &p->jobs[i];
        if (!h) {
            snprintf(j->message, sizeof j->message, "curl_easy_init failed");
            j->state = FETCH_FAILED;
        } else {
            fetch_one(h, j, p->o, &p->received);
        }
        if (j->state == FETCH_FAILED)
            log_error("%s: %s", j->url, j->message);
        pthread_mutex_lock(&p->lock);
        p->finished++;
        p->failed += j->state == FETCH_FAILED;
        pthread_cond_signal(&p->changed);
        pthread_mutex_unlock(&p->lock);
    }
    if (h)
        curl_easy_cleanup(h);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static lp_status global_init(lp_error *err)
{
    /* curl_global_init is reference counted and must run before threads. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return lp_error_set(err, LP_ERR_IO, "libcurl initialisation failed");
    return LP_OK;
}

lp_status fetch_run(fetch_job *jobs, size_t n, const fetch_options *o, lp_error *err)
{
    lp_status s = global_init(err);
    if (s != LP_OK)
        return s;
    pool p;
    memset(&p, 0, sizeof p);
    p.jobs = jobs;
    p.n = n;
    p.o = o;
    atomic_init(&p.received, 0);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    int nthreads = o->jobs < 1 ? 1 : o->jobs;
    if ((size_t)nthreads > n)
        nthreads = (int)(n ? n : 1);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    if (!th) {
        curl_global_cleanup();
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    int started = 0;
    for (int t = 0; t < nthreads; t++)
        if (pthread_create(&th[t], NULL, worker_main, &p) == 0)
            started++;
    if (!started)
        worker_main(&p); /* no threads available: do the work here */
    double t0 = now_s();
    pthread_mutex_lock(&p.lock);
    while (p.finished < p.n) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p.changed, &p.lock, &until);
        if (p.finished == p.n)
            break; /* the final report comes after the join */
        fetch_progress pr = {p.n, p.finished, p.failed, atomic_load(&p.received), now_s() - t0};
        pthread_mutex_unlock(&p.lock);
        if (o->progress)
            o->progress(&pr, o->progress_ctx);
        pthread_mutex_lock(&p.lock);
    }
    pthread_mutex_unlock(&p.lock);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    free(th);
    if (o->progress) {
        fetch_progress pr = {p.n, p.finished, p.failed, atomic_load(&p.received), now_s() - t0};
        o->progress(&pr, o->progress_ctx);
    }
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.changed);
    curl_global_cleanup();
    if (cancel_requested())
        return lp_error_set(err, LP_ERR_CANCELLED, "download cancelled");
    if (p.failed)
        return lp_error_set(err, LP_ERR_IO, "%zu of %zu files failed", p.failed, p.n);
    return LP_OK;
}

lp_status fetch_to_memory(const char *url, const fetch_options *o, char **buf, size_t *len,
                          lp_error *err)
{
    *buf = NULL;
    *len = 0;
    lp_status s = global_init(err);
    if (s != LP_OK)
        return s;
    CURL *h = curl_easy_init();
    if (!h) {
        curl_global_cleanup();
        return lp_error_set(err, LP_ERR_NOMEM, "curl_easy_init failed");
    }
    s = LP_ERR_IO;
    for (int attempt = 0;; attempt++) {
        attempt_state st;
        memset(&st, 0, sizeof st);
        setup_handle(h, o, &st, url);
        CURLcode res = curl_easy_perform(h);
        if (res == CURLE_OK && st.r.code == 200) {
            *buf = st.mem ? st.mem : calloc(1, 1);
            *len = st.mem_len;
            s = *buf ? LP_OK : lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            break;
        }
        free(st.mem);
        if (cancel_requested()) {
            s = lp_error_set(err, LP_ERR_CANCELLED, "cancelled");
            break;
        }
        int retry = res != CURLE_OK || retryable_code(st.r.code);
        if (res != CURLE_OK)
            lp_error_set(err, LP_ERR_IO, "%s: %s", url, curl_easy_strerror(res));
        else
            lp_error_set(err, LP_ERR_IO, "%s: HTTP %ld", url, st.r.code);
        if (!retry || attempt >= o->retries)
            break;
        double delay =
            fetch_retry_delay(attempt + 1, o->retry_base_s, o->retry_max_s, st.r.retry_after);
        log_warn("%s; retry %d of %d in %.1f s", err ? err->message : url, attempt + 1, o->retries,
                 delay);
        if (wait_seconds(delay)) {
            s = lp_error_set(err, LP_ERR_CANCELLED, "cancelled");
            break;
        }
    }
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return s;
}

#endif
