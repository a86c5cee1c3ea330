/* Names of the sweep status codes and fit flags (see sweep_status.h). */
#include "pipeline/sweep_status.h"

static const char *const status_names[SWEEP_STATUS_COUNT] = {
    [SWEEP_OK] = "ok",
    [SWEEP_NO_GEOMETRY] = "no_geometry",
    [SWEEP_NO_FOOTPOINT] = "no_footpoint",
    [SWEEP_USC_NO_DATA] = "usc_no_data",
    [SWEEP_USC_KAPPA_REJECTED] = "usc_kappa_rejected",
    [SWEEP_USC_NO_ROOT] = "usc_no_root",
    [SWEEP_LC_NO_DATA] = "lc_no_data",
    [SWEEP_LC_REJECTED] = "lc_rejected",
    [SWEEP_LC_AT_BOUND] = "lc_at_bound",
};

static const char *const flag_names[FIT_FLAG_COUNT] = {
    "u_at_bound",
    "bs_bm_at_bound",
    "beam_amp_at_bound",
    "kappa_at_bound",
};

const char *sweep_status_name(int code)
{
    if (code < 0 || code >= SWEEP_STATUS_COUNT || !status_names[code])
        return "unknown";
    return status_names[code];
}

const char *fit_flag_name(int bit)
{
    if (bit < 0 || bit >= FIT_FLAG_COUNT)
        return "unknown";
    return flag_names[bit];
}
