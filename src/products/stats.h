/* Summary statistics of one set of values, as the products report them:
 * mean, median, 5th and 95th percentile (NumPy's default "linear"
 * interpolation between order statistics) and the population standard
 * deviation (NumPy's default ddof=0). Shared by `lpmap grid` (per cell) and
 * `lpmap sites` (per site) so both define the numbers the same way. */
#ifndef LPMAP_PRODUCTS_STATS_H
#define LPMAP_PRODUCTS_STATS_H

#include <stddef.h>

typedef struct {
    double mean, median, p05, p95, std; /* NaN when n == 0 */
} products_stats;

/* Sorts v[0..n) in place (NaN must already be removed) and fills *out. */
void products_stats_compute(double *v, size_t n, products_stats *out);

/* The q-quantile (0..1) of sorted values, NumPy's linear method. */
double products_quantile_sorted(const double *v, size_t n, double q);

/* Inverse-variance weighted mean of the pairs (x, sigma) accumulated as
 * sum_w = sum 1/sigma^2 and sum_wx = sum x/sigma^2: mean sum_wx/sum_w, its
 * sigma 1/sqrt(sum_w); NaN for both when sum_w is 0. */
void products_wmean_finish(double sum_w, double sum_wx, double *mean, double *sigma);

#endif
