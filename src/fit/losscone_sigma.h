/* 1-sigma of a fitted surface potential (issue #15, consistent physics):
 * the profile of the loss-cone chi2 over U (r re-fitted exactly at each U,
 * the beam amplitude held), read with the bins' scatter estimated from the
 * fit itself, plus what the spacecraft potential's own sigma does to U. */
#ifndef LPMAP_FIT_LOSSCONE_SIGMA_H
#define LPMAP_FIT_LOSSCONE_SIGMA_H

#include "fit/losscone_fit.h"

/* sigma (V) of r->u_surface for sweep sw fitted with settings s, given the
 * sweep's U_sc sigma (NaN: the U_sc part is left out). NaN when the sweep
 * has no fit or too few bins. */
double losscone_u_sigma(const losscone_settings *s, const losscone_sweep *sw,
                        const losscone_result *r, double usc_sigma);

#endif
