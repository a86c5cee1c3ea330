/* Per-row pitch angles (docs/physics.md §2). */
#include "physics/pitch.h"

void pitch_elevations_init(const er_instrument *inst, pitch_elevations *el)
{
    const double rad = LP_PI / 180.0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        el->cos_theta[c] = cos(inst->theta_deg[c] * rad);
        el->sin_theta[c] = sin(inst->theta_deg[c] * rad);
    }
}

void pitch_row_el(const pitch_elevations *el, const double b[3], int polarity,
                  const double phi_deg[LP_N_CHANNELS], double pitch_deg[LP_N_CHANNELS])
{
    double bhat[3];
    int ok = pitch_field_direction(b, polarity, bhat) == 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (!ok || !isfinite(phi_deg[c])) {
            pitch_deg[c] = NAN;
            continue;
        }
        double d[3];
        pitch_look_direction_cs(el->cos_theta[c], el->sin_theta[c], phi_deg[c], d);
        pitch_deg[c] = pitch_angle_deg(bhat, d);
    }
}

void pitch_row(const er_instrument *inst, const double b[3], int polarity,
               const double phi_deg[LP_N_CHANNELS], double pitch_deg[LP_N_CHANNELS])
{
    double bhat[3];
    int ok = pitch_field_direction(b, polarity, bhat) == 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (!ok || !isfinite(phi_deg[c])) {
            pitch_deg[c] = NAN;
            continue;
        }
        double d[3];
        pitch_look_direction(inst->theta_deg[c], phi_deg[c], d);
        pitch_deg[c] = pitch_angle_deg(bhat, d);
    }
}
