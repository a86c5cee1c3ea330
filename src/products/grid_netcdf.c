/* grid.nc: the grid as NetCDF-4 following the CF-1.8 conventions, so
 * xarray, Panoply, GDAL and QGIS read it (see docs/grid.md). Built only with
 * libnetcdf (LPMAP_HAVE_NETCDF); otherwise every call says how to get it. */
#include "products/grid_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef LPMAP_HAVE_NETCDF
#include <netcdf.h>
#endif

int grid_netcdf_available(void)
{
#ifdef LPMAP_HAVE_NETCDF
    return 1;
#else
    return 0;
#endif
}

const char *grid_netcdf_hint(void)
{
    return "this lpmap was built without NetCDF, so no grid.nc is written: apt-get install "
           "libnetcdf-dev pkg-config, re-run cmake and rebuild";
}

#ifndef LPMAP_HAVE_NETCDF
lp_status grid_netcdf_write(const grid_result *g, const grid_meta *m, const char *path,
                            lp_error *err)
{
    (void)g;
    (void)m;
    (void)path;
    return lp_error_set(err, LP_ERR_UNSUPPORTED, "%s", grid_netcdf_hint());
}
#else

#define NC_TRY(call)                                                                               \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != NC_NOERR) {                                                                     \
            st = lp_error_set(err, LP_ERR_IO, "%s: NetCDF: %s", path, nc_strerror(rc_));           \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

static int put_text(int nc, int var, const char *name, const char *text)
{
    return nc_put_att_text(nc, var, name, strlen(text), text);
}

/* A float64 [lat, lon] variable with CF attributes. */
static int def_field(int nc, const int dims[2], const char *name, const char *long_name,
                     const char *units, int *var)
{
    int rc;
    double fill = NAN;
    if ((rc = nc_def_var(nc, name, NC_DOUBLE, 2, dims, var)) != NC_NOERR ||
        (rc = nc_def_var_deflate(nc, *var, 1, 1, 4)) != NC_NOERR ||
        (rc = nc_put_att_double(nc, *var, "_FillValue", NC_DOUBLE, 1, &fill)) != NC_NOERR ||
        (rc = put_text(nc, *var, "long_name", long_name)) != NC_NOERR ||
        (rc = put_text(nc, *var, "units", units)) != NC_NOERR)
        return rc;
    return NC_NOERR;
}

lp_status grid_netcdf_write(const grid_result *g, const grid_meta *m, const char *path,
                            lp_error *err)
{
    lp_status st = LP_OK;
    int nc = -1, dims[2], vlat, vlon, vcount;
    enum { NF = GRID_NQ * 4 + 2 };
    int vf[NF];
    const double *fdata[NF];
    size_t nf = 0;
    NC_TRY(nc_create(path, NC_NETCDF4 | NC_CLOBBER, &nc));
    NC_TRY(nc_def_dim(nc, "lat", g->nlat, &dims[0]));
    NC_TRY(nc_def_dim(nc, "lon", g->nlon, &dims[1]));
    NC_TRY(nc_def_var(nc, "lat", NC_DOUBLE, 1, &dims[0], &vlat));
    NC_TRY(put_text(nc, vlat, "standard_name", "latitude"));
    NC_TRY(put_text(nc, vlat, "long_name", "selenographic latitude of the cell centre"));
    NC_TRY(put_text(nc, vlat, "units", "degrees_north"));
    NC_TRY(put_text(nc, vlat, "axis", "Y"));
    NC_TRY(nc_def_var(nc, "lon", NC_DOUBLE, 1, &dims[1], &vlon));
    NC_TRY(put_text(nc, vlon, "standard_name", "longitude"));
    NC_TRY(put_text(nc, vlon, "long_name", "selenographic east longitude of the cell centre"));
    NC_TRY(put_text(nc, vlon, "units", "degrees_east"));
    NC_TRY(put_text(nc, vlon, "axis", "X"));
    NC_TRY(nc_def_var(nc, "count", NC_INT64, 2, dims, &vcount));
    NC_TRY(nc_def_var_deflate(nc, vcount, 1, 1, 4));
    {
        long long fill = -1;
        NC_TRY(nc_put_att_longlong(nc, vcount, "_FillValue", NC_INT64, 1, &fill));
    }
    NC_TRY(put_text(nc, vcount, "long_name", "number of footpoint rows in the cell"));
    NC_TRY(put_text(nc, vcount, "units", "1"));

    static const char *const qlong[GRID_NQ] = {"lunar surface potential U_surface",
                                               "spacecraft potential U_sc",
                                               "electron temperature T_e"};
    static const char *const qunits[GRID_NQ] = {"V", "V", "eV"};
    static const char *const slong[4] = {"mean", "median", "5th percentile", "95th percentile"};
    static const char *const ssuffix[4] = {"mean", "median", "p05", "p95"};
    for (int q = 0; q < GRID_NQ; q++)
        for (int s = 0; s < 4; s++) {
            char name[64], long_name[160];
            snprintf(name, sizeof name, "%s_%s", grid_quantity_names[q], ssuffix[s]);
            snprintf(long_name, sizeof long_name, "%s of the %s of the cell's footpoint rows",
                     slong[s], qlong[q]);
            NC_TRY(def_field(nc, dims, name, long_name, qunits[q], &vf[nf]));
            const grid_quantity *gq = &g->q[q];
            fdata[nf++] = s == 0 ? gq->mean : s == 1 ? gq->median : s == 2 ? gq->p05 : gq->p95;
        }
    if (g->has_sigma) {
        NC_TRY(def_field(nc, dims, "u_surface_wmean",
                         "inverse-variance weighted mean of U_surface (rows with a sigma)", "V",
                         &vf[nf]));
        fdata[nf++] = g->u_wmean;
        NC_TRY(def_field(nc, dims, "u_surface_wmean_sigma",
                         "1-sigma uncertainty of the weighted mean of U_surface", "V", &vf[nf]));
        fdata[nf++] = g->u_wmean_sigma;
    }

    NC_TRY(put_text(nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    NC_TRY(put_text(nc, NC_GLOBAL, "title",
                    "Lunar surface electrostatic potential binned on a latitude/longitude grid"));
    NC_TRY(put_text(nc, NC_GLOBAL, "institution", "lpmap"));
    NC_TRY(put_text(nc, NC_GLOBAL, "source", "lpmap " LPMAP_VERSION " (lpmap grid)"));
    NC_TRY(put_text(nc, NC_GLOBAL, "lpmap_version", LPMAP_VERSION));
    NC_TRY(put_text(nc, NC_GLOBAL, "planet", "Moon (IAU_MOON body-fixed, 1737.4 km sphere)"));
    NC_TRY(put_text(nc, NC_GLOBAL, "history", m->command_line ? m->command_line : "lpmap grid"));
    NC_TRY(
        put_text(nc, NC_GLOBAL, "selection", m->selection ? m->selection : "where=all class=all"));
    {
        size_t len = 1;
        for (size_t k = 0; k < m->n_inputs; k++)
            len += strlen(m->inputs[k]) + 2;
        char *list = calloc(len, 1);
        if (!list) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < m->n_inputs; k++) {
            if (k)
                strcat(list, ", ");
            strcat(list, m->inputs[k]);
        }
        int rc = put_text(nc, NC_GLOBAL, "inputs", list);
        free(list);
        NC_TRY(rc);
    }
    NC_TRY(nc_put_att_double(nc, NC_GLOBAL, "grid_resolution_deg", NC_DOUBLE, 1, &g->res));
    NC_TRY(nc_enddef(nc));
    NC_TRY(nc_put_var_double(nc, vlat, g->lat));
    NC_TRY(nc_put_var_double(nc, vlon, g->lon));
    NC_TRY(nc_put_var_longlong(nc, vcount, (const long long *)g->count));
    for (size_t k = 0; k < nf; k++)
        NC_TRY(nc_put_var_double(nc, vf[k], fdata[k]));
    NC_TRY(nc_close(nc));
    return LP_OK;
fail:
    if (nc >= 0)
        nc_close(nc);
    unlink(path);
    return st;
}
#endif
