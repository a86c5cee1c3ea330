/* Per-cell / per-site statistics (see stats.h). */
#include "products/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double products_quantile_sorted(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo >= n - 1)
        return v[n - 1];
    double t = pos - (double)lo, a = v[lo], b = v[lo + 1];
    /* NumPy's _lerp: exact at both ends (t = 0 gives a, t = 1 gives b). */
    return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

void products_stats_compute(double *v, size_t n, products_stats *out)
{
    if (n == 0) {
        out->mean = out->median = out->p05 = out->p95 = out->std = NAN;
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    /* Neumaier-compensated sums: the mean and variance stay accurate to a
     * few ulp for the millions of rows of a mission grid cell. */
    double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double t = s + v[i];
        c += fabs(s) >= fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
        s = t;
    }
    double mean = (s + c) / (double)n;
    double s2 = 0, c2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (v[i] - mean) * (v[i] - mean), t = s2 + d;
        c2 += s2 >= d ? (s2 - t) + d : (d - t) + s2;
        s2 = t;
    }
    out->mean = mean;
    out->std = sqrt((s2 + c2) / (double)n);
    /* np.median averages the two middle values of an even count. */
    out->median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    out->p05 = products_quantile_sorted(v, n, 0.05);
    out->p95 = products_quantile_sorted(v, n, 0.95);
}

void products_wmean_finish(double sum_w, double sum_wx, double *mean, double *sigma)
{
    if (!(sum_w > 0)) {
        *mean = *sigma = NAN;
        return;
    }
    *mean = sum_wx / sum_w;
    *sigma = 1.0 / sqrt(sum_w);
}
