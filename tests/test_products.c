/* Unit tests of the products layer (src/products) and the automatic colour
 * scales (src/plot/color_scale.c): quantiles as NumPy's linear method on
 * hand-worked cases, the cell index at the edges (poles, ±180°, longitudes
 * east of 180°), resolutions that must divide 180, the great-circle
 * distance, the inverse-variance weighted mean, 2-D NPZ arrays read back,
 * and when a map's scale is diverging or sequential. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npz.h"
#include "io/npz_read.h"
#include "plot/color_scale.h"
#include "products/grid.h"
#include "products/sites.h"
#include "products/stats.h"

static void test_stats_hand_worked(void **state)
{
    (void)state;
    double v[] = {4, 1, 3, 2}; /* sorted 1 2 3 4 */
    products_stats s;
    products_stats_compute(v, 4, &s);
    assert_close(s.mean, 2.5, 0, 1e-15);
    assert_close(s.median, 2.5, 0, 1e-15);
    /* p05: position 0.05*3 = 0.15 → 1 + 0.15; p95: 2.85 → 3 + 0.85 */
    assert_close(s.p05, 1.15, 0, 1e-15);
    assert_close(s.p95, 3.85, 0, 1e-15);
    assert_close(s.std, sqrt(1.25), 0, 1e-15);
    double one[] = {-7};
    products_stats_compute(one, 1, &s);
    assert_true(s.mean == -7 && s.median == -7 && s.p05 == -7 && s.p95 == -7 && s.std == 0);
    products_stats_compute(NULL, 0, &s);
    assert_true(isnan(s.mean) && isnan(s.median) && isnan(s.p05) && isnan(s.p95) && isnan(s.std));
    double odd[] = {5, 1, 3};
    products_stats_compute(odd, 3, &s);
    assert_true(s.median == 3);
    double sorted[] = {0, 10};
    assert_close(products_quantile_sorted(sorted, 2, 0.5), 5, 0, 0);
    assert_close(products_quantile_sorted(sorted, 2, 1.0), 10, 0, 0);
    assert_close(products_quantile_sorted(sorted, 2, 0.0), 0, 0, 0);
}

static void test_wmean(void **state)
{
    (void)state;
    /* x = 1 (sigma 1) and x = 3 (sigma 2): w = 1, 1/4 → mean 1.4, sigma 1/sqrt(1.25) */
    double m, s;
    products_wmean_finish(1.25, 1 + 0.75, &m, &s);
    assert_close(m, 1.4, 0, 1e-15);
    assert_close(s, 1 / sqrt(1.25), 0, 1e-15);
    products_wmean_finish(0, 0, &m, &s);
    assert_true(isnan(m) && isnan(s));
}

static void test_grid_cells(void **state)
{
    (void)state;
    lp_error err = {0};
    size_t nlat;
    assert_int_equal(grid_res_check(10, &nlat, &err), 0);
    assert_int_equal(nlat, 18);
    assert_int_equal(grid_res_check(0.25, &nlat, &err), 0);
    assert_int_equal(nlat, 720);
    assert_int_equal(grid_res_check(180, &nlat, &err), 0);
    assert_int_equal(nlat, 1);
    assert_int_equal(grid_res_check(7, &nlat, &err), -1);
    assert_non_null(strstr(err.message, "does not divide 180"));
    assert_int_equal(grid_res_check(0, &nlat, &err), -1);
    assert_int_equal(grid_res_check(0.05, &nlat, &err), -1);
    assert_int_equal(grid_res_check(NAN, &nlat, &err), -1);
    /* 10 degree grid: 18 x 36 */
    assert_int_equal(grid_cell_index(-90, -180, 10, 18, 36), 0);
    assert_int_equal(grid_cell_index(90, 0, 10, 18, 36), 17 * 36 + 18); /* clamped at the pole */
    assert_int_equal(grid_cell_index(-89.9, 179.9, 10, 18, 36), 35);
    assert_int_equal(grid_cell_index(0, 180, 10, 18, 36), 9 * 36 + 0);   /* wraps to -180 */
    assert_int_equal(grid_cell_index(0, 270, 10, 18, 36), 9 * 36 + 9);   /* = -90 */
    assert_int_equal(grid_cell_index(0, -190, 10, 18, 36), 9 * 36 + 35); /* = 170 */
    assert_int_equal(grid_cell_index(-0.0, 0, 10, 18, 36), 9 * 36 + 18);
    assert_int_equal(grid_cell_index(-1e-12, 0, 10, 18, 36), 8 * 36 + 18);
}

static void test_sites_distance(void **state)
{
    (void)state;
    double quarter = M_PI / 2 * SITES_MOON_RADIUS_KM;
    assert_close(sites_distance_km(0, 0, 0, 90), quarter, 1e-12, 0);
    assert_close(sites_distance_km(0, 0, 90, 123), quarter, 1e-12, 0);
    assert_close(sites_distance_km(-90, 0, 90, 0), 2 * quarter, 1e-12, 0);
    assert_close(sites_distance_km(10, 170, 10, -190), 0, 0, 1e-9); /* same point */
    assert_close(sites_distance_km(0, 179.5, 0, -179.5), SITES_MOON_RADIUS_KM * M_PI / 180, 1e-9,
                 0);
    site_list l;
    lp_error err = {0};
    assert_int_equal(sites_builtin(&l, &err), LP_OK);
    assert_true(l.n >= 15);
    int apollo = 0, luna = 0, poles = 0;
    for (size_t i = 0; i < l.n; i++) {
        apollo += !strncmp(l.sites[i].name, "Apollo", 6);
        luna += !strncmp(l.sites[i].name, "Luna", 4);
        poles += fabs(l.sites[i].lat) == 90;
        assert_true(l.sites[i].lat >= -90 && l.sites[i].lat <= 90);
    }
    assert_int_equal(apollo, 6);
    assert_true(luna >= 5);
    assert_int_equal(poles, 2);
    site_list_free(&l);
}

static void test_npz_2d_roundtrip(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    assert_non_null(ts_mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.npz", dir);
    npz_writer *w;
    lp_error err = {0};
    double v[6] = {1, 2, 3, 4, 5, NAN};
    int64_t c[6] = {0, 1, 2, 3, 4, 5};
    size_t shape[2] = {2, 3};
    assert_int_equal(npz_writer_open(path, 0, &w, &err), LP_OK);
    assert_int_equal(npz_writer_add_shape(w, "v", NPZ_FLOAT64, 2, shape, v, 0, 0, &err), LP_OK);
    assert_int_equal(npz_writer_add_shape(w, "c", NPZ_INT64, 2, shape, c, 0, 0, &err), LP_OK);
    assert_int_equal(npz_writer_add_shape(w, "bad", NPZ_INT64, 9, shape, c, 0, 0, &err),
                     LP_ERR_USAGE);
    assert_int_equal(npz_writer_commit(w, &err), LP_OK);
    npz_file *f;
    npz_array a;
    assert_int_equal(npz_read_open(path, &f, &err), LP_OK);
    assert_int_equal(npz_read_array(f, "v", &a, &err), LP_OK);
    assert_int_equal(a.ndim, 2);
    assert_int_equal(a.shape[0], 2);
    assert_int_equal(a.shape[1], 3);
    assert_true(((double *)a.data)[4] == 5 && isnan(((double *)a.data)[5]));
    npz_array_free(&a);
    assert_int_equal(npz_read_array(f, "c", &a, &err), LP_OK);
    assert_int_equal(a.dtype, NPZ_INT64);
    assert_true(((int64_t *)a.data)[5] == 5);
    npz_array_free(&a);
    npz_read_close(f);
    const char *py = ts_numpy_python();
    if (py) { /* NumPy sees the shape (2, 3) */
        char cmd[8192], out[256];
        snprintf(cmd, sizeof cmd,
                 "%s -c \"import numpy as np; z = np.load('%s'); print(z['v'].shape, "
                 "z['c'].dtype, z['c'][1, 2])\"",
                 py, path);
        assert_int_equal(ts_run(cmd, out, sizeof out), 0);
        assert_non_null(strstr(out, "(2, 3) int64 5"));
    }
    ts_rmtree(dir);
}

static void test_color_scale(void **state)
{
    (void)state;
    double v[101];
    color_scale sc;
    /* All negative: sequential, limits the rounded 2nd/98th percentiles. */
    for (int i = 0; i <= 100; i++)
        v[i] = -800 + 8 * i; /* -800 .. 0 */
    v[100] = NAN;
    color_scale_auto(v, 101, NAN, NAN, &sc);
    assert_false(sc.diverging);
    assert_true(sc.automatic);
    assert_true(sc.vmin <= -784 && sc.vmin > -850);
    assert_true(sc.vmax >= -16 && sc.vmax <= 0);
    assert_false(signbit(sc.vmax)); /* never "-0" */
    /* Straddling 0: diverging, 0 in the middle of the colour range. */
    for (int i = 0; i <= 100; i++)
        v[i] = -100 + 2 * i;
    color_scale_auto(v, 101, NAN, NAN, &sc);
    assert_true(sc.diverging);
    assert_close(color_scale_position(&sc, 0), 0.5, 0, 1e-15);
    assert_close(color_scale_position(&sc, sc.vmin), 0, 0, 1e-15);
    assert_close(color_scale_position(&sc, sc.vmax * 10), 1, 0, 0);
    /* Outliers beyond the percentiles do not stretch the scale. */
    for (int i = 0; i <= 100; i++)
        v[i] = 10 + i;
    v[50] = 1e6;
    color_scale_auto(v, 101, NAN, NAN, &sc);
    assert_false(sc.diverging);
    assert_true(sc.vmax < 200);
    /* User limits win; one limit keeps the automatic other. */
    color_scale_auto(v, 101, -5, 5, &sc);
    assert_true(sc.vmin == -5 && sc.vmax == 5 && sc.diverging && !sc.automatic);
    color_scale_auto(v, 101, 50, NAN, &sc);
    assert_true(sc.vmin == 50 && sc.vmax > 50);
    /* Constant and empty data still give vmax > vmin. */
    for (int i = 0; i <= 100; i++)
        v[i] = 3;
    color_scale_auto(v, 101, NAN, NAN, &sc);
    assert_true(sc.vmax > sc.vmin);
    color_scale_auto(v, 0, NAN, NAN, &sc);
    assert_true(sc.vmax > sc.vmin);
    /* viridis ends */
    double rgb[3];
    colormap_sequential(0, rgb);
    assert_close(rgb[0], 0.267004, 0, 1e-9);
    colormap_sequential(1, rgb);
    assert_close(rgb[1], 0.906157, 0, 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_hand_worked), cmocka_unit_test(test_wmean),
        cmocka_unit_test(test_grid_cells),        cmocka_unit_test(test_sites_distance),
        cmocka_unit_test(test_npz_2d_roundtrip),  cmocka_unit_test(test_color_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
