/* Tests of ER file discovery (docs/formats.md §1): recursion, symlinks and
 * their loops, the date filter from the name, what is never an ER file,
 * the order, and a missing data folder. */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "io/discover.h"

static void sh(const char *dir, const char *script)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", dir, script);
    assert_int_equal(system(cmd), 0);
}

/* Path relative to dir of file i. */
static const char *rel(const char *dir, const er_file_list *l, size_t i)
{
    const char *p = l->files[i].path;
    size_t n = strlen(dir);
    assert_true(strncmp(p, dir, n) == 0);
    return p + n + 1;
}

static void test_tree(void **state)
{
    (void)state;
    char dir[4096];
    ts_mkdtemp(dir);
    sh(dir,
       "mkdir -p 1998/091_120APR 1998/121_151MAY 1999/001_031JAN other deep/a/b/c && "
       "printf 'x' > 1998/091_120APR/3D980401.TAB && "
       "touch 1998/091_120APR/3d980402.tab 1998/121_151MAY/3D980501.TAB "
       "1999/001_031JAN/3D990105.Tab deep/a/b/c/3D980401.TAB "
       "theta.tab attitude.tab solid_angles.tab areas.tab THETA.TAB "
       "1998/091_120APR/3D9804XX.TAB 1998/091_120APR/3D981301.TAB "
       "1998/091_120APR/3D980400.TAB 1998/091_120APR/3D980401.TAB.part "
       "1998/091_120APR/x3D980401.TAB 1998/091_120APR/3D980401.LBL && "
       "mkdir 1998/091_120APR/3D980403.TAB && " /* a folder with an ER name */
       "ln -s ../1998/121_151MAY other/link && ln -s .. other/loop && "
       "mkdir .store && printf 'abc' > .store/day6 && ln -s ../.store/day6 other/3D980406.TAB && "
       "ln -s ../1998/091_120APR/3D980401.TAB other/3D980401.TAB && " /* same file */
       "ln -s nowhere other/3D980407.TAB");
    er_file_list l;
    lp_error err;
    assert_int_equal(er_discover(dir, 0, 0, 0, &l, &err), LP_OK);
    /* sorted by date, then path; the symlinked folder is the same folder
     * (listed once, under its real path); a symlinked file is followed; a
     * second name of a listed file is dropped; the dangling link, the loop,
     * hidden folders and non-ER names are ignored */
    assert_int_equal(l.n, 6);
    assert_string_equal(rel(dir, &l, 0), "1998/091_120APR/3D980401.TAB");
    assert_string_equal(rel(dir, &l, 1), "deep/a/b/c/3D980401.TAB");
    assert_string_equal(rel(dir, &l, 2), "1998/091_120APR/3d980402.tab");
    assert_string_equal(rel(dir, &l, 3), "other/3D980406.TAB");
    assert_string_equal(rel(dir, &l, 4), "1998/121_151MAY/3D980501.TAB");
    assert_string_equal(rel(dir, &l, 5), "1999/001_031JAN/3D990105.Tab");
    assert_int_equal(l.files[0].year, 1998);
    assert_int_equal(l.files[0].month, 4);
    assert_int_equal(l.files[0].day, 1);
    assert_int_equal(l.files[0].size_bytes, 1);
    assert_int_equal(l.files[3].size_bytes, 3); /* the link's target */
    assert_int_equal(l.files[5].year, 1999);
    assert_int_equal(l.files[5].day, 5);
    er_file_list_free(&l);
    assert_int_equal(l.n, 0);

    assert_int_equal(er_discover(dir, 1998, 4, 0, &l, &err), LP_OK);
    assert_int_equal(l.n, 4);
    er_file_list_free(&l);
    assert_int_equal(er_discover(dir, 1998, 4, 2, &l, &err), LP_OK);
    assert_int_equal(l.n, 1);
    assert_non_null(strstr(l.files[0].path, "3d980402.tab"));
    er_file_list_free(&l);
    assert_int_equal(er_discover(dir, 0, 5, 0, &l, &err), LP_OK); /* any year, May */
    assert_int_equal(l.n, 1);
    er_file_list_free(&l);
    assert_int_equal(er_discover(dir, 0, 0, 5, &l, &err), LP_OK); /* any 5th */
    assert_int_equal(l.n, 1);
    assert_int_equal(l.files[0].year, 1999);
    er_file_list_free(&l);
    assert_int_equal(er_discover(dir, 2000, 0, 0, &l, &err), LP_OK); /* no match: not an error */
    assert_int_equal(l.n, 0);
    er_file_list_free(&l);
    ts_rmtree(dir);
}

static void test_two_digit_years(void **state)
{
    (void)state;
    char dir[4096];
    ts_mkdtemp(dir);
    sh(dir, "touch 3D500101.TAB 3D490101.TAB 3D000229.TAB 3D991231.TAB");
    er_file_list l;
    lp_error err;
    assert_int_equal(er_discover(dir, 0, 0, 0, &l, &err), LP_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.files[0].year, 1950);
    assert_int_equal(l.files[1].year, 1999);
    assert_int_equal(l.files[2].year, 2000);
    assert_int_equal(l.files[2].month, 2);
    assert_int_equal(l.files[2].day, 29);
    assert_int_equal(l.files[3].year, 2049);
    er_file_list_free(&l);
    ts_rmtree(dir);
}

static void test_missing_or_not_a_folder(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    er_file_list l;
    lp_error err;
    snprintf(path, sizeof path, "%s/nope", dir);
    assert_int_equal(er_discover(path, 0, 0, 0, &l, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "nope"));
    assert_non_null(strstr(err.message, "No such file or directory"));
    assert_int_equal(l.n, 0);
    snprintf(path, sizeof path, "%s/file", dir);
    ts_write_file(path, "x");
    assert_int_equal(er_discover(path, 0, 0, 0, &l, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "is not a folder"));
    /* the data folder itself may be a symlink */
    sh(dir, "mkdir real && touch real/3D980401.TAB && ln -s real data");
    snprintf(path, sizeof path, "%s/data", dir);
    assert_int_equal(er_discover(path, 0, 0, 0, &l, &err), LP_OK);
    assert_int_equal(l.n, 1);
    er_file_list_free(&l);
    ts_rmtree(dir);
}

int main(void)
{
    log_set_level(LOG_ERROR); /* the duplicate-name warning is expected */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_two_digit_years),
        cmocka_unit_test(test_missing_or_not_a_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
