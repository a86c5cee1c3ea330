/* The leap-second model from the DELTET variables of a loaded text-kernel
 * pool. A file of its own so that timeconv (calendar and time scales) does
 * not call textkernel, which itself calls timeconv to parse @dates. */
#ifndef LPMAP_SPICE_LSK_POOL_H
#define LPMAP_SPICE_LSK_POOL_H

#include "core/status.h"
#include "spice/textkernel.h"
#include "spice/timeconv.h"

lp_status tc_leapseconds_from_pool(const tk_pool *pool, tc_leapseconds *out, lp_error *err);

#endif
