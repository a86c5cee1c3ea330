/* The flux normalization choices as enums of the physics layer:
 * normalize.h needs them and must not include the fit layer above it;
 * fit/fit_types.h re-exports them for the settings and the CLI. */
#ifndef LPMAP_PHYSICS_NORM_TYPES_H
#define LPMAP_PHYSICS_NORM_TYPES_H

typedef enum { NORM_RATIO = 0, NORM_RATIO2 = 1 } norm_mode;
typedef enum { INCIDENT_MEAN = 0, INCIDENT_MAX = 1 } incident_stat;

#endif
