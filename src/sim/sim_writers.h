/* Files written by `lpmap simulate` (docs/formats.md §1-§4, §7): theta.tab,
 * attitude.tab, the SPICE kernels (LSK, PCK text, SPK), ER day files and
 * truth.csv. Every file is written to a temporary name in its folder and
 * renamed into place when complete. */
#ifndef LPMAP_SIM_SIM_WRITERS_H
#define LPMAP_SIM_SIM_WRITERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/constants.h"
#include "core/status.h"
#include "sim/sim_mission.h"

/* A file being written atomically: `path`.tmp.PID, renamed on commit. */
typedef struct {
    FILE *f;
    char path[4096];
    char tmp[4200];
} sim_file;

lp_status sim_file_open(sim_file *sf, const char *path, lp_error *err);
lp_status sim_file_commit(sim_file *sf, lp_error *err);
void sim_file_abort(sim_file *sf);

lp_status sim_write_theta(const char *path, const double theta_deg[LP_N_CHANNELS], lp_error *err);
lp_status sim_write_attitude(const char *path, const sim_attitude *att, lp_error *err);
lp_status sim_write_pck(const char *path, lp_error *err);
/* Sun, EMB, Earth, Moon (type 2, J2000) and LP (type 13, relative to the
 * Moon) covering [et0, et1]. */
lp_status sim_write_spk_planets(const char *path, double et0, double et1, lp_error *err);
lp_status sim_write_spk_lp(const char *path, double et0, double et1, lp_error *err);

/* Fill markers of the real files (docs/formats.md §1). */
enum { SIM_FILL_NONE = 0, SIM_FILL_MISSING = 1, SIM_FILL_FLAGGED = 2 };

/* One ER row as text (183 fields, '\n' terminated) into buf (>= 4096
 * bytes); returns its length. */
size_t sim_format_er_row(char *buf, const char *utc, double unix_s, double energy, int64_t spec_no,
                         const double b[3], const double flux[LP_N_CHANNELS],
                         const uint8_t flux_fill[LP_N_CHANNELS], const double phi[LP_N_CHANNELS],
                         const uint8_t phi_fill[LP_N_CHANNELS]);

/* Scientific notation with 4 decimals, like printf("%.4E"); returns chars written. */
int sim_format_sci4(char *buf, double x);

#endif
