/* SPK segment evaluation (docs/spice.md §3): one function per data type
 * (1, 2, 3, 8, 9, 12, 13, 21) turning a segment's data array into a state
 * (km, km/s) relative to its center in its own frame at ET. */
#ifndef LPMAP_SPICE_SPK_H
#define LPMAP_SPICE_SPK_H

#include <stddef.h>

#include "core/status.h"

#define SPK_MAX_WINDOW 64
#define SPK_MAX_CHEB 128

/* Parameters of a segment, checked once at load. */
typedef struct {
    int type;
    const double *data; /* segment data words (host order) */
    size_t n;           /* number of words */
    /* type 2/3 */
    double init, intlen;
    int rsize, ncoef, nrec;
    /* types 8/9/12/13 */
    int nstates, window;
    double start, step;
    const double *epochs; /* 9/13 */
    /* types 1/21 */
    int maxdim;
} spk_params;

/* Check the segment layout (type supported, trailer consistent with the
 * data size). Fills p; on error the message says what is wrong (the caller
 * prefixes file and segment). LP_ERR_UNSUPPORTED for unknown types. */
lp_status spk_params_init(spk_params *p, int type, const double *data, size_t n, lp_error *err);

/* State at et (no coverage check: the caller selected the segment). */
void spk_eval(const spk_params *p, double et, double state[6]);

void spk_eval_type2(const spk_params *p, double et, double state[6]);
void spk_eval_type3(const spk_params *p, double et, double state[6]);
void spk_eval_type8(const spk_params *p, double et, double state[6]);
void spk_eval_type9(const spk_params *p, double et, double state[6]);
void spk_eval_type12(const spk_params *p, double et, double state[6]);
void spk_eval_type13(const spk_params *p, double et, double state[6]);
void spk_eval_type1(const spk_params *p, double et, double state[6]);
void spk_eval_type21(const spk_params *p, double et, double state[6]);

/* Evaluate one difference line (types 1/21 record of 4*maxdim+11 words). */
void spk_mda_eval_record(const double *rec, int maxdim, double et, double state[6]);

/* Window of `window` consecutive points out of n for et among sorted
 * epochs: even windows straddle et, odd windows center on the nearest. */
int spk_window_first(const double *epochs, int n, double start, double step, int window, double et);

#endif
