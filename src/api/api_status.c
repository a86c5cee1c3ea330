/* Version, status names, the per-thread last error, logging and lpmap_free
 * of the public API (include/lpmap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api_internal.h"
#include "core/log.h"

static _Thread_local char last_error[1024];
static int verbose_chosen; /* lpmap_log_set_verbose was called */

lpmap_status api_fail(const lp_error *err)
{
    snprintf(last_error, sizeof last_error, "%s", err->message);
    return (lpmap_status)err->status;
}

lpmap_status api_fail_msg(lpmap_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

void api_enter(void)
{
    /* The logger is process-wide; a library user did not ask for lines on
     * stderr. Benign race: every thread writes the same value. */
    if (!verbose_chosen)
        log_set_level(LOG_QUIET);
}

void lpmap_log_set_verbose(int verbose)
{
    verbose_chosen = 1;
    log_set_level(verbose ? LOG_INFO : LOG_QUIET);
}

const char *lpmap_version_string(void)
{
    return LPMAP_VERSION;
}

const char *lpmap_status_string(lpmap_status status)
{
    static const char *const names[] = {"ok",    "io",       "format",      "range",     "nomem",
                                        "usage", "coverage", "unsupported", "cancelled", "device"};
    return (unsigned)status < sizeof names / sizeof *names ? names[status] : "unknown";
}

const char *lpmap_last_error(void)
{
    return last_error;
}

void lpmap_free(void *p)
{
    free(p);
}

/* The public codes are the internal ones, value for value. */
_Static_assert((int)LPMAP_ERR_DEVICE == (int)LP_ERR_DEVICE && (int)LPMAP_ERR_IO == (int)LP_ERR_IO &&
                   (int)LPMAP_ERR_USAGE == (int)LP_ERR_USAGE,
               "lpmap_status and lp_status must agree");
