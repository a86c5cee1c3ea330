/* theta.tab reader and the instrument constants derived from it
 * (docs/formats.md §2, docs/physics.md §1). */
#include "io/theta.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lp_status instrument_from_theta(const double theta_deg[LP_N_CHANNELS], er_instrument *inst,
                                lp_error *err)
{
    const double omega[4] = LP_BAND_SOLID_ANGLE;
    const int per_sign[4] = LP_BAND_CHANNELS_PER_SIGN;
    int count[4][2] = {{0}};
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        int k = instrument_band_of(theta_deg[c]);
        if (k < 0)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "channel %d: elevation %g is not one of ±11.25, ±33.75, ±56.25, "
                                "±78.75",
                                c, theta_deg[c]);
        count[k][theta_deg[c] > 0]++;
    }
    for (int k = 0; k < 4; k++)
        for (int s = 0; s < 2; s++)
            if (count[k][s] != per_sign[k])
                return lp_error_set(err, LP_ERR_FORMAT,
                                    "%d channels at %s%.2f degrees, expected %d", count[k][s],
                                    s ? "+" : "-", (double[])LP_BAND_ABS_THETA[k], per_sign[k]);
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        int k = instrument_band_of(theta_deg[c]);
        inst->theta_deg[c] = theta_deg[c];
        inst->solid_angle_sr[c] = omega[k];
        inst->integration_s[c] = LP_ACCUM_TIME_S / per_sign[k];
    }
    return LP_OK;
}

/* theta.tab is tiny; anything beyond this is not a theta table. */
#define THETA_MAX_BYTES (1 << 20)

lp_status theta_read(const char *path, er_instrument *inst, lp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    char *text = malloc(THETA_MAX_BYTES + 1);
    if (!text) {
        fclose(f);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory reading %s", path);
    }
    size_t len = fread(text, 1, THETA_MAX_BYTES + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr || len > THETA_MAX_BYTES) {
        free(text);
        return lp_error_set(err, rerr ? LP_ERR_IO : LP_ERR_FORMAT,
                            rerr ? "cannot read %s" : "%s: larger than 1 MB, not a theta table",
                            path);
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(text);
        return lp_error_set(err, LP_ERR_FORMAT, "%s: binary data, not a theta table", path);
    }
    double v[LP_N_CHANNELS];
    int line_of[LP_N_CHANNELS];
    int n = 0, lineno = 1;
    lp_status st = LP_OK;
    for (char *p = text; st == LP_OK;) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n')
            if (*p++ == '\n')
                lineno++;
        if (!*p)
            break;
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(x) || (*end && !strchr(" \t,\r\n", *end))) {
            size_t tl = strcspn(p, " \t,\r\n");
            st = lp_error_set(err, LP_ERR_FORMAT, "%s:%d: not a number: '%.*s'", path, lineno,
                              (int)(tl > 40 ? 40 : tl), p);
            break;
        }
        if (n < LP_N_CHANNELS) {
            v[n] = x;
            line_of[n] = lineno;
        }
        n++;
        p = end;
    }
    free(text);
    if (st != LP_OK)
        return st;
    if (n != LP_N_CHANNELS)
        return lp_error_set(err, LP_ERR_FORMAT, "%s: %d values, expected exactly %d", path, n,
                            LP_N_CHANNELS);
    for (int c = 0; c < LP_N_CHANNELS; c++)
        if (instrument_band_of(v[c]) < 0)
            return lp_error_set(err, LP_ERR_FORMAT,
                                "%s:%d: channel %d: elevation %g is not one of ±11.25, ±33.75, "
                                "±56.25, ±78.75",
                                path, line_of[c], c, v[c]);
    st = instrument_from_theta(v, inst, err);
    if (st != LP_OK)
        lp_error_prefix(err, "%s: ", path);
    return st;
}
