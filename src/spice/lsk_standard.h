/* The standard NAIF leap-second kernel content (naif0012: ΔAT from 10 s in
 * 1972 to 37 s in 2017), written by `lpmap simulate` and used by tests
 * (docs/spice.md §2). */
#ifndef LPMAP_SPICE_LSK_STANDARD_H
#define LPMAP_SPICE_LSK_STANDARD_H

#include "core/status.h"

/* The LSK text (static storage). */
const char *spice_standard_lsk_text(void);
/* Write it to path. */
lp_status spice_write_standard_lsk(const char *path, lp_error *err);

#endif
