/* Flux normalization (docs/physics.md §3). */
#include "physics/normalize.h"

#include <math.h>

static int valid_flux(double f)
{
    return isfinite(f) && f > 0.0;
}

static void row_ratio(incident_stat stat, const double *flux, const double *pitch, double *norm)
{
    double sum = 0.0, max = -INFINITY;
    int n = 0;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        if (pitch[c] < 90.0 && valid_flux(flux[c])) {
            sum += flux[c];
            if (flux[c] > max)
                max = flux[c];
            n++;
        }
    if (n == 0) {
        for (int c = 0; c < LP_N_CHANNELS; c++)
            norm[c] = NAN;
        return;
    }
    double incident = stat == INCIDENT_MAX ? max : sum / n;
    if (incident < LP_EPS)
        incident = LP_EPS;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        norm[c] = flux[c] / incident;
}

static void row_ratio2(const double *flux, const double *pitch, double *norm)
{
    int n_inc = 0, n_ref = 0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        norm[c] = NAN;
        if (!valid_flux(flux[c]) || !isfinite(pitch[c]))
            continue;
        if (pitch[c] < 90.0)
            n_inc++;
        else
            n_ref++;
    }
    if (n_inc == 0 || n_ref == 0)
        return;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        if (!valid_flux(flux[c]) || !isfinite(pitch[c]))
            continue;
        if (pitch[c] < 90.0) {
            norm[c] = 1.0;
            continue;
        }
        double target = 180.0 - pitch[c], best = INFINITY;
        int mirror = -1;
        for (int m = 0; m < LP_N_CHANNELS; m++)
            if (valid_flux(flux[m]) && pitch[m] < 90.0 && fabs(pitch[m] - target) < best) {
                best = fabs(pitch[m] - target);
                mirror = m;
            }
        if (mirror >= 0 && flux[mirror] > 0.0)
            norm[c] = flux[c] / flux[mirror];
    }
    /* The channel closest to 90 degrees is set to 1. Distances equal to
     * 1e-9 deg count as ties, won by the lower channel index, so round-off
     * in the pitch angles cannot flip the choice between mirror channels. */
    int closest = -1;
    double best = INFINITY;
    for (int c = 0; c < LP_N_CHANNELS; c++)
        if (valid_flux(flux[c]) && isfinite(pitch[c]) && fabs(pitch[c] - 90.0) < best - 1e-9) {
            best = fabs(pitch[c] - 90.0);
            closest = c;
        }
    if (closest >= 0)
        norm[closest] = 1.0;
}

void normalize_sweep(norm_mode mode, incident_stat stat, int n_rows,
                     const double (*flux)[LP_N_CHANNELS], const double (*pitch_deg)[LP_N_CHANNELS],
                     double (*norm)[LP_N_CHANNELS])
{
    for (int r = 0; r < n_rows; r++) {
        if (mode == NORM_RATIO2)
            row_ratio2(flux[r], pitch_deg[r], norm[r]);
        else
            row_ratio(stat, flux[r], pitch_deg[r], norm[r]);
    }
}
