/* 1-sigma of a fitted surface potential (issue #15, consistent physics):
 * the profile of the loss-cone chi2 over U (r and the beam amplitude
 * re-fitted at each U), read with the bins' scatter estimated from the fit
 * itself, plus what the spacecraft potential's own sigma does to U. The
 * mean of the profile likelihood is the point estimate of U
 * (docs/decisions.md "U_surface: the profile mean"). */
#ifndef LPMAP_FIT_LOSSCONE_SIGMA_H
#define LPMAP_FIT_LOSSCONE_SIGMA_H

#include "fit/losscone_fit.h"

/* sigma (V) of the surface potential of sweep sw fitted with settings s
 * (result r), given the sweep's U_sc sigma (NaN: the U_sc part is left
 * out). NaN when the sweep has no fit or too few bins. When centre is not
 * NULL it receives the mean of the profile likelihood (r's U itself when
 * that sits on a bound of U; NaN with the sigma). */
double losscone_u_sigma(const losscone_settings *s, const losscone_sweep *sw,
                        const losscone_result *r, double usc_sigma, double *centre);

#endif
