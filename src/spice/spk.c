/* SPK segment types (docs/spice.md §3, NAIF SPK Required Reading): Chebyshev
 * types 2/3, Lagrange types 8/9, Hermite types 12/13, difference lines
 * 1/21. Evaluation is pure (no caches), so threads may share segments. */
#include "spice/spk.h"

#include <math.h>
#include <string.h>

/* ---- layout checks ---- */

static int is_int(double v)
{
    return isfinite(v) && v == floor(v) && fabs(v) < 2e9;
}

lp_status spk_params_init(spk_params *p, int type, const double *data, size_t n, lp_error *err)
{
    memset(p, 0, sizeof *p);
    p->type = type;
    p->data = data;
    p->n = n;
    switch (type) {
    case 2:
    case 3: {
        if (n < 4)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d segment shorter than its trailer",
                                type);
        double init = data[n - 4], intlen = data[n - 3], rsize = data[n - 2], nrec = data[n - 1];
        int ncomp = type == 2 ? 3 : 6;
        if (!isfinite(init) || !(intlen > 0) || !is_int(rsize) || !is_int(nrec) || nrec < 1 ||
            rsize < 2 + ncomp || ((int)rsize - 2) % ncomp != 0)
            return lp_error_set(
                err, LP_ERR_FORMAT,
                "type %d trailer is inconsistent (INIT %g, INTLEN %g, RSIZE %g, N %g)", type, init,
                intlen, rsize, nrec);
        if ((size_t)rsize * (size_t)nrec + 4 != n)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "type %d segment size %zu does not match %g records of %g words",
                                type, n, nrec, rsize);
        p->init = init;
        p->intlen = intlen;
        p->rsize = (int)rsize;
        p->nrec = (int)nrec;
        p->ncoef = ((int)rsize - 2) / ncomp;
        if (p->ncoef > SPK_MAX_CHEB)
            return lp_error_set(err, LP_ERR_UNSUPPORTED, "type %d with %d coefficients (max %d)",
                                type, p->ncoef, SPK_MAX_CHEB);
        return LP_OK;
    }
    case 8:
    case 12: {
        if (n < 4)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d segment shorter than its trailer",
                                type);
        double start = data[n - 4], step = data[n - 3], w = data[n - 2], ns = data[n - 1];
        if (!isfinite(start) || !(step > 0) || !is_int(w) || !is_int(ns) || ns < 2 || w < 1)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d trailer is inconsistent", type);
        if ((size_t)ns * 6 + 4 != n)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "type %d segment size %zu does not match %g states", type, n, ns);
        p->start = start;
        p->step = step;
        p->nstates = (int)ns;
        p->window = (int)w + 1;
        break;
    }
    case 9:
    case 13: {
        if (n < 2)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d segment shorter than its trailer",
                                type);
        double w = data[n - 2], ns = data[n - 1];
        if (!is_int(w) || !is_int(ns) || ns < 2 || w < 1)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d trailer is inconsistent", type);
        size_t nsz = (size_t)ns;
        size_t ndir = (nsz - 1) / 100;
        if (nsz * 7 + ndir + 2 != n)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "type %d segment size %zu does not match %zu states", type, n, nsz);
        p->nstates = (int)ns;
        p->window = (int)w + 1;
        p->epochs = data + 6 * nsz;
        for (size_t i = 1; i < nsz; i++)
            if (!(p->epochs[i] > p->epochs[i - 1]))
                return lp_error_set(err, LP_ERR_FORMAT, "type %d epochs not strictly increasing",
                                    type);
        break;
    }
    case 1:
    case 21: {
        if (n < 2)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d segment shorter than its trailer",
                                type);
        int maxdim = 15;
        double nr = data[n - 1];
        if (type == 21) {
            double md = data[n - 2];
            if (!is_int(md) || md < 1 || md > 25)
                return lp_error_set(err, LP_ERR_FORMAT, "type 21 MAXDIM %g invalid", md);
            maxdim = (int)md;
        }
        if (!is_int(nr) || nr < 1)
            return lp_error_set(err, LP_ERR_FORMAT, "type %d record count %g invalid", type, nr);
        size_t nrec = (size_t)nr, dlsize = 4 * (size_t)maxdim + 11;
        size_t ndir = nrec / 100;
        size_t want = nrec * dlsize + nrec + ndir + (type == 21 ? 2 : 1);
        if (want != n)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "type %d segment size %zu does not match %zu records", type, n,
                                nrec);
        p->maxdim = maxdim;
        p->rsize = (int)dlsize;
        p->nrec = (int)nrec;
        p->epochs = data + nrec * dlsize;
        /* every record's orders and step sizes must be usable */
        for (size_t r = 0; r < nrec; r++) {
            const double *rec = data + r * dlsize;
            double kqmax1 = rec[4 * maxdim + 7];
            if (!is_int(kqmax1) || kqmax1 < 2 || kqmax1 > maxdim + 1)
                return lp_error_set(err, LP_ERR_FORMAT, "type %d record %zu: order %g invalid",
                                    type, r + 1, kqmax1);
            for (int c = 0; c < 3; c++) {
                double kq = rec[4 * maxdim + 8 + c];
                if (!is_int(kq) || kq < 0 || kq > maxdim)
                    return lp_error_set(err, LP_ERR_FORMAT,
                                        "type %d record %zu: component order %g invalid", type,
                                        r + 1, kq);
            }
            for (int j = 0; j < (int)kqmax1 - 2; j++)
                if (!(rec[1 + j] != 0.0) || !isfinite(rec[1 + j]))
                    return lp_error_set(err, LP_ERR_FORMAT,
                                        "type %d record %zu: zero step size at index %d", type,
                                        r + 1, j + 1);
            if (r > 0 && !(p->epochs[r] > p->epochs[r - 1]))
                return lp_error_set(err, LP_ERR_FORMAT, "type %d record epochs not increasing",
                                    type);
        }
        return LP_OK;
    }
    default:
        return lp_error_set(err, LP_ERR_UNSUPPORTED, "SPK data type %d is not supported", type);
    }
    int maxw = type == 8 || type == 9 ? SPK_MAX_WINDOW : SPK_MAX_WINDOW / 2;
    if (p->window > maxw || p->window > p->nstates)
        return lp_error_set(err, LP_ERR_FORMAT, "type %d window size %d invalid for %d states",
                            type, p->window, p->nstates);
    return LP_OK;
}

/* ---- Chebyshev ---- */

static int cheb_record(const spk_params *p, double et)
{
    double r = floor((et - p->init) / p->intlen);
    if (r < 0)
        r = 0;
    if (r > p->nrec - 1)
        r = p->nrec - 1;
    return (int)r;
}

/* T_k(x) and T'_k(x) for k < n. */
static void cheb_basis(int n, double x, double *t, double *dt)
{
    t[0] = 1.0;
    dt[0] = 0.0;
    if (n > 1) {
        t[1] = x;
        dt[1] = 1.0;
    }
    for (int k = 2; k < n; k++) {
        t[k] = 2.0 * x * t[k - 1] - t[k - 2];
        dt[k] = 2.0 * t[k - 1] + 2.0 * x * dt[k - 1] - dt[k - 2];
    }
}

static double dot(const double *a, const double *b, int n)
{
    double s = 0.0;
    for (int k = n - 1; k >= 0; k--)
        s += a[k] * b[k];
    return s;
}

void spk_eval_type2(const spk_params *p, double et, double state[6])
{
    const double *rec = p->data + (size_t)cheb_record(p, et) * p->rsize;
    double mid = rec[0], radius = rec[1];
    double x = (et - mid) / radius;
    double t[SPK_MAX_CHEB], dt[SPK_MAX_CHEB];
    int nc = p->ncoef;
    cheb_basis(nc, x, t, dt);
    for (int c = 0; c < 3; c++) {
        const double *cf = rec + 2 + c * nc;
        state[c] = dot(cf, t, nc);
        state[c + 3] = dot(cf, dt, nc) / radius;
    }
}

void spk_eval_type3(const spk_params *p, double et, double state[6])
{
    const double *rec = p->data + (size_t)cheb_record(p, et) * p->rsize;
    double mid = rec[0], radius = rec[1];
    double x = (et - mid) / radius;
    double t[SPK_MAX_CHEB], dt[SPK_MAX_CHEB];
    int nc = p->ncoef;
    cheb_basis(nc, x, t, dt);
    for (int c = 0; c < 6; c++)
        state[c] = dot(rec + 2 + c * nc, t, nc);
}

/* ---- discrete states ---- */

int spk_window_first(const double *epochs, int n, double start, double step, int window, double et)
{
    /* As NAIF's SPKR08/SPKR09: equal steps take LOW = last epoch <= ET and
     * NEAR = nearest (ties upwards); unequal steps take LOW = last epoch < ET
     * (the first when none) and NEAR = the closer of LOW, LOW+1 (ties to
     * LOW+1). Even windows start at LOW - (W/2 - 1), odd at NEAR - W/2,
     * clamped to [0, n - W]. */
    int low, near;
    if (epochs) {
        int lo = 0, hi = n - 1;
        low = 0;
        while (lo <= hi) {
            int mid = (lo + hi) / 2;
            if (epochs[mid] < et) {
                low = mid;
                lo = mid + 1;
            } else
                hi = mid - 1;
        }
        if (low > n - 2)
            low = n - 2;
        near = low;
        if (epochs[low] < et && !(fabs(et - epochs[low]) < fabs(et - epochs[low + 1])))
            near = low + 1;
    } else {
        double r = floor((et - start) / step);
        low = r < 0 ? 0 : r > n - 1 ? n - 1 : (int)r;
        double q = floor((et - start) / step + 0.5);
        near = q < 0 ? 0 : q > n - 1 ? n - 1 : (int)q;
    }
    int first = window % 2 == 0 ? low - (window / 2 - 1) : near - window / 2;
    if (first > n - window)
        first = n - window;
    if (first < 0)
        first = 0;
    return first;
}

static void lagrange_eval(const spk_params *p, const double *x, double et, int first,
                          double state[6])
{
    int w = p->window;
    double wt[SPK_MAX_WINDOW];
    for (int i = 0; i < w; i++) {
        double l = 1.0;
        for (int j = 0; j < w; j++)
            if (j != i)
                l *= (et - x[j]) / (x[i] - x[j]);
        wt[i] = l;
    }
    const double *s = p->data + (size_t)first * 6;
    for (int c = 0; c < 6; c++) {
        double v = 0.0;
        for (int i = 0; i < w; i++)
            v += wt[i] * s[i * 6 + c];
        state[c] = v;
    }
}

void spk_eval_type8(const spk_params *p, double et, double state[6])
{
    int first = spk_window_first(NULL, p->nstates, p->start, p->step, p->window, et);
    double x[SPK_MAX_WINDOW];
    for (int i = 0; i < p->window; i++)
        x[i] = p->start + (first + i) * p->step;
    lagrange_eval(p, x, et, first, state);
}

void spk_eval_type9(const spk_params *p, double et, double state[6])
{
    int first = spk_window_first(p->epochs, p->nstates, 0, 0, p->window, et);
    lagrange_eval(p, p->epochs + first, et, first, state);
}

/* Hermite interpolation of value f and derivative df at nodes x (m points):
 * Newton divided differences on doubled nodes. */
static void hermite_1d(int m, const double *x, const double *f, int fstride, const double *df,
                       double t, double *val, double *der)
{
    int n = 2 * m;
    double z[SPK_MAX_WINDOW] = {0}, c[SPK_MAX_WINDOW] = {0};
    for (int i = 0; i < m; i++) {
        z[2 * i] = z[2 * i + 1] = x[i];
        c[2 * i] = c[2 * i + 1] = f[i * fstride];
    }
    for (int j = 1; j < n; j++)
        for (int i = n - 1; i >= j; i--) {
            if (j == 1 && (i % 2) == 1)
                c[i] = df[(i / 2) * fstride];
            else
                c[i] = (c[i] - c[i - 1]) / (z[i] - z[i - j]);
        }
    double pv = c[n - 1], dp = 0.0;
    for (int i = n - 2; i >= 0; i--) {
        dp = dp * (t - z[i]) + pv;
        pv = pv * (t - z[i]) + c[i];
    }
    *val = pv;
    *der = dp;
}

static void hermite_eval(const spk_params *p, const double *x, double et, int first,
                         double state[6])
{
    const double *s = p->data + (size_t)first * 6;
    /* shift abscissae to the window start for conditioning */
    double xs[SPK_MAX_WINDOW / 2];
    for (int i = 0; i < p->window; i++)
        xs[i] = x[i] - x[0];
    double t = et - x[0];
    for (int c = 0; c < 3; c++) {
        double v, d;
        hermite_1d(p->window, xs, s + c, 6, s + c + 3, t, &v, &d);
        state[c] = v;
        state[c + 3] = d;
    }
}

void spk_eval_type12(const spk_params *p, double et, double state[6])
{
    int first = spk_window_first(NULL, p->nstates, p->start, p->step, p->window, et);
    double x[SPK_MAX_WINDOW / 2];
    for (int i = 0; i < p->window; i++)
        x[i] = p->start + (first + i) * p->step;
    hermite_eval(p, x, et, first, state);
}

void spk_eval_type13(const spk_params *p, double et, double state[6])
{
    int first = spk_window_first(p->epochs, p->nstates, 0, 0, p->window, et);
    hermite_eval(p, p->epochs + first, et, first, state);
}

/* ---- difference lines (types 1 and 21), after NAIF's SPKE01/SPKE21 ---- */

static int mda_record(const spk_params *p, double et)
{
    /* first record whose final epoch >= et */
    int lo = 0, hi = p->nrec - 1, ans = p->nrec - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (p->epochs[mid] >= et) {
            ans = mid;
            hi = mid - 1;
        } else
            lo = mid + 1;
    }
    return ans;
}

void spk_mda_eval_record(const double *rec, int maxdim, double et, double state[6])
{
    double fc[28] = {0}, wc[28] = {0}, w[30] = {0};
    const double tl = rec[0];
    const double *g = rec + 1;               /* stepsize vector, maxdim */
    const double *refpos = rec + 1 + maxdim; /* x vx y vy z vz interleaved */
    const double *dt = rec + 1 + maxdim + 6; /* difference table maxdim x 3 */
    int kqmax1 = (int)rec[4 * maxdim + 7];
    int kq[3] = {(int)rec[4 * maxdim + 8], (int)rec[4 * maxdim + 9], (int)rec[4 * maxdim + 10]};
    double delta = et - tl;
    double tp = delta;
    int mq2 = kqmax1 - 2;
    int ks = kqmax1 - 1;
    fc[0] = 1.0;
    for (int j = 1; j <= mq2; j++) {
        fc[j] = tp / g[j - 1];
        wc[j - 1] = delta / g[j - 1];
        tp = delta + g[j - 1];
    }
    for (int j = 1; j <= kqmax1; j++)
        w[j - 1] = 1.0 / (double)j;
    int jx = 0;
    int ks1 = ks - 1;
    while (ks >= 2) {
        jx++;
        for (int j = 1; j <= jx; j++)
            w[j + ks - 1] = fc[j] * w[j + ks1 - 1] - wc[j - 1] * w[j + ks - 1];
        ks = ks1;
        ks1 = ks1 - 1;
    }
    for (int i = 0; i < 3; i++) {
        int kqq = kq[i];
        double sum = 0.0;
        for (int j = kqq; j >= 1; j--)
            sum += dt[(j - 1) + i * maxdim] * w[j + ks - 1];
        state[i] = refpos[2 * i] + delta * (refpos[2 * i + 1] + delta * sum);
    }
    for (int j = 1; j <= jx; j++)
        w[j + ks - 1] = fc[j] * w[j + ks1 - 1] - wc[j - 1] * w[j + ks - 1];
    ks = ks - 1;
    for (int i = 0; i < 3; i++) {
        int kqq = kq[i];
        double sum = 0.0;
        for (int j = kqq; j >= 1; j--)
            sum += dt[(j - 1) + i * maxdim] * w[j + ks - 1];
        state[i + 3] = refpos[2 * i + 1] + delta * sum;
    }
}

void spk_eval_type1(const spk_params *p, double et, double state[6])
{
    spk_mda_eval_record(p->data + (size_t)mda_record(p, et) * p->rsize, p->maxdim, et, state);
}

void spk_eval_type21(const spk_params *p, double et, double state[6])
{
    spk_mda_eval_record(p->data + (size_t)mda_record(p, et) * p->rsize, p->maxdim, et, state);
}

void spk_eval(const spk_params *p, double et, double state[6])
{
    switch (p->type) {
    case 1: spk_eval_type1(p, et, state); break;
    case 2: spk_eval_type2(p, et, state); break;
    case 3: spk_eval_type3(p, et, state); break;
    case 8: spk_eval_type8(p, et, state); break;
    case 9: spk_eval_type9(p, et, state); break;
    case 12: spk_eval_type12(p, et, state); break;
    case 13: spk_eval_type13(p, et, state); break;
    case 21: spk_eval_type21(p, et, state); break;
    default:
        for (int i = 0; i < 6; i++)
            state[i] = NAN;
    }
}
