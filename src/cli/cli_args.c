/* Option-value parsing shared by the subcommands (see cli_args.h). */
#include "cli/cli_args.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "core/calendar.h"
#include "core/cancel.h"
#include "core/log.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lpmap %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'lpmap %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_parse_long(const char *cmd, const char *name, const char *text, long min, long max,
                   long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end) {
        cli_usage_error(cmd, "invalid value for --%s: '%s' (not an integer)", name, text);
        return -1;
    }
    if (v < min || v > max) {
        cli_usage_error(cmd, "invalid value for --%s: %ld (allowed: %ld to %ld)", name, v, min,
                        max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *name, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    if (text[0] == '-') {
        cli_usage_error(cmd, "invalid value for --%s: '%s' (must not be negative)", name, text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || end == text || *end) {
        cli_usage_error(cmd, "invalid value for --%s: '%s' (not a non-negative integer)", name,
                        text);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *name, const char *text, double min, double max,
                     double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v)) {
        cli_usage_error(cmd, "invalid value for --%s: '%s' (not a finite number)", name, text);
        return -1;
    }
    if (v < min || v > max) {
        cli_usage_error(cmd, "invalid value for --%s: %g (allowed: %g to %g)", name, v, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

void cli_set_verbosity(int verbose, int quiet)
{
    if (quiet)
        log_set_level(LOG_WARN);
    else if (verbose)
        log_set_level(LOG_DEBUG);
    else
        log_set_level(LOG_INFO);
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lpmap %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_FAILED;
}

int cli_exit_cancelled(void)
{
    int sig = cancel_signal();
    return 128 + (sig ? sig : SIGINT);
}

int cli_check_date(const char *cmd, int year, int month, int day)
{
    if (!month || !day)
        return 0;
    /* Without a year February may have 29 days (a leap year may match). */
    int max = year ? calendar_days_in_month(year, month) : calendar_days_in_month(2000, month);
    if (day <= max)
        return 0;
    cli_usage_error(cmd, "impossible date: %04d-%02d-%02d (month %d has %d days)", year, month, day,
                    month, max);
    return -1;
}
