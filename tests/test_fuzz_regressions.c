/* Regression tests of the inputs the libFuzzer harnesses (fuzz/, docs/decisions.md
 * §4) found crashing: every file under tests/data/fuzz-regressions/<reader>/
 * is fed to that reader, which must refuse it with an error status and a
 * message (under the ASan/UBSan build any memory error or undefined
 * behaviour also fails). Known files additionally check their message. */
#include "test_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "geometry/geometry.h"
#include "io/er_tab.h"
#include "io/npz_read.h"
#include "io/theta.h"
#include "spice/spice.h"
#include "spice/textkernel.h"

#define REG_DIR LPMAP_SOURCE_DIR "/tests/data/fuzz-regressions"

/* Each loader reads the whole file the way its fuzz harness does and
 * returns the first error. */
static lp_status load_er_tab(const char *path, lp_error *err)
{
    size_t len = 0;
    char *data = ts_read_file(path, &len);
    assert_non_null(data);
    er_table t;
    er_table_init(&t);
    er_read_options opt = {.strict = 1};
    er_read_stats stats;
    memset(&stats, 0, sizeof stats);
    lp_status st = er_table_read_buffer(data, len, path, &opt, &t, &stats, err);
    if (st != LP_OK)
        assert_int_equal(t.n_rows, 0);
    er_table_free(&t);
    free(data);
    return st;
}

static lp_status load_attitude(const char *path, lp_error *err)
{
    const char *lsk = LPMAP_SOURCE_DIR "/tests/data/naif0012.tls";
    spice_kernels *k = NULL;
    assert_int_equal(spice_load_files(&lsk, 1, &k, err), LP_OK);
    attitude_table t;
    memset(&t, 0, sizeof t);
    lp_status st = attitude_read(path, k, &t, NULL, err);
    if (st == LP_OK)
        attitude_free(&t);
    spice_free(k);
    return st;
}

static lp_status load_theta(const char *path, lp_error *err)
{
    er_instrument inst;
    return theta_read(path, &inst, err);
}

static lp_status load_textkernel(const char *path, lp_error *err)
{
    tk_pool pool;
    memset(&pool, 0, sizeof pool);
    lp_status st = tk_pool_load_file(&pool, path, err);
    tk_pool_free(&pool);
    return st;
}

static lp_status load_spk(const char *path, lp_error *err)
{
    spice_kernels *k = NULL;
    lp_status st = spice_load_files(&path, 1, &k, err);
    if (st == LP_OK)
        spice_free(k);
    return st;
}

static lp_status load_npz(const char *path, lp_error *err)
{
    npz_file *f = NULL;
    lp_status st = npz_read_open(path, &f, err);
    if (st != LP_OK)
        return st;
    /* Every member (the reproducer's huge one is not the first); the last
     * error is reported. */
    for (size_t i = 0; i < npz_read_count(f); i++) {
        npz_array a;
        lp_error e = {0};
        lp_status sm = npz_read_array(f, npz_read_key(f, i), &a, &e);
        if (sm == LP_OK) {
            npz_array_free(&a);
        } else {
            st = sm;
            *err = e;
        }
    }
    npz_read_close(f);
    return st;
}

typedef struct {
    const char *dir;
    lp_status (*load)(const char *path, lp_error *err);
} reader;

static const reader readers[] = {
    {"er_tab", load_er_tab},         {"attitude", load_attitude}, {"theta", load_theta},
    {"textkernel", load_textkernel}, {"spk", load_spk},           {"npz_read", load_npz},
};

/* What the message of a known reproducer must say. */
static const struct {
    const char *file, *message_part;
    lp_status status;
} known[] = {
    {"spk/daf_summary_count_out_of_int_range.bsp", "record 2: ", LP_ERR_FORMAT},
};

static void test_every_reproducer_is_refused_cleanly(void **state)
{
    (void)state;
    size_t n_files = 0;
    for (size_t r = 0; r < sizeof readers / sizeof readers[0]; r++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", REG_DIR, readers[r].dir);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char path[4096 + 256];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            lp_error err = {0};
            lp_status st = readers[r].load(path, &err);
            printf("%s/%s: %s: %s\n", readers[r].dir, de->d_name, lp_status_name(st), err.message);
            assert_int_not_equal(st, LP_OK);
            assert_true(strlen(err.message) > 0);
            char rel[512];
            snprintf(rel, sizeof rel, "%s/%s", readers[r].dir, de->d_name);
            for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
                if (strcmp(rel, known[k].file) == 0) {
                    assert_int_equal(st, known[k].status);
                    assert_non_null(strstr(err.message, known[k].message_part));
                }
            n_files++;
        }
        closedir(d);
    }
    assert_true(n_files >= 2);
}

/* The DAF fix in isolation: a summary count or next pointer that does not
 * fit an int (1e300) is a format error, not a conversion. */
static void test_daf_huge_summary_words(void **state)
{
    (void)state;
    char tmp[4096];
    assert_non_null(ts_mkdtemp(tmp));
    char path[4200];
    snprintf(path, sizeof path, "%s/seed.bsp", tmp);
    /* Take the reproducer and put 1e300 in the next-pointer word instead. */
    size_t len = 0;
    char *data = ts_read_file(REG_DIR "/spk/daf_summary_count_out_of_int_range.bsp", &len);
    assert_non_null(data);
    assert_true(len >= 2048);
    int fward = 0;
    memcpy(&fward, data + 76, 4);
    assert_true(fward >= 2 && (size_t)fward * 1024 <= len);
    double huge = 1e300, one = 1.0;
    memcpy(data + (size_t)(fward - 1) * 1024, &huge, 8);     /* next */
    memcpy(data + (size_t)(fward - 1) * 1024 + 16, &one, 8); /* nsum */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    lp_error err = {0};
    lp_status st = load_spk(path, &err);
    assert_int_not_equal(st, LP_OK);
    assert_true(strlen(err.message) > 0);
    ts_rmtree(tmp);
}

/* The NPZ fix: member 'q' of the reproducer claims method 8192 and
 * 2,181,038,080 bytes; it is refused (LP_ERR_FORMAT) before anything is allocated. */
static void test_npz_unknown_method_refused_before_allocating(void **state)
{
    (void)state;
    /* In a child allowed 1 GiB more address space than it has mapped now
     * (sanitizers reserve terabytes up front, so an absolute limit would
     * not do): before the fix the 2 GB malloc failed there (LP_ERR_NOMEM,
     * or an allocator abort under ASan). */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        unsigned long long vm_kb = 0;
        FILE *ps = fopen("/proc/self/status", "r");
        char line[256];
        while (ps && fgets(line, sizeof line, ps))
            if (sscanf(line, "VmSize: %llu kB", &vm_kb) == 1)
                break;
        if (ps)
            fclose(ps);
        if (vm_kb > 0) {
            rlim_t lim_b = (rlim_t)vm_kb * 1024 + (1ULL << 30);
            struct rlimit lim = {lim_b, lim_b};
            setrlimit(RLIMIT_AS, &lim);
        }
        npz_file *f = NULL;
        lp_error err = {0};
        if (npz_read_open(REG_DIR "/npz_read/unsupported_method_huge_size.npz", &f, &err) != LP_OK)
            _exit(10);
        npz_array a;
        lp_status st = npz_read_array(f, "q", &a, &err);
        printf("q: %s: %s\n", lp_status_name(st), err.message);
        fflush(stdout);
        if (st != LP_ERR_FORMAT)
            _exit(11);
        if (!strstr(err.message, "compression method 8192"))
            _exit(12);
        npz_read_close(f);
        _exit(0);
    }
    int wst = 0;
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFEXITED(wst));
    assert_int_equal(WEXITSTATUS(wst), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_reproducer_is_refused_cleanly),
        cmocka_unit_test(test_daf_huge_summary_words),
        cmocka_unit_test(test_npz_unknown_method_refused_before_allocating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
