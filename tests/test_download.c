/* Unit tests of the `lpmap download` pieces (docs/formats.md §6): SHA-1 against
 * the FIPS 180 vectors, HTML index parsing, the date filters, back-off and
 * Retry-After, the --sha1-file override and the job plan; the message of
 * a build without libcurl. Transfers themselves are tested end to end by
 * tests/cli/test_download.sh against a loopback server. */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "download/download.h"
#include "download/fetch.h"
#include "download/html_index.h"
#include "core/sha1.h"

static void hex_of(const void *data, size_t n, char hex[41])
{
    sha1_ctx c;
    unsigned char d[20];
    sha1_init(&c);
    sha1_update(&c, data, n);
    sha1_final(&c, d);
    sha1_hex(d, hex);
}

static void test_sha1_fips_vectors(void **state)
{
    (void)state;
    char hex[41];
    hex_of("abc", 3, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    hex_of("", 0, hex);
    assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjkl"
                       "mnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    hex_of(four, strlen(four), hex);
    assert_string_equal(hex, "a49b2446a02c645bf419f995b67091253a04a259");
    /* One million 'a', fed in uneven pieces to exercise the block buffer. */
    static char a[1000000];
    memset(a, 'a', sizeof a);
    sha1_ctx c;
    unsigned char d[20];
    sha1_init(&c);
    size_t done = 0, step = 1;
    while (done < sizeof a) {
        size_t k = step < sizeof a - done ? step : sizeof a - done;
        sha1_update(&c, a + done, k);
        done += k;
        step = step * 3 % 977 + 1;
    }
    sha1_final(&c, d);
    sha1_hex(d, hex);
    assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");

    char dir[4096], path[4200];
    assert_non_null(ts_mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f", dir);
    ts_write_file(path, "abc");
    lp_error err;
    assert_int_equal(sha1_file(path, hex, &err), LP_OK);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(sha1_file(path, hex, &err), LP_ERR_IO);
    ts_rmtree(dir);
}

static void test_html_index(void **state)
{
    (void)state;
    const char *page =
        "<html><a href=\"?C=N;O=D\">Name</a> <a href=\"../\">Parent</a>\n"
        "<A HREF='091_120APR/'>091_120APR/</A>\n"
        "<a href=/data/x/1998/121_151MAY/>abs path</a>\n"
        "<a href=\"https://host.example/data/x/1998/152_181JUN/\">abs url, other scheme</a>\n"
        "<a href=\"http://elsewhere.example/data/x/1998/other/\">other host</a>\n"
        "<a href=\"091_120APR/\">duplicate</a> <a href=\"3D980401.TAB\">file</a>\n"
        "<a href=\"deeper/3D980402.TAB\">not a child</a> <a href=\"my%20file.txt\">spaces</a>\n"
        "<a href=\"%2e%2e%2fetc\">escaped slash</a> <a href=\".hidden\">hidden</a>\n"
        "<a href=\"#top\">anchor</a> <a href=\"3D980403.TAB#x\">fragment</a> <a href=\"";
    char **names;
    size_t n;
    lp_error err;
    assert_int_equal(html_index_children(page, strlen(page), "http://host.example/data/x/1998/",
                                         &names, &n, &err),
                     LP_OK);
    const char *want[] = {"091_120APR/",  "121_151MAY/", "152_181JUN/",
                          "3D980401.TAB", "my file.txt", "3D980403.TAB"};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);
    html_index_free(names, n);
    assert_int_equal(html_index_children(page, strlen(page), "http://host.example/data/x/1998",
                                         &names, &n, &err),
                     LP_ERR_USAGE);
    assert_int_equal(html_index_children("", 0, "http://h/", &names, &n, &err), LP_OK);
    assert_int_equal(n, 0);
    html_index_free(names, n);
}

static void test_date_filters(void **state)
{
    (void)state;
    assert_true(download_er_name_matches("3D980401.TAB", 0, 0, 0));
    assert_true(download_er_name_matches("3d980401.tab", 1998, 4, 1));
    assert_false(download_er_name_matches("3D980401.TAB", 1999, 0, 0));
    assert_false(download_er_name_matches("3D980401.TAB", 1998, 5, 0));
    assert_false(download_er_name_matches("3D980401.TAB", 1998, 4, 2));
    assert_true(download_er_name_matches("3D990729.TAB", 1999, 7, 29));
    assert_false(download_er_name_matches("3D981301.TAB", 0, 0, 0));
    assert_false(download_er_name_matches("theta.tab", 0, 0, 0));
    assert_false(download_er_name_matches("3D980401.TAB.part", 0, 0, 0));
    /* 1998: April = day 91..120; May 1 = 121. */
    assert_true(download_folder_may_match("091_120APR/", 1998, 4, 0));
    assert_true(download_folder_may_match("091_120APR/", 1998, 4, 30));
    assert_false(download_folder_may_match("091_120APR/", 1998, 5, 0));
    assert_false(download_folder_may_match("121_151MAY/", 1998, 4, 0));
    assert_true(download_folder_may_match("121_151MAY/", 1998, 5, 1));
    assert_true(download_folder_may_match("oddname/", 1998, 5, 1));
    assert_true(download_folder_may_match("091_120APR/", 1998, 0, 0));
    assert_int_equal(download_parse_what("er,kernels"), DL_ER | DL_KERNELS);
    assert_int_equal(download_parse_what("all"), DL_ALL);
    assert_int_equal(download_parse_what("er,"), DL_ER);
    assert_int_equal(download_parse_what("er,moon"), 0);
    assert_int_equal(download_parse_what(""), 0);
    assert_string_equal(download_known_sha1("pck00011.tpc"),
                        "5a224831c6b765d15e078cc7d8ceeab03a63d450");
    assert_null(download_known_sha1("other.bsp"));
}

static void test_backoff(void **state)
{
    (void)state;
    assert_close(fetch_retry_delay(1, 2, 300, NAN), 2, 0, 0);
    assert_close(fetch_retry_delay(2, 2, 300, NAN), 4, 0, 0);
    assert_close(fetch_retry_delay(4, 2, 300, NAN), 16, 0, 0);
    assert_close(fetch_retry_delay(20, 2, 300, NAN), 300, 0, 0);
    assert_close(fetch_retry_delay(1, 2, 300, 7), 7, 0, 0);    /* Retry-After wins */
    assert_close(fetch_retry_delay(1, 2, 300, 0), 0, 0, 0);    /* ... even when shorter */
    assert_close(fetch_retry_delay(1, 2, 60, 1000), 60, 0, 0); /* capped */
    assert_close(fetch_parse_retry_after(" 120\r\n", 0), 120, 0, 0);
    /* Sun, 06 Nov 1994 08:49:37 GMT = 784111777. */
    assert_close(fetch_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT\r\n", 784111700), 77, 0, 0);
    assert_close(fetch_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800), 0, 0, 0);
    assert_true(isnan(fetch_parse_retry_after("soon", 0)));
    assert_true(isnan(fetch_parse_retry_after("12 apples", 0)));
}

static void test_plan_and_sha1_override(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    assert_non_null(ts_mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sums", dir);
    ts_write_file(path, "# comment\n"
                        "0123456789ABCDEF0123456789abcdef01234567 *some/dir/pck00011.tpc\n"
                        "\n"
                        "89abcdef0123456789abcdef0123456789abcdef  theta.tab\n");
    download_options o;
    download_options_init(&o);
    o.data_dir = "/d";
    o.what = DL_KERNELS | DL_THETA | DL_ATTITUDE;
    o.base_naif = "http://n.example/naif/";
    o.base_geo = "http://g.example";
    o.base_er = "http://e.example/er";
    o.sha1_file = path;
    fetch_job *jobs;
    size_t n;
    lp_error err;
    assert_int_equal(download_plan(&o, &jobs, &n, &err), LP_OK);
    assert_int_equal(n, 9);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strstr(jobs[i].dest, "pck00011.tpc")) {
            assert_string_equal(jobs[i].url,
                                "http://n.example/naif/generic_kernels/pck/pck00011.tpc");
            assert_string_equal(jobs[i].dest, "/d/spice_kernels/pck00011.tpc");
            assert_string_equal(jobs[i].sha1, "0123456789abcdef0123456789abcdef01234567");
            seen |= 1;
        } else if (strstr(jobs[i].dest, "lpephemu.bsp")) {
            assert_string_equal(jobs[i].url, "http://g.example/missions/lunarp/spice/lpephemu.bsp");
            assert_string_equal(jobs[i].sha1, "1eece70640f2d1a2e5c7ad318a15af815819077f");
            seen |= 2;
        } else if (strstr(jobs[i].dest, "theta.tab")) {
            assert_string_equal(jobs[i].url,
                                "http://e.example/er/data-3deleflux-anc/theta/theta.tab");
            assert_string_equal(jobs[i].dest, "/d/theta.tab");
            assert_string_equal(jobs[i].sha1, "89abcdef0123456789abcdef0123456789abcdef");
            seen |= 4;
        } else if (strstr(jobs[i].dest, "attitude.tab")) {
            assert_string_equal(
                jobs[i].url, "http://g.example/lunar/prospectorcd/lp_0019/geometry/attitude.tab");
            assert_string_equal(jobs[i].sha1, "");
            seen |= 8;
        } else if (strstr(jobs[i].dest, "lp_ask_980111-980531.bsp")) {
            assert_string_equal(jobs[i].url,
                                "http://n.example/naif/LPM/kernels/spk/lp_ask_980111-980531.bsp");
            seen |= 16;
        }
    }
    assert_int_equal(seen, 31);
    download_jobs_free(jobs, n);

    /* A malformed sums file is refused with file and line. */
    ts_write_file(path, "not-a-sum  pck00011.tpc\n");
    assert_int_equal(download_plan(&o, &jobs, &n, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "sums:1: expected"));
    o.sha1_file = "/nonexistent/sums";
    assert_int_equal(download_plan(&o, &jobs, &n, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "cannot open --sha1-file"));
    ts_rmtree(dir);
}

static void test_mkdirs(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    lp_error err;
    assert_non_null(ts_mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    assert_int_equal(fetch_mkdirs(path, &err), LP_OK);
    assert_true(ts_file_exists(path));
    assert_int_equal(fetch_mkdirs(path, &err), LP_OK); /* again: fine */
    snprintf(path, sizeof path, "%s/file", dir);
    ts_write_file(path, "x");
    snprintf(path, sizeof path, "%s/file/sub", dir);
    assert_int_not_equal(fetch_mkdirs(path, &err), LP_OK);
    ts_rmtree(dir);
}

static void test_enable_hint(void **state)
{
    (void)state;
    assert_non_null(strstr(fetch_enable_hint(), "apt-get install libcurl4-openssl-dev"));
    assert_non_null(strstr(fetch_enable_hint(), "rebuild"));
    if (fetch_available())
        return;
    /* Without libcurl every transfer entry point says so. */
    fetch_options fo;
    fetch_options_init(&fo);
    lp_error err;
    char *buf;
    size_t len;
    assert_int_equal(fetch_to_memory("http://127.0.0.1:9/", &fo, &buf, &len, &err),
                     LP_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "libcurl4-openssl-dev"));
    assert_int_equal(fetch_run(NULL, 0, &fo, &err), LP_ERR_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1_fips_vectors),
        cmocka_unit_test(test_html_index),
        cmocka_unit_test(test_date_filters),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_plan_and_sha1_override),
        cmocka_unit_test(test_mkdirs),
        cmocka_unit_test(test_enable_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
