/* Progress reporting of long runs (docs/usage.md: a bar on
 * stderr when it is a terminal, plain periodic lines otherwise). Like the
 * logger, it is a sanctioned writer to stderr; it is silent at LOG_QUIET. */
#ifndef LPMAP_CORE_PROGRESS_H
#define LPMAP_CORE_PROGRESS_H

#include <stddef.h>

typedef struct {
    int tty;           /* draw a bar (stderr is a terminal) */
    int enabled;       /* 0: print nothing */
    double interval_s; /* plain lines: at most one per interval (10 s) */
    double t_start, t_last;
    size_t total, done;
    char stage[32];
    int bar_drawn;
} progress;

/* Monotonic wall clock in seconds. */
double progress_now(void);
void progress_init(progress *p, size_t total);
/* Update the stage label and the count done (of total) and redraw when due. */
void progress_update(progress *p, const char *stage, size_t done);
/* Raise the total (work discovered while running). */
void progress_set_total(progress *p, size_t total);
/* Erase the bar (before a summary or a log line). */
void progress_finish(progress *p);
/* Format "1h02m", "3m05s", "12s" into buf. */
void progress_format_duration(double s, char *buf, size_t size);

#endif
