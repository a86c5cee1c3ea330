/* SPK writer (docs/spice.md §6): builds little- or big-endian DAF/SPK files with
 * segments of types 2, 3 (Chebyshev fits of a state function), 8, 9, 12, 13
 * (discrete states), and 1/21 where implemented. Used by the tests and by
 * `lpmap simulate`. Implemented in spk_writer.c. */
#ifndef LPMAP_SPICE_SPK_WRITER_H
#define LPMAP_SPICE_SPK_WRITER_H

#include <stddef.h>

#include "core/status.h"

typedef struct spk_writer spk_writer;

/* State function: position (km) and velocity (km/s) at et. Returns 0 on success. */
typedef int (*spk_state_fn)(double et, double state[6], void *ctx);

lp_status spk_writer_open(const char *path, const char *internal_name, int big_endian,
                          spk_writer **out, lp_error *err);

/* Type 2 (position Chebyshev) or 3 (position + velocity Chebyshev): the span
 * [et0, et1] is cut into records of `interval_s` seconds, each fitted with
 * `degree` Chebyshev polynomials at Chebyshev nodes of fn. */
lp_status spk_write_chebyshev(spk_writer *w, int type, int target, int center, int frame,
                              double et0, double et1, double interval_s, int degree,
                              spk_state_fn fn, void *ctx, const char *segment_id, lp_error *err);

/* Types 8/12 (equal steps: epochs must be evenly spaced) and 9/13 (unequal):
 * n states (6 doubles each) at increasing epochs, interpolation window of
 * `degree`+1 points (types 12/13: window size = (degree+1)/2 Hermite points). */
lp_status spk_write_discrete(spk_writer *w, int type, int target, int center, int frame,
                             const double *epochs, const double *states, int n, int degree,
                             const char *segment_id, lp_error *err);

/* Types 1 (maxdim 15) and 21 (maxdim = order): difference lines fitted to
 * fn. [et0, et1] is cut into records of about interval_s; in each record the
 * state at its final epoch is exact and the acceleration is a polynomial
 * with `order` terms (2..15 for type 1, 2..25 for type 21) collocated at
 * Chebyshev points. (added by the SPICE module) */
lp_status spk_write_difference_lines(spk_writer *w, int type, int target, int center, int frame,
                                     double et0, double et1, double interval_s, int order,
                                     spk_state_fn fn, void *ctx, const char *segment_id,
                                     lp_error *err);

/* Any segment type with caller-built data words (the layout is not
 * checked): for tests and for types without a fitting routine here (1, 21).
 * (added by the SPICE module) */
lp_status spk_write_raw(spk_writer *w, int type, int target, int center, int frame, double et0,
                        double et1, const double *data, size_t n, const char *segment_id,
                        lp_error *err);

/* Finish the file (summary/name records) and close it. Frees w. */
lp_status spk_writer_close(spk_writer *w, lp_error *err);

#endif
