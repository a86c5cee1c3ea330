/* Shared by the src/api files: the layer that implements include/lpmap.h
 * on top of the internal modules. Errors from them (lp_error) become the
 * thread's last error; the logger stays quiet unless asked. */
#ifndef LPMAP_API_API_INTERNAL_H
#define LPMAP_API_API_INTERNAL_H

#include "core/status.h"
#include "io/er_tab.h"
#include "physics/instrument.h"
#include "lpmap.h"

/* Record err as the thread's last error and return its status. */
lpmap_status api_fail(const lp_error *err);
/* Record a message of our own. */
lpmap_status api_fail_msg(lpmap_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Called first by every entry that may log: silences the logger once
 * unless lpmap_log_set_verbose chose otherwise. */
void api_enter(void);

struct lpmap_sweeps {
    er_table table;
    er_sweeps index;
    er_instrument inst;
};

#endif
