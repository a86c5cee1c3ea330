/* Enumerations shared by the fit settings, the backends and the CLI. */
#ifndef LPMAP_FIT_FIT_TYPES_H
#define LPMAP_FIT_FIT_TYPES_H

/* norm_mode and incident_stat belong to the physics layer (normalize.c). */
#include <math.h> /* NAN */

#include "physics/norm_types.h"

/* FIT_METHOD_COUNTS: the Poisson deviance of the counts (docs/physics-modes.md
 * "Surface potential"); the consistent physics' objective in place of halekas,
 * never chosen by --method. */
typedef enum { FIT_METHOD_HALEKAS = 0, FIT_METHOD_LILLIS = 1, FIT_METHOD_COUNTS = 2 } fit_method;
typedef enum { DTYPE_AUTO = 0, DTYPE_FP16, DTYPE_FP32, DTYPE_FP64 } fit_dtype;

/* Spacecraft-potential physics (docs/physics-modes.md): the original's
 * formulas bit for bit, or the self-consistent Poisson/Liouville estimator. */
typedef enum { PHYSICS_CONSISTENT = 0, PHYSICS_REFERENCE = 1 } physics_mode;
#define PHYSICS_DEFAULT_NAME "consistent"

/* One self-consistent spacecraft potential and the fit it came from (the
 * second charging branch's, docs/physics-modes.md step 10); u_sc NaN: none. */
typedef struct {
    double u_sc, u_sigma, te_ev, density, kappa;
} usc_candidate;
#define USC_CANDIDATE_NONE ((usc_candidate){NAN, NAN, NAN, NAN, NAN})

#endif
