/* Why a sweep has no fit (spec_status / rows_status in the batch NPZ) and
 * which fitted parameters sit on a bound (spec_fit_flags), with the short
 * names written to meta_status_names / meta_fit_flag_names. A scientist
 * reading the NPZ needs a reason when there is no number, and a warning
 * when the number is a bound rather than an estimate.
 *
 * Codes are stable: new codes are only ever appended before
 * SWEEP_STATUS_COUNT (the NPZ stores the integer). */
#ifndef LPMAP_PIPELINE_SWEEP_STATUS_H
#define LPMAP_PIPELINE_SWEEP_STATUS_H

typedef enum {
    SWEEP_OK = 0,                 /* the sweep has a loss-cone fit (spec_has_fit) */
    SWEEP_NO_GEOMETRY = 1,        /* no ephemeris/attitude/field geometry for its rows */
    SWEEP_NO_FOOTPOINT = 2,       /* the field line does not reach the surface */
    SWEEP_USC_NO_DATA = 3,        /* no usable spectrum for the kappa fit */
    SWEEP_USC_KAPPA_REJECTED = 4, /* kappa fit failed or rejected (chi2 cut, bounds) */
    SWEEP_USC_NO_ROOT = 5,        /* current balance has no root in the bracket */
    SWEEP_LC_NO_DATA = 6,         /* too few usable pitch-angle bins for the loss cone */
    SWEEP_LC_REJECTED = 7,        /* loss-cone fit rejected (chi2 or invalid parameters) */
    SWEEP_LC_AT_BOUND = 8,        /* loss-cone fit dropped because a parameter sat on a bound */
    SWEEP_STATUS_COUNT
} sweep_status;

/* Short snake_case name of a status code; "unknown" outside the range. */
const char *sweep_status_name(int code);

/* Bits of spec_fit_flags: a kept fit whose parameter sits on its bound. */
typedef enum {
    FIT_FLAG_U_AT_BOUND = 1 << 0,     /* U_surface at the end of its search range */
    FIT_FLAG_BSBM_AT_BOUND = 1 << 1,  /* Bs/Bm at a bound */
    FIT_FLAG_BEAM_AT_BOUND = 1 << 2,  /* beam amplitude at its upper bound (0 = no beam) */
    FIT_FLAG_KAPPA_AT_BOUND = 1 << 3, /* kappa index of the U_sc fit at a bound */
} fit_flag;
#define FIT_FLAG_COUNT 4

/* Short snake_case name of flag bit number `bit` (0..FIT_FLAG_COUNT-1). */
const char *fit_flag_name(int bit);

#endif
