/* Frame rotations (docs/spice.md §4): NAIF's inertial frame definitions
 * (ECLIPJ2000: obliquity 84381.448″ about x; B1950: the IAU 1976 precession
 * angles z, θ, ζ; FK4: B1950 plus the 0.525″ equinox offset) and IAU_MOON,
 * R3(W)·R1(π/2−δ)·R3(π/2+α) from the text PCK. */
#include "spice/frames.h"

#include <math.h>
#include <string.h>

#define ARCSEC (M_PI / 648000.0)
#define DEG (M_PI / 180.0)

void frames_rotate(double a, int axis, double m[3][3])
{
    double c = cos(a), s = sin(a);
    memset(m, 0, 9 * sizeof(double));
    int i = (axis - 1) % 3, j = axis % 3, k = (axis + 1) % 3;
    m[i][i] = 1.0;
    m[j][j] = c;
    m[j][k] = s;
    m[k][j] = -s;
    m[k][k] = c;
}

void frames_mxm(const double a[3][3], const double b[3][3], double out[3][3])
{
    double r[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
    memcpy(out, r, sizeof r);
}

void frames_mtxm(const double a[3][3], const double b[3][3], double out[3][3])
{
    double r[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[i][j] = a[0][i] * b[0][j] + a[1][i] * b[1][j] + a[2][i] * b[2][j];
    memcpy(out, r, sizeof r);
}

void frames_mxv(const double m[3][3], const double v[3], double out[3])
{
    double r[3];
    for (int i = 0; i < 3; i++)
        r[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    memcpy(out, r, sizeof r);
}

void frames_transpose(const double m[3][3], double out[3][3])
{
    double r[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[i][j] = m[j][i];
    memcpy(out, r, sizeof r);
}

/* NAIF CHGIRF: the definition string "a1 x1 a2 x2 a3 x3" (arcseconds) gives
 * J2000 → frame = [a1]_x1 · [a2]_x2 · [a3]_x3 (for B1950: [ζ]_3 [−θ]_2 [z]_3). */
static void rotation_sequence(const double *angles, const int *axes, int n, double m[3][3])
{
    double r[3][3];
    frames_rotate(0.0, 1, m);
    for (int i = 0; i < n; i++) {
        frames_rotate(angles[i] * ARCSEC, axes[i], r);
        frames_mxm(m, r, m);
    }
}

int frames_inertial_from_j2000(int frame, double m[3][3])
{
    static const double b1950_a[3] = {1152.84248596724, -1002.26108439117, 1153.04066200330};
    static const int b1950_x[3] = {3, 2, 3};
    double r[3][3];
    switch (frame) {
    case 1: frames_rotate(0.0, 1, m); return 1;
    case 17: frames_rotate(84381.448 * ARCSEC, 1, m); return 1;
    case 2: rotation_sequence(b1950_a, b1950_x, 3, m); return 1;
    case 3:
        rotation_sequence(b1950_a, b1950_x, 3, m);
        frames_rotate(0.525 * ARCSEC, 3, r);
        frames_mxm(r, m, m);
        return 1;
    default: return 0;
    }
}

static lp_status copy_poly(const tk_pool *pool, const char *name, double out[3], lp_error *err)
{
    const tk_var *v = tk_pool_get_nums(pool, name, 1);
    if (!v)
        return lp_error_set(err, LP_ERR_FORMAT, "PCK variable %s missing or not numeric", name);
    for (int i = 0; i < 3; i++)
        out[i] = (size_t)i < v->n ? v->nums[i] : 0.0;
    return LP_OK;
}

static void copy_series(const tk_pool *pool, const char *name, double *out, int *n)
{
    const tk_var *v = tk_pool_get_nums(pool, name, 1);
    *n = 0;
    if (!v)
        return;
    *n = (int)(v->n > FRAMES_MAX_NUT ? FRAMES_MAX_NUT : v->n);
    for (int i = 0; i < *n; i++)
        out[i] = v->nums[i];
}

lp_status frames_moon_model_from_pool(const tk_pool *pool, frames_moon_model *model, lp_error *err)
{
    memset(model, 0, sizeof *model);
    if (!tk_pool_get(pool, "BODY301_POLE_RA"))
        return LP_OK;
    lp_status st;
    if ((st = copy_poly(pool, "BODY301_POLE_RA", model->ra, err)) != LP_OK ||
        (st = copy_poly(pool, "BODY301_POLE_DEC", model->dec, err)) != LP_OK ||
        (st = copy_poly(pool, "BODY301_PM", model->pm, err)) != LP_OK)
        return st;
    copy_series(pool, "BODY301_NUT_PREC_RA", model->nut_ra, &model->n_nut_ra);
    copy_series(pool, "BODY301_NUT_PREC_DEC", model->nut_dec, &model->n_nut_dec);
    copy_series(pool, "BODY301_NUT_PREC_PM", model->nut_pm, &model->n_nut_pm);
    int nmax = model->n_nut_ra;
    if (model->n_nut_dec > nmax)
        nmax = model->n_nut_dec;
    if (model->n_nut_pm > nmax)
        nmax = model->n_nut_pm;
    if (nmax > 0) {
        const tk_var *deg = tk_pool_get_nums(pool, "BODY3_MAX_PHASE_DEGREE", 1);
        int nterms = deg ? (int)deg->nums[0] + 1 : 2;
        const tk_var *ang = tk_pool_get_nums(pool, "BODY3_NUT_PREC_ANGLES", 1);
        if (!ang)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "PCK has BODY301_NUT_PREC_* but no BODY3_NUT_PREC_ANGLES");
        if (nterms < 1 || nterms > 4 || ang->n % (size_t)nterms != 0 ||
            ang->n / (size_t)nterms < (size_t)nmax || ang->n > FRAMES_MAX_NUT * 4)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "BODY3_NUT_PREC_ANGLES has %zu values, too few for %d terms",
                                ang->n, nmax);
        model->n_terms = nterms;
        model->n_angles = nmax;
        for (int i = 0; i < nmax * nterms; i++)
            model->angles[i] = ang->nums[i];
    }
    model->loaded = 1;
    return LP_OK;
}

void frames_moon_angles(const frames_moon_model *m, double et, double *ra, double *dec, double *w)
{
    double d = et / 86400.0, t = d / 36525.0;
    double a = m->ra[0] + t * (m->ra[1] + t * m->ra[2]);
    double de = m->dec[0] + t * (m->dec[1] + t * m->dec[2]);
    double pm = m->pm[0] + d * (m->pm[1] + d * m->pm[2]);
    for (int i = 0; i < m->n_angles; i++) {
        const double *c = m->angles + i * m->n_terms;
        double th = 0.0;
        for (int k = m->n_terms - 1; k >= 0; k--)
            th = th * t + c[k];
        th *= DEG;
        double s = sin(th), co = cos(th);
        if (i < m->n_nut_ra)
            a += m->nut_ra[i] * s;
        if (i < m->n_nut_dec)
            de += m->nut_dec[i] * co;
        if (i < m->n_nut_pm)
            pm += m->nut_pm[i] * s;
    }
    *ra = a * DEG;
    *dec = de * DEG;
    *w = fmod(pm, 360.0) * DEG;
}

void frames_moon_from_j2000(const frames_moon_model *model, double et, double m[3][3])
{
    double ra, dec, w;
    frames_moon_angles(model, et, &ra, &dec, &w);
    /* R3(W) · R1(π/2 − δ) · R3(π/2 + α) */
    double a[3][3], b[3][3], c[3][3];
    frames_rotate(M_PI / 2 + ra, 3, a);
    frames_rotate(M_PI / 2 - dec, 1, b);
    frames_rotate(w, 3, c);
    frames_mxm(b, a, m);
    frames_mxm(c, m, m);
}
