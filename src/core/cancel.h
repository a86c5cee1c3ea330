/* Cooperative cancellation: SIGINT/SIGTERM set a flag that long loops poll
 * (between sweeps / batches) so Ctrl-C stops within a second and the driver
 * can remove its temporary output. The flag is the one process-wide
 * mutable state, written only by the signal handler. */
#ifndef LPMAP_CORE_CANCEL_H
#define LPMAP_CORE_CANCEL_H

void cancel_install_handlers(void);
int cancel_requested(void);
/* The signal that requested cancellation (SIGINT, SIGTERM), 0 if none did. */
int cancel_signal(void);
void cancel_request(void); /* for tests */
void cancel_reset(void);   /* for tests */

#endif
