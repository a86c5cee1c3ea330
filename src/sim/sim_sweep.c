/* One simulated sweep (see sim_sweep.h). The truth geometry goes through
 * geometry.h — the functions the pipeline uses — with the B vector exactly
 * as printed in the file, so truth and recovery share every step except the
 * SPK interpolation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/constants.h"
#include "physics/kappa_model.h"
#include "sim/sim_field.h"
#include "sim/sim_mission.h"
#include "sim/sim_plasma.h"
#include "sim/sim_surface.h"
#include "sim/sim_sweep.h"
#include "sim/sim_writers.h"

#define DEG (LP_PI / 180.0)

#define TRUTH_COLUMNS_V1                                                                           \
    "spec_no,utc,footpoint_lat,footpoint_lon,polarity,u_surface,bs_over_bm,beam_amp,"              \
    "u_spacecraft,density,kappa,te_ev,spacecraft_in_sun,footpoint_in_sun"
const char SIM_TRUTH_HEADER_V1[] = TRUTH_COLUMNS_V1;
const char SIM_TRUTH_HEADER[] =
    TRUTH_COLUMNS_V1 ",plasma,core_density,core_te_ev,kappa_density,kappa_te_ev";

static double norm3(const double v[3])
{
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

static void cross3(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

/* Angle (deg) between the Moon's geocentric direction and the anti-Sun
 * direction seen from the Earth: small in the magnetotail. */
static double tail_angle_deg(double et)
{
    double emb[6], moon[6], earth[6];
    sim_emb_state_ssb(et, emb);
    sim_moon_state_emb(et, moon);
    sim_earth_state_emb(et, earth);
    double geo[3], anti_sun[3];
    for (int i = 0; i < 3; i++) {
        geo[i] = moon[i] - earth[i];
        anti_sun[i] = emb[i] + earth[i]; /* Earth relative to the Sun */
    }
    double c = (geo[0] * anti_sun[0] + geo[1] * anti_sun[1] + geo[2] * anti_sun[2]) /
               (norm3(geo) * norm3(anti_sun));
    c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
    return acos(c) / DEG;
}

/* Uniform draped field (ECLIPJ2000, nT): Parker-spiral-like, pointing
 * roughly sunward, slowly turning; strength by environment. */
static void uniform_field_eclip(double unix_s, const double sun_dir_eclip[3], int env, double b[3])
{
    static const double strength[6] = {6.0, 6.0, 15.0, 20.0, 8.0, 6.0};
    double b0 = strength[env] * (1.0 + 0.2 * sin(2.0 * LP_PI * unix_s / (1.3 * 86400.0)));
    double psi = (45.0 + 25.0 * sin(2.0 * LP_PI * unix_s / (0.9 * 86400.0))) * DEG;
    double zc = 0.8 * sin(2.0 * LP_PI * unix_s / (0.37 * 86400.0) + 1.0);
    double z[3] = {0.0, 0.0, 1.0}, e[3];
    cross3(z, sun_dir_eclip, e);
    double ne = norm3(e);
    for (int i = 0; i < 3; i++)
        b[i] = b0 * (cos(psi) * sun_dir_eclip[i] + sin(psi) * e[i] / ne + zc * z[i]);
}

void sim_sweep_generate(const sim_context *ctx, uint64_t sweep_index, double unix_s,
                        int64_t spec_no, sim_sweep_rows *rows, sim_truth_row *truth)
{
    rng_key key = rng_make_key(ctx->seed, sweep_index);
    memset(truth, 0, sizeof *truth);
    rows->unix_s = unix_s;
    rows->spec_no = spec_no;
    sim_format_utc(unix_s, rows->utc, sizeof rows->utc);
    truth->spec_no = spec_no;
    memcpy(truth->utc, rows->utc, sizeof truth->utc);

    /* --- geometry (docs/physics.md §7, analytic ephemeris) --- */
    double et = sim_et_from_unix(unix_s);
    double lp[6], moon_rot[3][3], e2j[3][3], sun_moon_j[3];
    sim_lp_state_moon(et, lp);
    sim_iau_moon_matrix(et, moon_rot);
    sim_eclip_to_j2000(e2j);
    sim_sun_from_moon(et, sun_moon_j);
    double pos[3], sun_moon[3], lp_sun_j[3], lp_sun_e[3], lp_sun_m[3];
    sim_mat_vec(moon_rot, lp, pos);
    sim_mat_vec(moon_rot, sun_moon_j, sun_moon);
    for (int i = 0; i < 3; i++)
        lp_sun_j[i] = sun_moon_j[i] - lp[i];
    sim_mat_t_vec(e2j, lp_sun_j, lp_sun_e);
    sim_mat_vec(moon_rot, lp_sun_j, lp_sun_m);
    double ns = norm3(lp_sun_e);
    double sun_dir_e[3] = {lp_sun_e[0] / ns, lp_sun_e[1] / ns, lp_sun_e[2] / ns};
    double nsm = norm3(lp_sun_m), nmoon = norm3(sun_moon);
    double sun_dir_m[3] = {lp_sun_m[0] / nsm, lp_sun_m[1] / nsm, lp_sun_m[2] / nsm};
    double moon_sun_dir[3] = {sun_moon[0] / nmoon, sun_moon[1] / nmoon, sun_moon[2] / nmoon};

    double spin[3], m_scd_e[3][3], m_e_moon[3][3], m_scd_moon[3][3];
    int have_att = attitude_spin_axis(ctx->attitude, et, spin) == 0;
    if (!have_att) { /* outside the table (never with the table we write) */
        spin[0] = 0.0;
        spin[1] = 0.0;
        spin[2] = 1.0;
    }
    geometry_scd_to_eclip(spin, sun_dir_e, m_scd_e);
    sim_mat_mul(moon_rot, e2j, m_e_moon);
    sim_mat_mul(m_e_moon, m_scd_e, m_scd_moon);

    /* --- plasma environment and field --- */
    sim_plasma plasma;
    sim_plasma_draw(tail_angle_deg(et), (sim_plasma_kind)ctx->plasma, key, &plasma);
    double bu_e[3], bu_j[3], b_uniform[3], b_moon[3];
    uniform_field_eclip(unix_s, sun_dir_e, plasma.environment, bu_e);
    sim_mat_vec(e2j, bu_e, bu_j);
    sim_mat_vec(moon_rot, bu_j, b_uniform);
    sim_field_eval(b_uniform, pos, b_moon);
    double b_scd[3];
    sim_mat_t_vec(m_scd_moon, b_moon, b_scd);
    for (int i = 0; i < 3; i++)
        b_scd[i] = rint(b_scd[i] * 1e4) / 1e4; /* as printed */

    /* warts: an occasional invalid sweep (|B| = 0), fill values */
    double wart[4];
    rng_uniform4(key, RNG_PHASE_SIM + 3, 0, 0, 0, wart);
    int invalid_b = wart[0] < 0.003;

    /* truth geometry from the printed B, through the pipeline's functions */
    double b_print_moon[3], bhat[3], foot[3];
    sim_mat_vec(m_scd_moon, b_scd, b_print_moon);
    double nb = norm3(b_print_moon);
    for (int i = 0; i < 3; i++)
        bhat[i] = b_print_moon[i] / nb;
    int polarity = geometry_footpoint(pos, bhat, LP_MOON_RADIUS_KM, foot);
    int sc_sunlit = geometry_ray_misses_sphere(pos, sun_dir_m, LP_MOON_RADIUS_KM) == 1;

    sim_sweep_truth st;
    memset(&st, 0, sizeof st);
    st.plasma = plasma;
    st.sunlit = sc_sunlit;
    st.u_sc = sim_usc_truth(&plasma, sc_sunlit);
    st.polarity = polarity;
    for (int i = 0; i < 3; i++)
        st.b_scd[i] = b_scd[i];

    truth->polarity = polarity;
    truth->spacecraft_in_sun = sc_sunlit;
    truth->u_spacecraft = st.u_sc;
    truth->density = plasma.density;
    truth->kappa = plasma.kappa;
    truth->te_ev = plasma.te_ev;
    truth->core_halo = plasma.core_density > 0.0;
    truth->core_density = plasma.core_density;
    truth->core_te_ev = truth->core_halo ? plasma.core_te_ev : NAN;
    truth->kappa_density = plasma.density - plasma.core_density;
    truth->kappa_te_ev = kappa_temperature_ev(plasma.kappa, plasma.theta);
    if (polarity != 0) {
        double lat, lon, b_foot[3];
        geometry_latlon(foot, &lat, &lon);
        double cos_sza =
            (foot[0] * moon_sun_dir[0] + foot[1] * moon_sun_dir[1] + foot[2] * moon_sun_dir[2]) /
            norm3(foot);
        sim_field_eval(b_uniform, foot, b_foot);
        st.u_surface = sim_surface_potential(lat, lon, cos_sza, plasma.environment);
        st.bs_over_bm = norm3(b_moon) / norm3(b_foot);
        st.beam_amp = sim_beam_amplitude(st.u_surface, isfinite(st.u_sc) ? st.u_sc : 0.0, key);
        truth->footpoint_lat = lat;
        truth->footpoint_lon = lon;
        truth->footpoint_in_sun = cos_sza > 0.0;
        truth->u_surface = st.u_surface;
        truth->bs_over_bm = st.bs_over_bm;
        truth->beam_amp = st.beam_amp;
    } else {
        truth->footpoint_lat = truth->footpoint_lon = NAN;
        truth->footpoint_in_sun = -1; /* NaN in the file */
        truth->u_surface = truth->bs_over_bm = truth->beam_amp = NAN;
    }
    if (!isfinite(st.u_sc)) /* no charging solution: measure as if uncharged */
        st.u_sc = 0.0;

    /* --- measured rows --- */
    sim_sweep_energies(unix_s, rows->energy);
    sim_sweep_azimuths(ctx->inst->theta_deg, key, rows->phi);
    sim_sweep_flux(ctx->inst, &st, rows->energy, rows->phi, key, rows->flux);
    for (int i = 0; i < 3; i++)
        rows->b_scd[i] = invalid_b ? 0.0 : b_scd[i];
    memset(rows->flux_fill, 0, sizeof rows->flux_fill);
    memset(rows->phi_fill, 0, sizeof rows->phi_fill);
    if (wart[1] < 0.04) { /* a run of missing (or flagged) flux values in one row */
        int row = rng_index(wart[2], LP_N_ENERGIES), c0 = rng_index(wart[3], LP_N_CHANNELS - 3);
        for (int c = c0; c < c0 + 3; c++)
            rows->flux_fill[row][c] = wart[1] < 0.03 ? SIM_FILL_MISSING : SIM_FILL_FLAGGED;
    }
    double wart2[4];
    rng_uniform4(key, RNG_PHASE_SIM + 3, 1, 0, 0, wart2);
    if (wart2[0] < 0.02) { /* a missing (or flagged) azimuth */
        int row = rng_index(wart2[1], LP_N_ENERGIES), c = rng_index(wart2[2], LP_N_CHANNELS);
        rows->phi_fill[row][c] = wart2[3] < 0.75 ? SIM_FILL_MISSING : SIM_FILL_FLAGGED;
    }
}

static int fmt_num(char *buf, size_t size, double v, const char *fmt)
{
    if (!isfinite(v))
        return snprintf(buf, size, "NaN");
    return snprintf(buf, size, fmt, v);
}

int sim_truth_format(char *buf, size_t size, const sim_truth_row *t)
{
    char f[15][40];
    fmt_num(f[0], sizeof f[0], t->footpoint_lat, "%.9f");
    fmt_num(f[1], sizeof f[1], t->footpoint_lon, "%.9f");
    fmt_num(f[2], sizeof f[2], t->u_surface, "%.6f");
    fmt_num(f[3], sizeof f[3], t->bs_over_bm, "%.9f");
    fmt_num(f[4], sizeof f[4], t->beam_amp, "%.6f");
    fmt_num(f[5], sizeof f[5], t->u_spacecraft, "%.6f");
    fmt_num(f[6], sizeof f[6], t->density, "%.6e");
    fmt_num(f[7], sizeof f[7], t->kappa, "%.6f");
    fmt_num(f[8], sizeof f[8], t->te_ev, "%.6f");
    if (t->footpoint_in_sun < 0)
        snprintf(f[9], sizeof f[9], "NaN");
    else
        snprintf(f[9], sizeof f[9], "%d", t->footpoint_in_sun);
    fmt_num(f[10], sizeof f[10], t->core_density, "%.6e");
    fmt_num(f[11], sizeof f[11], t->core_te_ev, "%.6f");
    fmt_num(f[12], sizeof f[12], t->kappa_density, "%.6e");
    fmt_num(f[13], sizeof f[13], t->kappa_te_ev, "%.6f");
    return snprintf(buf, size, "%lld,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s\n",
                    (long long)t->spec_no, t->utc, f[0], f[1], t->polarity, f[2], f[3], f[4], f[5],
                    f[6], f[7], f[8], t->spacecraft_in_sun, f[9],
                    t->core_halo ? "core-halo" : "kappa", f[10], f[11], f[12], f[13]);
}
