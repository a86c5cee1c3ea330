/* theta.tab (docs/formats.md §2): 88 channel elevations, validated, turned into
 * the instrument constants of docs/physics.md §1. Implemented in theta.c. */
#ifndef LPMAP_IO_THETA_H
#define LPMAP_IO_THETA_H

#include "core/status.h"
#include "physics/instrument.h"

/* Read and validate (exactly 88 values, each ±11.25/±33.75/±56.25/±78.75,
 * band counts 4/8/16/16 per sign); fill `inst`. */
lp_status theta_read(const char *path, er_instrument *inst, lp_error *err);

/* Build the instrument from 88 elevations (same validation). */
lp_status instrument_from_theta(const double theta_deg[LP_N_CHANNELS], er_instrument *inst,
                                lp_error *err);

#endif
