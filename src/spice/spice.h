/* The SPICE subset lpmap implements (docs/spice.md): a kernel set loaded
 * once (read-only afterwards, so threads may query it concurrently), UTC→ET,
 * positions from SPK files and frame rotations including IAU_MOON.
 * API pinned by the integrator; implemented in src/spice. */
#ifndef LPMAP_SPICE_SPICE_H
#define LPMAP_SPICE_SPICE_H

#include <stddef.h>

#include "core/status.h"

/* NAIF frame codes (IAU_MOON is the PCK body-fixed frame of body 301). */
typedef enum {
    SPICE_FRAME_J2000 = 1,
    SPICE_FRAME_B1950 = 2,
    SPICE_FRAME_FK4 = 3,
    SPICE_FRAME_ECLIPJ2000 = 17,
    SPICE_FRAME_IAU_MOON = 10020
} spice_frame;

/* NAIF body ids used by lpmap. */
enum { NAIF_SUN = 10, NAIF_EMB = 3, NAIF_EARTH = 399, NAIF_MOON = 301, NAIF_LP = -25 };

typedef struct spice_kernels spice_kernels;

/* Load every *.bsp, *.tls, *.tpc of a folder (sorted by name; later files
 * take precedence). LP_ERR_IO when the folder is missing or holds none. */
lp_status spice_load_dir(const char *dir, spice_kernels **out, lp_error *err);
/* Load the given files in order. */
lp_status spice_load_files(const char *const *paths, size_t n, spice_kernels **out, lp_error *err);
void spice_free(spice_kernels *k);

/* UTC string (docs/formats.md §1 forms, also "YYYY-MM-DD hh:mm:ss") → ET, TDB
 * seconds past J2000 (docs/spice.md §2). Needs a loaded LSK. */
lp_status spice_utc_to_et(const spice_kernels *k, const char *utc, double *et, lp_error *err);

/* Position (km) of target relative to observer in `frame` at `et`, no
 * aberration correction. LP_ERR_COVERAGE naming the body and time when a
 * link of the chain has no segment. */
lp_status spice_pos(const spice_kernels *k, int target, int observer, spice_frame frame, double et,
                    double out_km[3], lp_error *err);
/* Position and velocity (km, km/s). */
lp_status spice_state(const spice_kernels *k, int target, int observer, spice_frame frame,
                      double et, double out[6], lp_error *err);

/* Rotation matrix taking vectors from `from` to `to` at `et` (row-major). */
lp_status spice_xform(const spice_kernels *k, spice_frame from, spice_frame to, double et,
                      double m[3][3], lp_error *err);

/* Several queries at one epoch sharing their work: each SPK segment state
 * and the IAU_MOON rotation is evaluated once per epoch (a row's geometry
 * asks for four positions and a rotation at the same ET; docs/performance.md
 * "Geometry: one evaluation per epoch"). The results equal those of
 * spice_pos / spice_xform bit for bit. An epoch is the caller's (stack)
 * memo: set up with spice_epoch_init, used by one thread. */
#define SPICE_EPOCH_SEGS 8
typedef struct {
    double et;
    int n_segs, have_moon;
    const void *seg[SPICE_EPOCH_SEGS]; /* segments evaluated at et, and their states */
    double state[SPICE_EPOCH_SEGS][6];
    double moon[3][3]; /* J2000 → IAU_MOON when have_moon */
} spice_epoch;
void spice_epoch_init(spice_epoch *e, double et);
lp_status spice_epoch_pos(const spice_kernels *k, spice_epoch *e, int target, int observer,
                          spice_frame frame, double out_km[3], lp_error *err);
lp_status spice_epoch_xform(const spice_kernels *k, spice_epoch *e, spice_frame from,
                            spice_frame to, double m[3][3], lp_error *err);

/* Frame name ("J2000", "ECLIPJ2000", "IAU_MOON", "B1950", "FK4") → code; -1 if unknown. */
int spice_frame_from_name(const char *name);
const char *spice_frame_name(spice_frame f);

/* Description of what is loaded, for `lpmap spice info`: one line per
 * kernel and per SPK segment (body, center, frame, type, coverage as UTC). */
lp_status spice_describe(const spice_kernels *k, char **text_out, lp_error *err);

/* Body name ("MOON", "SUN", "EARTH", "EMB", "SSB", "LP", "LUNAR PROSPECTOR", ...) or
 * integer text → NAIF id. Returns 0 on success, -1 if unknown. (added by the SPICE module) */
int spice_body_from_name(const char *name, int *id);

/* Earliest start and latest end over the loaded segments of `body`
 * (LP_ERR_COVERAGE when there is none). (added by the SPICE module) */
lp_status spice_body_coverage(const spice_kernels *k, int body, double *et0, double *et1,
                              lp_error *err);

/* ET → UTC text "YYYY-MM-DDThh:mm:ss.sss" (needs an LSK; otherwise "ET <value>").
 * (added by the SPICE module) */
void spice_et_to_utc(const spice_kernels *k, double et, char *buf, size_t size);

#endif
