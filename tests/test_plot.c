/* Tests of `lpmap plot` (docs/plot.md): a NumPy-made batch NPZ is drawn
 * to PNGs, read back with cairo and checked (size, colours in the map and
 * colour bar, illumination colours in the histograms); the colormap's
 * perceptual symmetry; missing keys, empty data and bad flags. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/colormap.h"
#include "plot/plot_data.h"
#include "plot/plot_render.h"

#ifdef LPMAP_HAVE_CAIRO
#include <cairo.h>
#endif

static char tmpdir[4096];
static char npz_full[4200], npz_nolat[4200], npz_nofit[4200];
static int have_npz;

static int setup(void **state)
{
    (void)state;
    if (!ts_mkdtemp(tmpdir))
        return -1;
    snprintf(npz_full, sizeof npz_full, "%s/potential_batch_1998_04.npz", tmpdir);
    snprintf(npz_nolat, sizeof npz_nolat, "%s/nolat.npz", tmpdir);
    snprintf(npz_nofit, sizeof npz_nofit, "%s/nofit.npz", tmpdir);
    const char *py = ts_numpy_python();
    if (!py)
        return 0;
    char cmd[16000], out[4096];
    const char *const variants[3][2] = {
        {npz_full, "full"}, {npz_nolat, "no_lat"}, {npz_nofit, "no_fit"}};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "%s %s/tests/data/make_plot_npz.py %s 300 %s", py,
                 LPMAP_SOURCE_DIR, variants[i][0], variants[i][1]);
        if (ts_run(cmd, out, sizeof out) != 0) {
            fprintf(stderr, "make_plot_npz.py failed: %s\n", out);
            return -1;
        }
    }
    have_npz = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(tmpdir);
    return 0;
}

static int run_plot(const char *args, char *out, size_t n)
{
    char cmd[20000];
    snprintf(cmd, sizeof cmd, "%s plot %s", ts_lpmap_bin(), args);
    return ts_run(cmd, out, n);
}

static void test_colormap_is_diverging_and_even(void **state)
{
    (void)state;
    double tab[COLORMAP_SIZE * 3], lab[COLORMAP_SIZE][3];
    colormap_diverging_table(tab);
    for (int i = 0; i < COLORMAP_SIZE; i++)
        colormap_srgb_to_lab(tab + 3 * i, lab[i]);
    /* Blue end, red end, light neutral centre. */
    assert_true(tab[2] > tab[0]);
    assert_true(tab[3 * 255] > tab[3 * 255 + 2]);
    double mid = 0.5 * (lab[127][0] + lab[128][0]);
    assert_true(mid > 80);
    assert_true(fabs(lab[127][1]) < 8 && fabs(lab[128][2]) < 8);
    /* Lightness rises monotonically to the centre and the halves match. */
    for (int i = 1; i < 128; i++) {
        assert_true(lab[i][0] >= lab[i - 1][0] - 1e-6);
        assert_true(lab[255 - i][0] >= lab[256 - i][0] - 1e-6);
    }
    for (int i = 0; i < 128; i += 8)
        assert_close(lab[i][0], lab[255 - i][0], 0, 4.0);
    double rgb[3];
    colormap_diverging(NAN, rgb);
    assert_close(rgb[0], 0.6, 0, 1e-12);
}

static void test_parse_helpers(void **state)
{
    (void)state;
    assert_close(plot_parse_utc("1970-01-02T00:00:01"), 86401.0, 0, 1e-9);
    assert_close(plot_parse_utc("1998-04-01T12:30:00.250Z"), 891433800.25, 0, 1e-6);
    assert_close(plot_parse_utc("1998-04-01 12:30:00"), 891433800.0, 0, 1e-6);
    assert_true(isnan(plot_parse_utc("1998-04-01")));
    assert_true(isnan(plot_parse_utc("1998-13-01T00:00:00")));
    assert_true(isnan(plot_parse_utc("1998-04-01T00:00:00x")));
    assert_int_equal(plot_parse_what("map"), PLOT_MAP);
    assert_int_equal(plot_parse_what("hist,timeseries"), PLOT_HIST | PLOT_TIMESERIES);
    assert_int_equal(plot_parse_what("map,bogus"), 0);
    assert_int_equal(plot_parse_what("all"), PLOT_ALL);
}

static void test_data_load(void **state)
{
    (void)state;
    if (!have_npz)
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    plot_data d;
    lp_error err;
    assert_int_equal(plot_data_load(npz_full, PLOT_ALL, NAN, &d, &err), LP_OK);
    assert_int_equal(d.n_rows, 300 * 15);
    assert_int_equal(d.n_sweeps, 300);
    assert_int_equal(d.sweep_row[1], 15);
    assert_memory_equal(d.utc_first, "1998-04-01T", 11);
    assert_memory_equal(d.utc_last, "1998-04-30", 10);
    size_t fitted = 0;
    for (size_t i = 0; i < d.n_rows; i++)
        fitted += isfinite(d.u_surface[i]);
    plot_data_free(&d);
    assert_int_equal(plot_data_load(npz_full, PLOT_MAP, 1.0, &d, &err), LP_OK);
    size_t kept = 0;
    for (size_t i = 0; i < d.n_rows; i++)
        kept += isfinite(d.u_surface[i]);
    assert_true(kept > 0 && kept < fitted);
    assert_int_equal(kept + d.n_chi2_reject, fitted);
    plot_data_free(&d);
    assert_int_equal(plot_data_load(npz_nolat, PLOT_ALL, NAN, &d, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "no 'rows_projection_latitude', needed for the map"));
    assert_int_equal(plot_data_load(npz_nolat, PLOT_HIST, NAN, &d, &err), LP_OK);
    plot_data_free(&d);
}

#ifdef LPMAP_HAVE_CAIRO
typedef struct {
    int w, h;
    cairo_surface_t *s;
} png_image;

static int png_load(const char *path, png_image *img)
{
    img->s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(img->s) != CAIRO_STATUS_SUCCESS)
        return -1;
    img->w = cairo_image_surface_get_width(img->s);
    img->h = cairo_image_surface_get_height(img->s);
    return 0;
}

static uint32_t px(const png_image *img, int x, int y)
{
    const unsigned char *data = cairo_image_surface_get_data(img->s);
    int stride = cairo_image_surface_get_stride(img->s);
    return *(const uint32_t *)(data + (size_t)y * stride + 4 * (size_t)x) & 0xffffff;
}

/* Distinct colours in a rectangle (capped at 4096). */
static int distinct_colours(const png_image *img, int x0, int y0, int x1, int y1)
{
    static uint32_t seen[4096];
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            uint32_t c = px(img, x, y);
            int found = 0;
            for (int k = 0; k < n && !found; k++)
                found = seen[k] == c;
            if (!found && n < 4096)
                seen[n++] = c;
        }
    return n;
}

/* Pixels near an sRGB colour (each channel within 40/255). */
static int count_near(const png_image *img, int x0, int y0, int x1, int y1, int r, int g, int b)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            uint32_t c = px(img, x, y);
            int cr = c >> 16 & 255, cg = c >> 8 & 255, cb = c & 255;
            n += abs(cr - r) < 40 && abs(cg - g) < 40 && abs(cb - b) < 40;
        }
    return n;
}
#endif

static void test_plot_renders_pngs(void **state)
{
    (void)state;
    if (!have_npz)
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    char out[8192];
    if (!plot_render_available()) {
        assert_int_equal(run_plot(npz_full, out, sizeof out), 1);
        assert_non_null(strstr(out, "apt-get install libcairo2-dev"));
        TS_SKIP("built without cairo (checked the message)");
    }
#ifdef LPMAP_HAVE_CAIRO
    char args[16384], path[16384];
    char outdir[4200];
    snprintf(outdir, sizeof outdir, "%s/pngs", tmpdir);
    snprintf(args, sizeof args, "mkdir -p %s", outdir);
    assert_int_equal(ts_run(args, NULL, 0), 0);
    snprintf(args, sizeof args, "%s --out %s --chi2-max 50", npz_full, outdir);
    assert_int_equal(run_plot(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "wrote"));

    png_image img = {0, 0, NULL};
    snprintf(path, sizeof path, "%s/potential_batch_1998_04_map.png", outdir);
    assert_int_equal(png_load(path, &img), 0);
    assert_int_equal(img.w, PLOT_MAP_W);
    assert_int_equal(img.h, PLOT_MAP_H);
    /* Map area: dark background plus many point colours, blue ones (the
     * data are mostly negative) among them. */
    int x0 = PLOT_MAP_X0 + 2, y0 = PLOT_MAP_Y0 + 2;
    int x1 = PLOT_MAP_X0 + PLOT_MAP_PW - 2, y1 = PLOT_MAP_Y0 + PLOT_MAP_PH - 2;
    assert_true(distinct_colours(&img, x0, y0, x1, y1) > 30);
    assert_true(count_near(&img, x0, y0, x1, y1, 82, 82, 82) > (x1 - x0) * (y1 - y0) / 2);
    int bluish = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            uint32_t c = px(&img, x, y);
            bluish += (int)(c & 255) > (int)(c >> 16 & 255) + 60;
        }
    assert_true(bluish > 100);
    /* Colour bar: a smooth ramp. The values are negative up to their 98th
     * percentile, so the scale is sequential (viridis): yellow at the top,
     * dark violet at the bottom — no unused red half. */
    int cx = PLOT_CBAR_X0 + PLOT_CBAR_W / 2;
    assert_true(distinct_colours(&img, cx, PLOT_MAP_Y0 + 2, cx + 1, PLOT_MAP_Y0 + PLOT_MAP_PH - 2) >
                150);
    uint32_t top = px(&img, cx, PLOT_MAP_Y0 + 3),
             bottom = px(&img, cx, PLOT_MAP_Y0 + PLOT_MAP_PH - 4);
    assert_true((top >> 16 & 255) > 200 && (top >> 8 & 255) > 200 && (top & 255) < 100);
    assert_true((bottom & 255) > (bottom >> 8 & 255) + 40 && (bottom >> 16 & 255) < 120);
    /* Text (dark pixels) above the plot: the title. */
    assert_true(count_near(&img, 0, 0, PLOT_MAP_W, PLOT_MAP_Y0 - 10, 26, 26, 26) > 500);
    cairo_surface_destroy(img.s);

    snprintf(path, sizeof path, "%s/potential_batch_1998_04_hist.png", outdir);
    assert_int_equal(png_load(path, &img), 0);
    assert_int_equal(img.w, PLOT_HIST_W);
    assert_int_equal(img.h, PLOT_HIST_H);
    /* Both illumination colours (outline colours of the bars) present. */
    assert_true(count_near(&img, 0, 0, img.w, img.h, 230, 158, 0) > 200);
    assert_true(count_near(&img, 0, 0, img.w, img.h, 0, 115, 178) > 200);
    cairo_surface_destroy(img.s);

    snprintf(path, sizeof path, "%s/potential_batch_1998_04_timeseries.png", outdir);
    assert_int_equal(png_load(path, &img), 0);
    assert_int_equal(img.w, PLOT_TS_W);
    assert_int_equal(img.h, PLOT_TS_H);
    assert_true(count_near(&img, 0, 100, img.w, img.h, 230, 158, 0) > 300);
    assert_true(count_near(&img, 0, 100, img.w, img.h, 0, 115, 178) > 300);
    cairo_surface_destroy(img.s);

    /* Default --out is the NPZ's folder; --what picks products. */
    snprintf(args, sizeof args, "%s --what map --vmin -500 --vmax 100", npz_full);
    assert_int_equal(run_plot(args, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/potential_batch_1998_04_map.png", tmpdir);
    assert_true(ts_file_exists(path));
    snprintf(path, sizeof path, "%s/potential_batch_1998_04_hist.png", tmpdir);
    assert_false(ts_file_exists(path));
    /* Asymmetric limits: the neutral centre of the colour bar stays at 0 V
     * (1/6 of the way down from +100 V), red above, blue below. */
    snprintf(path, sizeof path, "%s/potential_batch_1998_04_map.png", tmpdir);
    assert_int_equal(png_load(path, &img), 0);
    int y_zero = PLOT_MAP_Y0 + PLOT_MAP_PH / 6;
    uint32_t zero = px(&img, cx, y_zero), above = px(&img, cx, y_zero - 40),
             below = px(&img, cx, y_zero + 40);
    assert_true(abs((int)(zero >> 16 & 255) - (int)(zero & 255)) < 20);
    assert_true((zero >> 8 & 255) > 180);
    assert_true((above >> 16 & 255) > (above & 255) + 20);
    assert_true((below & 255) > (below >> 16 & 255) + 20);
    cairo_surface_destroy(img.s);
#endif
}

static void test_plot_bad_input(void **state)
{
    (void)state;
    char out[8192], args[16384], path[16384];
    assert_int_equal(run_plot("", out, sizeof out), 2);
    assert_non_null(strstr(out, "missing the NPZ"));
    assert_int_equal(run_plot("x.npz --what map,globe", out, sizeof out), 2);
    assert_non_null(strstr(out, "invalid --what 'map,globe'"));
    assert_int_equal(run_plot("x.npz --vmin 5 --vmax 1", out, sizeof out), 2);
    assert_non_null(strstr(out, "must be greater than --vmin"));
    assert_int_equal(run_plot("x.npz --chi2-max -1", out, sizeof out), 2);
    if (!plot_render_available())
        TS_SKIP("built without cairo");
    snprintf(args, sizeof args, "%s/none.npz", tmpdir);
    assert_int_equal(run_plot(args, out, sizeof out), 1);
    assert_non_null(strstr(out, "cannot open"));
    snprintf(path, sizeof path, "%s/garbage.npz", tmpdir);
    ts_write_file(path, "PK\003\004 not really a zip");
    assert_int_equal(run_plot(path, out, sizeof out), 1);
    assert_non_null(strstr(out, "not an NPZ/ZIP file"));
    if (!have_npz)
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    /* Missing key: clear message, no picture. */
    assert_int_equal(run_plot(npz_nolat, out, sizeof out), 1);
    assert_non_null(strstr(out, "no 'rows_projection_latitude', needed for the map"));
    snprintf(path, sizeof path, "%s/nolat_map.png", tmpdir);
    assert_false(ts_file_exists(path));
    /* Nothing fitted: the map says why and is not written; the histograms
     * (U_sc is there) still are; the exit code reports the failure. */
    assert_int_equal(run_plot(npz_nofit, out, sizeof out), 1);
    assert_non_null(strstr(out, "nothing to map"));
    snprintf(path, sizeof path, "%s/nofit_map.png", tmpdir);
    assert_false(ts_file_exists(path));
    snprintf(path, sizeof path, "%s/nofit_map.png.part", tmpdir);
    assert_false(ts_file_exists(path));
    snprintf(path, sizeof path, "%s/nofit_hist.png", tmpdir);
    assert_true(ts_file_exists(path));
    /* A missing output folder is created (as batch does). */
    snprintf(args, sizeof args, "%s --out %s/new/deeper --what map", npz_full, tmpdir);
    assert_int_equal(run_plot(args, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/new/deeper/potential_batch_1998_04_map.png", tmpdir);
    assert_true(ts_file_exists(path));
    /* One that cannot be created: one line, exit 1. */
    snprintf(path, sizeof path, "%s/afile", tmpdir);
    ts_write_file(path, "x");
    snprintf(args, sizeof args, "%s --out %s/afile/sub", npz_full, tmpdir);
    assert_int_equal(run_plot(args, out, sizeof out), 1);
    assert_non_null(strstr(out, "lpmap plot: cannot create output folder"));
}

/* Grid maps (plot_render_grid_map): a 10-degree grid whose western half is
 * -100 V and eastern half +100 V straddles 0, so the cells are blue and red
 * around a neutral centre; empty cells stay dark grey; the count map and an
 * all-positive grid use the sequential scale (no blue-red). */
static void test_plot_grid_maps(void **state)
{
    (void)state;
    if (!have_npz)
        fail_msg("no Python interpreter with numpy (a test dependency: scripts/install-deps.sh)");
    if (!plot_render_available())
        TS_SKIP("built without cairo (test_plot_renders_pngs checks the message)");
#ifdef LPMAP_HAVE_CAIRO
    char cmd[16384], out[8192], path[8192], grid[4200];
    snprintf(grid, sizeof grid, "%s/g.npz", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s -c \"import numpy as np\n"
             "lat = -85 + 10 * np.arange(18.0); lon = -175 + 10 * np.arange(36.0)\n"
             "v = np.where(lon < 0, -100.0, 100.0) * np.ones((18, 1))\n"
             "v[:9, :] = np.nan\n" /* southern half empty */
             "c = np.where(np.isnan(v), 0, 5).astype(np.int64)\n"
             "d = dict(lat=lat, lon=lon, count=c, u_surface_mean=v, u_surface_median=v,\n"
             "         t_e_mean=np.where(np.isnan(v), np.nan, 40.0 + lon / 10))\n"
             "np.savez('%s', **d)\"",
             ts_numpy_python(), grid);
    assert_int_equal(ts_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "%s --out %s", grid, tmpdir);
    assert_int_equal(run_plot(cmd, out, sizeof out), 0);
    png_image img = {0, 0, NULL};
    snprintf(path, sizeof path, "%s/g_map.png", tmpdir);
    assert_int_equal(png_load(path, &img), 0);
    assert_int_equal(img.w, PLOT_MAP_W);
    /* North-west quarter blue, north-east red, south half dark grey. */
    int qx = PLOT_MAP_PW / 4, qy = PLOT_MAP_PH / 4;
    uint32_t nw = px(&img, PLOT_MAP_X0 + qx + 5, PLOT_MAP_Y0 + qy + 5);
    uint32_t ne = px(&img, PLOT_MAP_X0 + 3 * qx + 5, PLOT_MAP_Y0 + qy + 5);
    uint32_t sw = px(&img, PLOT_MAP_X0 + qx + 5, PLOT_MAP_Y0 + 3 * qy + 5);
    assert_true((nw & 255) > (nw >> 16 & 255) + 80);
    assert_true((ne >> 16 & 255) > (ne & 255) + 80);
    assert_true(abs((int)(sw >> 16 & 255) - 82) < 10 && abs((int)(sw & 255) - 82) < 10);
    cairo_surface_destroy(img.s);
    /* Count map: sequential (every filled cell the same count: one colour). */
    snprintf(path, sizeof path, "%s/g_count.png", tmpdir);
    assert_int_equal(png_load(path, &img), 0);
    uint32_t c1 = px(&img, PLOT_MAP_X0 + qx + 5, PLOT_MAP_Y0 + qy + 5);
    uint32_t c2 = px(&img, PLOT_MAP_X0 + 3 * qx + 5, PLOT_MAP_Y0 + qy + 5);
    assert_int_equal(c1, c2);
    cairo_surface_destroy(img.s);
    /* All-positive statistic: sequential viridis, west (low) dark violet,
     * east (high) yellow-green; no red. */
    snprintf(cmd, sizeof cmd, "%s --out %s --stat t_e_mean", grid, tmpdir);
    assert_int_equal(run_plot(cmd, out, sizeof out), 0);
    snprintf(path, sizeof path, "%s/g_map.png", tmpdir);
    assert_int_equal(png_load(path, &img), 0);
    uint32_t lo = px(&img, PLOT_MAP_X0 + 5, PLOT_MAP_Y0 + qy + 5);
    uint32_t hi = px(&img, PLOT_MAP_X0 + PLOT_MAP_PW - 8, PLOT_MAP_Y0 + qy + 5);
    assert_true((lo & 255) > (lo >> 8 & 255) + 40 && (lo >> 16 & 255) < 120);
    assert_true((hi >> 8 & 255) > 180 && (hi & 255) < 120);
    cairo_surface_destroy(img.s);
    /* A statistic the grid does not have. */
    snprintf(cmd, sizeof cmd, "%s --out %s --stat u_sc_p95", grid, tmpdir);
    assert_int_equal(run_plot(cmd, out, sizeof out), 1);
    assert_non_null(strstr(out, "has no statistic 'u_sc_p95'"));
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colormap_is_diverging_and_even),
        cmocka_unit_test(test_parse_helpers),
        cmocka_unit_test(test_data_load),
        cmocka_unit_test(test_plot_renders_pngs),
        cmocka_unit_test(test_plot_bad_input),
        cmocka_unit_test(test_plot_grid_maps),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
