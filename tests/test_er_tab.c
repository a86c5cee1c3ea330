/* Tests of the ER TAB reader and writer (docs/formats.md §1), sweep cleaning
 * (docs/physics.md §1), the sweep index and merge offsets (docs/physics.md §9), and
 * every bad input of docs/decisions.md that reaches the reader. */
#include "test_support.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "io/er_tab.h"

#define NAME "3D980401.TAB"

/* A row with plausible values. */
static void make_row(er_table *t, size_t r, int64_t spec, double energy, double bmag)
{
    snprintf(t->utc[r], ER_TEXT_WIDTH, "1998-04-01T00:%02d:%02d.%03d", (int)(r / 60) % 60,
             (int)(r % 60), (int)(r * 7 % 1000));
    snprintf(t->time_text[r], ER_TEXT_WIDTH, "%.3f", 891388800.0 + (double)r * 5.3);
    t->time_unix[r] = atof(t->time_text[r]);
    t->energy[r] = energy;
    t->spec_no[r] = spec;
    t->mag[r][0] = bmag * 0.6;
    t->mag[r][1] = -bmag * 0.8;
    t->mag[r][2] = 0.0;
    for (int c = 0; c < LP_N_CHANNELS; c++) {
        t->flux[r][c] = 1.2345e3 * (c + 1) * (double)(r + 1);
        t->phi[r][c] = 4.09 * c;
    }
}

/* `sweeps` sweeps of `rows` rows, spec_no 100, 101, ... */
static er_table build_table(int sweeps, int rows)
{
    er_table t;
    er_table_init(&t);
    size_t n = (size_t)sweeps * (size_t)rows;
    t.capacity = n;
    t.utc = calloc(n, sizeof *t.utc);
    t.time_text = calloc(n, sizeof *t.time_text);
    t.time_unix = calloc(n, sizeof *t.time_unix);
    t.energy = calloc(n, sizeof *t.energy);
    t.spec_no = calloc(n, sizeof *t.spec_no);
    t.mag = calloc(n, sizeof *t.mag);
    t.flux = calloc(n, sizeof *t.flux);
    t.phi = calloc(n, sizeof *t.phi);
    assert_non_null(t.phi);
    for (int s = 0; s < sweeps; s++)
        for (int k = 0; k < rows; k++)
            make_row(&t, (size_t)s * (size_t)rows + (size_t)k, 100 + s, 20000.0 / (1 << k), 5.0);
    t.n_rows = n;
    return t;
}

__attribute__((noinline)) static char *write_table_text(const er_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    lp_error err;
    assert_int_equal(er_table_write(f, t, 0, t->n_rows, &err), LP_OK);
    fclose(f);
    return buf;
}

/* Line k (0-based) of text, copied into buf. */
__attribute__((noinline)) static void get_line(const char *text, int k, char *buf, size_t n)
{
    const char *p = text;
    for (int i = 0; i < k; i++)
        p = strchr(p, '\n') + 1;
    size_t len = (size_t)(strchr(p, '\n') - p);
    assert_true(len < n);
    memcpy(buf, p, len);
    buf[len] = '\0';
}

/* text with line k (0-based) replaced by repl (malloc'd). */
__attribute__((noinline)) static char *replace_line(const char *text, int k, const char *repl)
{
    const char *p = text;
    for (int i = 0; i < k; i++)
        p = strchr(p, '\n') + 1;
    size_t head = (size_t)(p - text), tail_at = (size_t)(strchr(p, '\n') - text);
    size_t rl = strlen(repl), tl = strlen(text + tail_at);
    char *out = malloc(head + rl + tl + 1);
    memcpy(out, text, head);
    memcpy(out + head, repl, rl);
    memcpy(out + head + rl, text + tail_at, tl + 1);
    return out;
}

/* Replace field f (1-based) of a line in place-ish: returns a new line. */
static void set_field(char *line, size_t n, int f, const char *value)
{
    char out[8192];
    const char *p = line;
    size_t o = 0;
    for (int i = 1;; i++) {
        while (*p == ' ')
            out[o++] = *p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (i == f) {
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", value);
        } else {
            memcpy(out + o, p, (size_t)(e - p));
            o += (size_t)(e - p);
        }
        p = e;
        if (!*p)
            break;
    }
    out[o] = '\0';
    assert_true(o < n);
    memcpy(line, out, o + 1);
}

/* Run a read with stderr captured; returns the status, the log in logbuf. */
static lp_status read_logged(const char *text, size_t len, const er_read_options *opt, er_table *t,
                             er_read_stats *st, lp_error *err, char *logbuf, size_t logn)
{
    fflush(stderr);
    char path[] = "/tmp/lpmap-test-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(2);
    dup2(fd, 2);
    log_set_level(LOG_INFO);
    lp_status s = er_table_read_buffer(text, len, NAME, opt, t, st, err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t got = read(fd, logbuf, logn - 1);
    logbuf[got > 0 ? got : 0] = '\0';
    close(fd);
    unlink(path);
    return s;
}

static int count_substr(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* ---- round trip and the number scanner ---- */

static void test_round_trip(void **state)
{
    (void)state;
    er_table t = build_table(3, 15);
    t.flux[4][7] = NAN;
    t.phi[5][9] = NAN;
    char *text = write_table_text(&t);
    /* the look of the real files */
    assert_true(strncmp(text,
                        "1998-04-01T00:00:00.000 891388800.000 20000.00 100 3.0000 -4.0000 "
                        "0.0000 1.2345E+03 2.4690E+03",
                        93) == 0);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(text, strlen(text), "mem", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 45);
    assert_int_equal(st.sweeps_kept, 3);
    assert_int_equal(st.fill_values, 2);
    assert_int_equal(st.lines, 45);
    assert_int_equal(st.bytes, strlen(text));
    for (size_t i = 0; i < r.n_rows; i++) {
        assert_string_equal(r.utc[i], t.utc[i]);
        assert_string_equal(r.time_text[i], t.time_text[i]);
        assert_true(r.time_unix[i] == t.time_unix[i]);
        assert_true(r.spec_no[i] == t.spec_no[i]);
        assert_close(r.energy[i], t.energy[i], 0, 0.005);
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            assert_close(r.flux[i][c], t.flux[i][c], 1e-4, 0);
            assert_close(r.phi[i][c], t.phi[i][c], 0, 0.005);
        }
    }
    assert_true(isnan(r.flux[4][7]) && isnan(r.phi[5][9]));
    /* write -> read -> write reproduces the text byte for byte, so values
     * read are exactly the values written */
    char *again = write_table_text(&r);
    assert_string_equal(again, text);
    free(again);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

/* A valid line whose 88 flux fields are the given tokens. */
static size_t line_with_flux(char *buf, size_t n, char tokens[][64])
{
    size_t o = (size_t)snprintf(buf, n, "1998-04-01T00:00:26.443 891425226.443 19680.00 7 1 2 3");
    for (int c = 0; c < LP_N_CHANNELS; c++)
        o += (size_t)snprintf(buf + o, n - o, " %s", tokens[c]);
    for (int c = 0; c < LP_N_CHANNELS; c++)
        o += (size_t)snprintf(buf + o, n - o, " 1.00");
    o += (size_t)snprintf(buf + o, n - o, "\n");
    return o;
}

static double strtod_fortran(const char *tok)
{
    char b[128];
    size_t n = strlen(tok);
    assert_true(n < sizeof b);
    memcpy(b, tok, n + 1);
    for (char *p = b; *p; p++)
        if (*p == 'D' || *p == 'd')
            *p = 'E';
    return strtod(b, NULL);
}

static uint64_t bits_of(double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    return u;
}

static void test_scanner_matches_strtod(void **state)
{
    (void)state;
    static const char *const fmts[] = {"%.3E", "%.4E", "%.3e",  "%+.6E", "%.17g", "%.9f",
                                       "%.2f", "%g",   "%.15e", "%.1E",  "%.0f",  "%.12E"};
    const int n_fmt = (int)(sizeof fmts / sizeof *fmts);
    const int rows = 1500;
    size_t cap = (size_t)rows * 4096;
    char *text = malloc(cap);
    char(*tok)[64] = calloc((size_t)rows * LP_N_CHANNELS, 64);
    size_t len = 0;
    uint64_t x = 88172645463325252ull; /* xorshift: reproducible */
    for (int r = 0; r < rows; r++) {
        char line_tok[LP_N_CHANNELS][64];
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            double mant = (double)(x >> 11) / 9007199254740992.0;
            int e10 = (int)((x >> 3) % 60) - 30;
            double v = mant * pow(10.0, e10);
            if (x & 1)
                v = -v;
            char *t = line_tok[c];
            snprintf(t, 64, fmts[(x >> 5) % (uint64_t)n_fmt], v);
            if ((x >> 9) % 7 == 0) /* Fortran exponent letter */
                for (char *p = t; *p; p++)
                    if (*p == 'E' || *p == 'e')
                        *p = 'D';
            if ((x >> 12) % 11 == 0 && t[0] != '-' && t[0] != '+') { /* explicit plus */
                memmove(t + 1, t, strlen(t) + 1);
                t[0] = '+';
            }
            memcpy(tok[(size_t)r * LP_N_CHANNELS + (size_t)c], t, 64);
        }
        len += line_with_flux(text + len, cap - len, line_tok);
    }
    er_table t;
    er_table_init(&t);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(text, len, "x", NULL, &t, &st, &err), LP_OK);
    assert_int_equal(t.n_rows, rows);
    size_t mismatches = 0;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            const char *s = tok[(size_t)r * LP_N_CHANNELS + (size_t)c];
            if (bits_of(t.flux[r][c]) != bits_of(strtod_fortran(s))) {
                if (!mismatches)
                    print_message("first mismatch: '%s' -> %.17g, strtod %.17g\n", s, t.flux[r][c],
                                  strtod_fortran(s));
                mismatches++;
            }
        }
    assert_int_equal(mismatches, 0);
    free(text);
    free(tok);
    er_table_free(&t);
}

/* Hard cases for a fast scanner: fast-path edges, halfway points, long
 * mantissas, extremes, exponent letters and signs. */
static void test_scanner_hard_cases(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "9007199254740993",
        "9007199254740992",
        "9007199254740991.5",
        "1e22",
        "1e23",
        "8.5e22",
        "4.4501477170144023e-308",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "4.9e-324",
        "1.7976931348623157e308",
        "0.1",
        "0.3",
        "123456789012345678901234",
        "0.000000000000000000000001234",
        "1.00000000000000011102230246251565404236316680908203125",
        "7.038531e-26",
        "1448997445238699",
        "-0.0",
        "+0",
        "000000000000000000000000001.5",
        "1.",
        ".5",
        "5.E+02",
        "2.5D-03",
        "2.5d+03",
        "1E+00",
        "9.999E-99",
        "9.998E-99",
        "-9.99E-99",
        "1.234E+05",
        "1.234e-05",
        "3.0000",
        "999.99000",
        "1e-22",
        "123456789e-22",
        "12345678901234567e5",
        "4503599627370497.5",
        "1e308",
        /* the 19-digit boundary of the short-mantissa path, with leading zeros */
        "0000000000000000001",
        "00000000000000000001",
        "1234567890123456789",
        "9999999999999999999",
        "99999999999999999999",
        "18446744073709551615",
        "18446744073709551616e-3",
        "0.000000000000000001",
        "0.0000000000000000001e5",
        "12345678901234567.89",
        "1234567890.123456789",
        "1234567890.1234567891",
        "-999999999999999999.9E-300",
        "0.0000E+00",
        "2.1475E+03",
    };
    const int n = (int)(sizeof cases / sizeof *cases);
    char line_tok[LP_N_CHANNELS][64];
    char text[8192];
    for (int i0 = 0; i0 < n; i0 += LP_N_CHANNELS) {
        for (int c = 0; c < LP_N_CHANNELS; c++)
            snprintf(line_tok[c], 64, "%s", cases[(i0 + c) % n]);
        size_t len = line_with_flux(text, sizeof text, line_tok);
        er_table t;
        er_table_init(&t);
        er_read_stats st;
        lp_error err;
        assert_int_equal(er_table_read_buffer(text, len, "x", NULL, &t, &st, &err), LP_OK);
        assert_int_equal(t.n_rows, 1);
        for (int c = 0; c < LP_N_CHANNELS; c++) {
            double want = strtod_fortran(line_tok[c]);
            if (want == 9.999e-99 || want == -9.99e-99) {
                assert_true(isnan(t.flux[0][c]));
                continue;
            }
            if (bits_of(t.flux[0][c]) != bits_of(want))
                fail_msg("'%s' -> %.17g, strtod %.17g", line_tok[c], t.flux[0][c], want);
        }
        er_table_free(&t);
    }
}

/* ---- bad input ---- */

static void test_malformed_line_in_the_middle(void **state)
{
    (void)state;
    er_table t = build_table(3, 15);
    char *text = write_table_text(&t);
    char line[8192], logbuf[8192];
    get_line(text, 20, line, sizeof line); /* sweep 101 */
    set_field(line, sizeof line, 9, "1.2x4E+03");
    char *bad = replace_line(text, 20, line);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(read_logged(bad, strlen(bad), NULL, &r, &st, &err, logbuf, sizeof logbuf),
                     LP_OK);
    assert_int_equal(r.n_rows, 30); /* sweeps 100 and 102 kept */
    assert_true(r.spec_no[0] == 100 && r.spec_no[14] == 100 && r.spec_no[15] == 102);
    assert_string_equal(r.utc[15], t.utc[30]);
    assert_int_equal(st.sweeps_bad_format, 1);
    assert_int_equal(st.sweeps_kept, 2);
    assert_int_equal(st.malformed_lines, 1);
    assert_non_null(strstr(st.first_problem, NAME ":21: field 9 (ele_flux_1): not a number"));
    /* exactly one message, naming file, line and field, with the count */
    assert_int_equal(count_substr(logbuf, "lpmap: "), 1);
    assert_non_null(strstr(logbuf, NAME ":21: field 9 (ele_flux_1)"));
    assert_non_null(strstr(logbuf, "1 sweep skipped"));

    /* two malformed lines in two sweeps: still one message, with the count */
    char line2[8192];
    get_line(bad, 40, line2, sizeof line2);
    set_field(line2, sizeof line2, 100, "abc");
    char *bad2 = replace_line(bad, 40, line2);
    er_table_clear(&r);
    assert_int_equal(read_logged(bad2, strlen(bad2), NULL, &r, &st, &err, logbuf, sizeof logbuf),
                     LP_OK);
    assert_int_equal(r.n_rows, 15);
    assert_int_equal(st.sweeps_bad_format, 2);
    assert_int_equal(count_substr(logbuf, "lpmap: "), 1);
    assert_non_null(strstr(logbuf, "2 malformed lines in this file, 2 sweeps skipped"));
    free(bad2);

    /* strict: fatal with the same message; rows already in the table stay */
    er_table_clear(&r);
    assert_int_equal(er_table_read_buffer(text, strlen(text), "first", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 45);
    double keep = r.flux[44][3];
    er_read_options strict = {1};
    assert_int_equal(er_table_read_buffer(bad, strlen(bad), NAME, &strict, &r, &st, &err),
                     LP_ERR_FORMAT);
    assert_non_null(
        strstr(err.message, NAME ":21: field 9 (ele_flux_1): not a number '1.2x4E+03'"));
    assert_int_equal(r.n_rows, 45);
    assert_true(r.flux[44][3] == keep);
    free(bad);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

/* One line replaced by `repl`; expect `kept` rows and `msg` in first_problem. */
static void expect_bad_line(const char *text, int k, const char *repl, size_t kept, const char *msg)
{
    char *bad = replace_line(text, k, repl);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    log_set_level(LOG_QUIET);
    assert_int_equal(er_table_read_buffer(bad, strlen(bad), "x", NULL, &r, &st, &err), LP_OK);
    if (r.n_rows != kept || !strstr(st.first_problem, msg))
        fail_msg("line %d '%.60s...': %zu rows (want %zu), problem '%s' (want '%s')", k, repl,
                 r.n_rows, kept, st.first_problem, msg);
    assert_int_equal(st.sweeps_bad_format, 1);
    er_read_options strict = {1};
    er_table_clear(&r);
    assert_int_equal(er_table_read_buffer(bad, strlen(bad), "x", &strict, &r, &st, &err),
                     LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, msg));
    assert_int_equal(r.n_rows, 0);
    er_table_free(&r);
    free(bad);
}

static void test_bad_fields(void **state)
{
    (void)state;
    er_table t = build_table(3, 15);
    char *text = write_table_text(&t);
    char base[8192], line[8192];
    get_line(text, 17, base, sizeof base); /* sweep 101, file line 18 */

    expect_bad_line(text, 17, "1998-04-01T00:00:00 1 2 101 1 2 3", 30,
                    "x:18: 7 fields, expected 183");
    memcpy(line, base, sizeof line);
    strcat(line, " 1.0"); /* 184 fields */
    expect_bad_line(text, 17, line, 30, "x:18: 184 fields, expected 183");
    static const char *const not_numbers[] = {"NaN", "nan", "Inf", "-inf", "Infinity", "1.2.3",
                                              "--1", "1e",  "E5",  "0x10", "1,5",      "+"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++) {
        memcpy(line, base, sizeof line);
        set_field(line, sizeof line, 50, not_numbers[i]);
        char msg[128];
        snprintf(msg, sizeof msg, "x:18: field 50 (ele_flux_42): not a number '%s'",
                 not_numbers[i]);
        expect_bad_line(text, 17, line, 30, msg);
    }
    memcpy(line, base, sizeof line);
    set_field(line, sizeof line, 130, "1E+400"); /* overflows a double */
    expect_bad_line(text, 17, line, 30, "x:18: field 130 (dist_phi_34): not a number");
    memcpy(line, base, sizeof line);
    set_field(line, sizeof line, 6, "NaN");
    expect_bad_line(text, 17, line, 30, "field 6 (mag_y): not a number 'NaN'");
    memcpy(line, base, sizeof line);
    set_field(line, sizeof line, 2, "8913x");
    expect_bad_line(text, 17, line, 30, "field 2 (time): not a number '8913x'");
    memcpy(line, base, sizeof line);
    set_field(line, sizeof line, 4, "101.5");
    expect_bad_line(text, 17, line, 30, "field 4 (spec_no): not an integer '101.5'");
    static const char *const bad_utc[] = {
        "1998-13-01T00:00:00", "1998-04-01 00:00:00", "1998-04-01T25:00:00", "1998-04-01T00:00",
        "1998/04/01T00:00:00", "1998-04-01T00:00:00.", "1998-04-01T00:00:00.5X", "garbage",
        /* a day the calendar lacks (core/utc.c: what the time stage would refuse) */
        "1998-02-29T00:00:00", "1998-04-31T00:00:00", "1998-091T00:00:00"};
    for (size_t i = 0; i < sizeof bad_utc / sizeof *bad_utc; i++) {
        memcpy(line, base, sizeof line);
        set_field(line, sizeof line, 1, bad_utc[i]);
        expect_bad_line(text, 17, line, 30, "x:18: field 1 (UTC): bad time stamp");
    }
    /* accepted UTC variants */
    memcpy(line, base, sizeof line);
    set_field(line, sizeof line, 1, "1998-04-01T00:00:26Z");
    char *ok = replace_line(text, 17, line);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(ok, strlen(ok), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 45);
    assert_string_equal(r.utc[17], "1998-04-01T00:00:26Z");
    free(ok);
    er_table_free(&r);
    free(text);
    er_table_free(&t);
}

static void test_truncated_and_empty(void **state)
{
    (void)state;
    er_table t = build_table(2, 15);
    char *text = write_table_text(&t);
    size_t n = strlen(text);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    log_set_level(LOG_QUIET);
    /* complete last line without its newline: read */
    assert_int_equal(er_table_read_buffer(text, n - 1, "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 30);
    assert_int_equal(st.sweeps_bad_format, 0);
    assert_close(r.phi[29][87], t.phi[29][87], 0, 0.005);
    /* cut inside the last line: that sweep is reported and dropped */
    er_table_clear(&r);
    assert_int_equal(er_table_read_buffer(text, n - 300, "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 15);
    assert_int_equal(st.sweeps_bad_format, 1);
    assert_non_null(strstr(st.first_problem, "x:30: "));
    assert_non_null(strstr(st.first_problem, "(truncated last line?)"));
    er_table_clear(&r);
    /* empty and blank-only input: no rows, not an error, and stats say so */
    assert_int_equal(er_table_read_buffer("", 0, "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 0);
    assert_int_equal(st.bytes, 0);
    assert_int_equal(st.lines, 0);
    assert_int_equal(er_table_read_buffer("\n  \r\n\t\n", 7, "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 0);
    assert_int_equal(st.lines, 0);
    assert_int_equal(st.sweeps_bad_format, 0);
    /* blank lines before, between and after rows are skipped */
    const char *third = strchr(strchr(strchr(text, '\n') + 1, '\n') + 1, '\n') + 1;
    char *blank = malloc(n + 16);
    snprintf(blank, n + 16, "\n%.*s\n \t\r\n%s\n", (int)(third - text), text, third);
    assert_int_equal(er_table_read_buffer(blank, strlen(blank), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 30);
    assert_int_equal(st.lines, 30);
    assert_int_equal(st.sweeps_bad_format, 0);
    free(blank);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_header_lines_are_malformed(void **state)
{
    (void)state;
    er_table t = build_table(2, 15);
    char *text = write_table_text(&t);
    const char *label = "PDS_VERSION_ID = PDS3\r\nRECORD_TYPE = FIXED_LENGTH\r\n";
    size_t n = strlen(label) + strlen(text) + 1;
    char *withhdr = malloc(n);
    snprintf(withhdr, n, "%s%s", label, text);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    log_set_level(LOG_QUIET);
    assert_int_equal(er_table_read_buffer(withhdr, strlen(withhdr), "x", NULL, &r, &st, &err),
                     LP_OK);
    /* the label lines are counted as one skipped block; the sweeps after
     * them are intact */
    assert_int_equal(r.n_rows, 30);
    assert_int_equal(st.malformed_lines, 2);
    assert_int_equal(st.sweeps_bad_format, 1);
    assert_non_null(strstr(st.first_problem, "x:1: "));
    free(withhdr);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_fill_values(void **state)
{
    (void)state;
    er_table t = build_table(1, 15);
    char *text = write_table_text(&t);
    char line[8192];
    get_line(text, 0, line, sizeof line);
    set_field(line, sizeof line, 8, "9.999E-99");
    set_field(line, sizeof line, 9, "-9.99E-99");
    set_field(line, sizeof line, 10, "9.999e-99");
    set_field(line, sizeof line, 11, "9.999D-99");
    set_field(line, sizeof line, 12, "9.998E-99"); /* not a fill: a tiny flux */
    set_field(line, sizeof line, 96, "999.99");
    set_field(line, sizeof line, 97, "998.99");
    set_field(line, sizeof line, 98, "+999.990");
    set_field(line, sizeof line, 99, "997.99");     /* not a fill */
    set_field(line, sizeof line, 100, "9.999E-99"); /* flux fill in a phi field: a value */
    char *filled = replace_line(text, 0, line);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(filled, strlen(filled), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 15);
    assert_int_equal(st.fill_values, 7);
    for (int c = 0; c < 4; c++)
        assert_true(isnan(r.flux[0][c]));
    assert_true(r.flux[0][4] == 9.998e-99);
    for (int c = 0; c < 3; c++)
        assert_true(isnan(r.phi[0][c]));
    assert_true(r.phi[0][3] == 997.99);
    assert_true(r.phi[0][4] == 9.999e-99);
    /* NaN goes back out as the fill value */
    char *again = write_table_text(&r);
    get_line(again, 0, line, sizeof line);
    assert_non_null(strstr(line, " 9.999E-99 9.999E-99 9.999E-99 9.999E-99 9.9980E-99"));
    assert_non_null(strstr(line, " 999.99 999.99 999.99 997.99 0.00"));
    free(again);
    free(filled);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_crlf_tabs_exponents(void **state)
{
    (void)state;
    er_table t = build_table(2, 15);
    char *text = write_table_text(&t);
    size_t n = strlen(text);
    char *crlf = malloc(3 * n + 1), *q = crlf;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n')
            *q++ = '\r';
        if (text[i] == ' ' && i % 3 == 0) { /* runs of blanks and tabs */
            *q++ = ' ';
            *q++ = '\t';
        }
        *q++ =
            (text[i] == 'E' && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9') ? 'D' : text[i];
    }
    *q = '\0';
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(crlf, strlen(crlf), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 30);
    assert_int_equal(st.sweeps_bad_format, 0);
    char *again = write_table_text(&r);
    assert_string_equal(again, text);
    free(again);
    free(crlf);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_sweep_cleaning(void **state)
{
    (void)state;
    er_table t = build_table(7, 15);
    t.mag[3][0] = t.mag[3][1] = t.mag[3][2] = 0.0; /* 100: |B| = 0 */
    t.mag[20][0] = 1000.0;                         /* 101: |B| >= 1e3 */
    t.mag[20][1] = t.mag[20][2] = 0.0;
    strcpy(t.time_text[40], "0"); /* 102: epoch zero */
    t.time_unix[40] = 0;
    t.mag[50][0] = 999.9; /* 103: kept, just inside */
    t.mag[50][1] = t.mag[50][2] = 0.0;
    strcpy(t.time_text[80], "0.000"); /* 105: epoch zero written with decimals */
    t.time_unix[80] = 0;
    char *text = write_table_text(&t);
    char line[8192];
    get_line(text, 65, line, sizeof line); /* 104: |B| = 2e-9, kept */
    set_field(line, sizeof line, 5, "2E-9");
    set_field(line, sizeof line, 6, "0");
    set_field(line, sizeof line, 7, "-0.0");
    char *t1 = replace_line(text, 65, line);
    get_line(text, 95, line, sizeof line); /* 106: |B| = 1e-9, dropped */
    set_field(line, sizeof line, 5, "0");
    set_field(line, sizeof line, 6, "1.0E-9");
    set_field(line, sizeof line, 7, "0");
    char *t2 = replace_line(t1, 95, line);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    assert_int_equal(er_table_read_buffer(t2, strlen(t2), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(st.sweeps_kept, 2);
    assert_int_equal(st.sweeps_bad_field, 3);
    assert_int_equal(st.sweeps_bad_time, 2);
    assert_int_equal(st.sweeps_bad_format, 0);
    assert_int_equal(st.rows_kept, 30);
    assert_int_equal(r.n_rows, 30);
    assert_true(r.spec_no[0] == 103 && r.spec_no[15] == 104);
    assert_close(r.mag[5][0], 999.9, 0, 0);
    assert_true(r.mag[20][0] == 2e-9);
    free(t1);
    free(t2);
    free(text);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_non_contiguous_spec_no(void **state)
{
    (void)state;
    er_table t = build_table(4, 15);
    for (int k = 30; k < 45; k++) /* 100 101 100 103 */
        t.spec_no[k] = 100;
    char *text = write_table_text(&t);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    lp_error err;
    log_set_level(LOG_QUIET);
    assert_int_equal(er_table_read_buffer(text, strlen(text), "x", NULL, &r, &st, &err), LP_OK);
    /* both runs of 100 are input errors; 101 and 103 stay */
    assert_int_equal(r.n_rows, 30);
    assert_true(r.spec_no[0] == 101 && r.spec_no[15] == 103);
    assert_int_equal(st.sweeps_kept, 2);
    assert_int_equal(st.sweeps_bad_format, 2);
    assert_non_null(strstr(st.first_problem,
                           "x:31: field 4 (spec_no): 100 was already used by the sweep at line 1"));
    er_read_options strict = {1};
    er_table_clear(&r);
    assert_int_equal(er_table_read_buffer(text, strlen(text), "x", &strict, &r, &st, &err),
                     LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "100 was already used by the sweep at line 1"));
    assert_int_equal(r.n_rows, 0);
    free(text);

    /* A run dropped in between must not glue the two runs of 100 together */
    er_table u = build_table(3, 15);
    for (int k = 30; k < 45; k++) /* 100 101(bad B) 100 */
        u.spec_no[k] = 100;
    u.mag[20][0] = u.mag[20][1] = u.mag[20][2] = 0;
    text = write_table_text(&u);
    er_table_clear(&r);
    assert_int_equal(er_table_read_buffer(text, strlen(text), "x", NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 0);
    assert_int_equal(st.sweeps_bad_field, 1);
    assert_int_equal(st.sweeps_bad_format, 2);
    assert_int_equal(st.sweeps_kept, 0);
    free(text);
    er_table_free(&u);
    er_table_free(&r);
    er_table_free(&t);
}

static void test_sweeps_and_offsets(void **state)
{
    (void)state;
    er_table t = build_table(3, 15);
    t.n_rows = 44; /* last sweep short: fitted with what it has */
    er_sweeps s;
    lp_error err;
    assert_int_equal(er_sweeps_build(&t, &s, &err), LP_OK);
    assert_int_equal(s.n_sweeps, 3);
    assert_int_equal(s.start[1], 15);
    assert_int_equal(s.start[2], 30);
    assert_int_equal(s.n_rows[2], 14);
    er_sweeps_free(&s);
    t.n_rows = 45;
    /* merging: offset, next offset = max + 1 */
    assert_true(er_table_offset_spec_no(&t, 0, 1000) == 1103);
    assert_true(t.spec_no[0] == 1100 && t.spec_no[44] == 1102);
    assert_true(er_table_offset_spec_no(&t, 30, 5) == 1108);
    assert_true(t.spec_no[29] == 1101 && t.spec_no[30] == 1107);
    /* a spec_no in two separate runs */
    for (int k = 30; k < 45; k++)
        t.spec_no[k] = 1100;
    assert_int_equal(er_sweeps_build(&t, &s, &err), LP_ERR_FORMAT);
    assert_non_null(strstr(err.message, "spec_no 1100 appears in two separate runs"));
    assert_int_equal(s.n_sweeps, 0);
    /* empty table: no sweeps, not an error */
    t.n_rows = 0;
    assert_int_equal(er_sweeps_build(&t, &s, &err), LP_OK);
    assert_int_equal(s.n_sweeps, 0);
    er_sweeps_free(&s);
    er_table_free(&t);
}

static void test_read_files(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    ts_mkdtemp(dir);
    er_table t = build_table(40, 15);
    snprintf(path, sizeof path, "%s/" NAME, dir);
    FILE *f = fopen(path, "w");
    lp_error err;
    assert_int_equal(er_table_write(f, &t, 0, t.n_rows, &err), LP_OK);
    fclose(f);
    er_table r;
    er_table_init(&r);
    er_read_stats st;
    assert_int_equal(er_table_read(path, NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 600);
    assert_int_equal(st.sweeps_kept, 40);
    /* a second file appends */
    assert_int_equal(er_table_read(path, NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 1200);
    assert_int_equal(st.rows_kept, 600);
    assert_string_equal(r.utc[600], t.utc[0]);
    /* empty file */
    snprintf(path, sizeof path, "%s/3D980402.TAB", dir);
    ts_write_file(path, "");
    log_set_level(LOG_QUIET);
    assert_int_equal(er_table_read(path, NULL, &r, &st, &err), LP_OK);
    assert_int_equal(r.n_rows, 1200);
    assert_int_equal(st.bytes, 0);
    assert_int_equal(st.rows_kept, 0);
    /* missing file and a folder */
    snprintf(path, sizeof path, "%s/3D980403.TAB", dir);
    assert_int_equal(er_table_read(path, NULL, &r, &st, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "3D980403.TAB"));
    assert_int_equal(er_table_read(dir, NULL, &r, &st, &err), LP_ERR_IO);
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_int_equal(r.n_rows, 1200);
    /* writer: rows out of range */
    f = fopen("/dev/null", "w");
    assert_int_equal(er_table_write(f, &t, 590, 11, &err), LP_ERR_USAGE);
    assert_int_equal(er_table_write(f, &t, 590, 10, &err), LP_OK);
    fclose(f);
    er_table_free(&r);
    er_table_free(&t);
    ts_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_scanner_matches_strtod),
        cmocka_unit_test(test_scanner_hard_cases),
        cmocka_unit_test(test_malformed_line_in_the_middle),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_truncated_and_empty),
        cmocka_unit_test(test_header_lines_are_malformed),
        cmocka_unit_test(test_fill_values),
        cmocka_unit_test(test_crlf_tabs_exponents),
        cmocka_unit_test(test_sweep_cleaning),
        cmocka_unit_test(test_non_contiguous_spec_no),
        cmocka_unit_test(test_sweeps_and_offsets),
        cmocka_unit_test(test_read_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
