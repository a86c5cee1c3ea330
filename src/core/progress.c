/* Progress bar / periodic progress lines on stderr (docs/usage.md): stage, sweeps done/total, rate
 * and ETA. */
#define _POSIX_C_SOURCE 200809L
#include "core/progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_format_duration(double s, char *buf, size_t size)
{
    if (!(s >= 0.0) || s > 1e7) {
        snprintf(buf, size, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%lds", t);
}

void progress_init(progress *p, size_t total)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO);
    p->enabled = log_get_level() <= LOG_INFO;
    p->interval_s = p->tty ? 0.2 : 10.0;
    p->t_start = p->t_last = progress_now();
    p->total = total;
    snprintf(p->stage, sizeof p->stage, "start");
}

void progress_set_total(progress *p, size_t total)
{
    p->total = total;
}

static void progress_draw(progress *p, double now)
{
    double el = now - p->t_start;
    double rate = el > 0.0 ? (double)p->done / el : 0.0;
    char eta[32] = "?";
    if (rate > 0.0 && p->total >= p->done)
        progress_format_duration((double)(p->total - p->done) / rate, eta, sizeof eta);
    double frac = p->total ? (double)p->done / (double)p->total : 0.0;
    if (frac > 1.0)
        frac = 1.0;
    if (p->tty) {
        char bar[31];
        int fill = (int)(frac * 30.0);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[30] = '\0';
        fprintf(stderr, "\r%-10s [%s] %zu/%zu sweeps %.1f/s ETA %s   ", p->stage, bar, p->done,
                p->total, rate, eta);
        p->bar_drawn = 1;
    } else {
        fprintf(stderr, "progress: %s %zu/%zu sweeps (%.0f%%), %.1f sweeps/s, ETA %s\n", p->stage,
                p->done, p->total, 100.0 * frac, rate, eta);
    }
    fflush(stderr);
}

void progress_update(progress *p, const char *stage, size_t done)
{
    if (stage)
        snprintf(p->stage, sizeof p->stage, "%s", stage);
    p->done = done;
    if (!p->enabled)
        return;
    double now = progress_now();
    if (now - p->t_last < p->interval_s)
        return;
    p->t_last = now;
    progress_draw(p, now);
}

void progress_finish(progress *p)
{
    if (p->enabled && p->tty && p->bar_drawn) {
        fprintf(stderr, "\r%*s\r", 100, "");
        fflush(stderr);
    }
    p->bar_drawn = 0;
}
