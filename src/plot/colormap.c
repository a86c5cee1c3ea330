/* Moreland (2009) "Diverging Color Maps for Scientific Visualization":
 * interpolate in Msh (polar CIELAB) between a blue and a red end through an
 * unsaturated white-ish midpoint, with the hue spin that keeps the halves
 * perceptually even. Used by the U_surface map (docs/plot.md). */
#include "plot/colormap.h"

#include <math.h>

static const double REF_X = 0.95047, REF_Y = 1.0, REF_Z = 1.08883; /* D65 white */

static double srgb_to_linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double linear_to_srgb(double c)
{
    double v = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double lab_f(double t)
{
    return t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
}

static double lab_finv(double t)
{
    return t * t * t > 216.0 / 24389.0 ? t * t * t : (116.0 * t - 16.0) * 27.0 / 24389.0;
}

void colormap_srgb_to_lab(const double rgb[3], double lab[3])
{
    double r = srgb_to_linear(rgb[0]), g = srgb_to_linear(rgb[1]), b = srgb_to_linear(rgb[2]);
    double x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
    double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    double z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
    double fx = lab_f(x / REF_X), fy = lab_f(y / REF_Y), fz = lab_f(z / REF_Z);
    lab[0] = 116.0 * fy - 16.0;
    lab[1] = 500.0 * (fx - fy);
    lab[2] = 200.0 * (fy - fz);
}

static void lab_to_srgb(const double lab[3], double rgb[3])
{
    double fy = (lab[0] + 16.0) / 116.0, fx = fy + lab[1] / 500.0, fz = fy - lab[2] / 200.0;
    double x = REF_X * lab_finv(fx), y = REF_Y * lab_finv(fy), z = REF_Z * lab_finv(fz);
    double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    double b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    rgb[0] = linear_to_srgb(r);
    rgb[1] = linear_to_srgb(g);
    rgb[2] = linear_to_srgb(b);
}

static void lab_to_msh(const double lab[3], double msh[3])
{
    msh[0] = sqrt(lab[0] * lab[0] + lab[1] * lab[1] + lab[2] * lab[2]);
    msh[1] = msh[0] > 0 ? acos(lab[0] / msh[0]) : 0;
    msh[2] = atan2(lab[2], lab[1]);
}

static void msh_to_lab(const double msh[3], double lab[3])
{
    lab[0] = msh[0] * cos(msh[1]);
    lab[1] = msh[0] * sin(msh[1]) * cos(msh[2]);
    lab[2] = msh[0] * sin(msh[1]) * sin(msh[2]);
}

static double adjust_hue(const double msh[3], double m_unsat)
{
    if (msh[0] >= m_unsat)
        return msh[2];
    double spin = msh[1] * sqrt(m_unsat * m_unsat - msh[0] * msh[0]) / (msh[0] * sin(msh[1]));
    return msh[2] > -M_PI / 3 ? msh[2] + spin : msh[2] - spin;
}

void colormap_diverging(double t, double rgb[3])
{
    if (isnan(t)) {
        rgb[0] = rgb[1] = rgb[2] = 0.6;
        return;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    static const double blue[3] = {59 / 255.0, 76 / 255.0, 192 / 255.0};
    static const double red[3] = {180 / 255.0, 4 / 255.0, 38 / 255.0};
    double lab1[3], lab2[3], m1[3], m2[3];
    colormap_srgb_to_lab(blue, lab1);
    colormap_srgb_to_lab(red, lab2);
    lab_to_msh(lab1, m1);
    lab_to_msh(lab2, m2);
    /* Both ends saturated and far apart in hue: pass through white. */
    double mmid = fmax(fmax(m1[0], m2[0]), 88.0);
    if (t < 0.5) {
        m2[0] = mmid;
        m2[1] = 0;
        m2[2] = 0;
        t = 2 * t;
    } else {
        m1[0] = mmid;
        m1[1] = 0;
        m1[2] = 0;
        t = 2 * t - 1;
    }
    if (m1[1] < 0.05 && m2[1] > 0.05)
        m1[2] = adjust_hue(m2, m1[0]);
    else if (m2[1] < 0.05 && m1[1] > 0.05)
        m2[2] = adjust_hue(m1, m2[0]);
    double m[3], lab[3];
    for (int i = 0; i < 3; i++)
        m[i] = (1 - t) * m1[i] + t * m2[i];
    msh_to_lab(m, lab);
    lab_to_srgb(lab, rgb);
}

void colormap_diverging_table(double *rgb)
{
    for (int i = 0; i < COLORMAP_SIZE; i++)
        colormap_diverging(i / (double)(COLORMAP_SIZE - 1), rgb + 3 * i);
}
