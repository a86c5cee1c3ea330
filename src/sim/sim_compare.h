/* Injection-recovery comparison (docs/simulate.md): a batch NPZ against the
 * truth.csv of `lpmap simulate`, sweeps matched by the UTC of their first
 * row (spec_no is offset when files are merged). Used by the README demo
 * (`lpmap simulate --compare`) and the end-to-end tests. */
#ifndef LPMAP_SIM_SIM_COMPARE_H
#define LPMAP_SIM_SIM_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

/* End-to-end tolerances (docs/simulate.md). */
#define CMP_FOOT_TOL_DEG 0.01
#define CMP_USC_SUNLIT_TOL_V 1.0
#define CMP_USC_SHADOW_TOL_REL 0.05
#define CMP_USURF_MEDIAN_TOL_V 25.0

typedef struct {
    size_t sweeps_truth, sweeps_npz, sweeps_matched, sweeps_fitted;
    size_t polarity_compared, polarity_equal, sc_sun_equal;
    size_t foot_compared, foot_sun_equal;
    double foot_lat_err_max, foot_lon_err_max; /* deg (lon scaled by cos lat) */
    size_t usc_sunlit_n, usc_sunlit_within;
    double usc_sunlit_err_median, usc_sunlit_err_p90;
    size_t usc_shadow_n, usc_shadow_within;
    double usc_shadow_rel_median;
    size_t u_n;
    double u_err_median, u_err_p90;
    size_t u_ident_n;
    double u_ident_err_median;
    char device[128], dtype[32];
    double wall_s; /* NaN when the NPZ does not record it */
} sim_comparison;

lp_status sim_compare(const char *npz_path, const char *truth_path, sim_comparison *out,
                      lp_error *err);

/* Human summary (or one JSON object) on f. */
void sim_comparison_print(FILE *f, const sim_comparison *c, int json);

/* Number of tolerance violations; each is described on f (may be NULL). */
int sim_comparison_check(const sim_comparison *c, FILE *f);

#endif
