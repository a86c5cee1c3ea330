/* SIGINT/SIGTERM → cancellation flag (see cancel.h). */
#include "core/cancel.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t g_cancelled;
static volatile sig_atomic_t g_signal; /* the first signal received */

static void on_signal(int sig)
{
    if (!g_signal)
        g_signal = sig;
    g_cancelled = 1;
}

int cancel_signal(void)
{
    return g_signal;
}

void cancel_install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cancel_requested(void)
{
    return g_cancelled != 0;
}
void cancel_request(void)
{
    g_cancelled = 1;
}
void cancel_reset(void)
{
    g_cancelled = 0;
    g_signal = 0;
}
