/* Resume that knows what it resumes: the fingerprint of a batch run is a
 * canonical text (one `name=value` line per input file and per setting
 * that affects results, plus the version and the id of the source tree)
 * and its SHA-1. The NPZ keeps
 * both (meta_fingerprint, meta_fingerprint_text, docs/npz.md); a re-run
 * skips an output with the same fingerprint and refuses, naming what
 * differs, one made from other inputs or settings. Also the checks of the
 * output path made before any work (a folder or a non-NPZ file there). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "source_id.h" /* generated: LPMAP_SOURCE_ID (cmake/source_id.cmake) */

#include "core/log.h"
#include "core/sha1.h"
#include "io/npz_read.h"
#include "pipeline/stages.h"
#include "fit/scpot.h"

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} fp_text;

static void fp_line(fp_text *t, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append "name=value\n". */
static void fp_line(fp_text *t, const char *name, const char *fmt, ...)
{
    char value[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    size_t need = strlen(name) + strlen(value) + 3;
    if (t->len + need > t->cap) {
        size_t cap = (t->cap ? 2 * t->cap : 4096) + need;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = 1;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    t->len += (size_t)snprintf(t->s + t->len, t->cap - t->len, "%s=%s\n", name, value);
}

static const char *fp_dtype(fit_dtype d)
{
    switch (d) {
    case DTYPE_FP16: return "fp16";
    case DTYPE_FP32: return "fp32";
    case DTYPE_FP64: return "fp64";
    default: return "auto";
    }
}

/* Every option that affects the results, one line each. An option added to
 * batch_options that changes what the NPZ holds adds its line here.
 * Not listed (results do not depend on them): --threads, --batch-size,
 * --device, --strict (a strict run that finishes read the same input),
 * the folders (the files in them are listed with their sizes and times). */
static void batch_fingerprint_settings_write(const batch_options *o, fp_text *t)
{
    fp_line(t, "setting.date_filter", "%04d-%02d-%02d", o->year, o->month, o->day);
    fp_line(t, "setting.date_range", "%08d-%08d", o->start_ymd, o->end_ymd);
    fp_line(t, "setting.physics", "%s",
            o->physics == PHYSICS_REFERENCE ? "reference" : PHYSICS_DEFAULT_NAME);
    if (o->physics != PHYSICS_REFERENCE)
        fp_line(t, "setting.usc_reject_phi", "%.17g",
                o->usc_reject_phi_set ? o->usc_reject_phi : SCPOT_REJECT_PHI_DEFAULT);
    if (o->physics != PHYSICS_REFERENCE)
        fp_line(t, "setting.usc_core_prior", "%s", o->usc_core_prior_off ? "off" : "on");
    fp_line(t, "setting.losscone_fit_method", "%s",
            o->method == FIT_METHOD_LILLIS ? "lillis" : "halekas");
    fp_line(t, "setting.normalization", "%s", o->normalization == NORM_RATIO2 ? "ratio2" : "ratio");
    fp_line(t, "setting.incident_stat", "%s", o->incident == INCIDENT_MAX ? "max" : "mean");
    if (o->beam_amp_fixed_set)
        fp_line(t, "setting.beam_amp_fixed", "%.17g", o->beam_amp_fixed);
    else
        fp_line(t, "setting.beam_amp_fixed", "fitted");
    if (o->u_spacecraft_set)
        fp_line(t, "setting.u_spacecraft", "%.17g", o->u_spacecraft);
    else
        fp_line(t, "setting.u_spacecraft", "estimated");
    fp_line(t, "setting.emit_u_width_qc", "%d",
            o->emit_u_width_qc && o->method == FIT_METHOD_LILLIS);
    fp_line(t, "setting.u_width_identifiable_max_v", "%.17g", o->u_width_identifiable_max_v);
    fp_line(t, "setting.polish", "%s", o->no_polish ? "off" : "on");
    fp_line(t, "setting.seed", "%llu", (unsigned long long)o->seed);
    fp_line(t, "setting.fast", "%d", o->fast);
    fp_line(t, "setting.dtype", "%s", o->fast ? fp_dtype(o->dtype) : "cpu fp64");
}

/* "input.NAME=size N, mtime T" (NAME relative to `root` when below it). */
static void fp_file(fp_text *t, const char *prefix, const char *root, const char *path)
{
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') /* "data/" and "data" name the same files */
        n--;
    const char *rel = path;
    if (n && !strncmp(path, root, n) && path[n] == '/') {
        rel = path + n + 1;
        while (*rel == '/')
            rel++;
    }
    char name[4200];
    snprintf(name, sizeof name, "%s.%s", prefix, rel);
    struct stat st;
    if (stat(path, &st) != 0)
        fp_line(t, name, "missing");
    else
        fp_line(t, name, "size %lld, mtime %lld", (long long)st.st_size, (long long)st.st_mtime);
}

lp_status batch_fingerprint_build(batch_context *ctx, lp_error *err)
{
    const batch_options *o = ctx->opt;
    fp_text t = {0};
    fp_line(&t, "version", "%s", LPMAP_VERSION);
    fp_line(&t, "source", "%s", LPMAP_SOURCE_ID);
    batch_fingerprint_settings_write(o, &t);
    char path[4200];
    snprintf(path, sizeof path, "%s/theta.tab", o->data_dir);
    fp_file(&t, "input", o->data_dir, path);
    snprintf(path, sizeof path, "%s/attitude.tab", o->data_dir);
    fp_file(&t, "input", o->data_dir, path);
    for (size_t i = 0; i < ctx->files.n; i++)
        fp_file(&t, "input", o->data_dir, ctx->files.files[i].path);
    for (size_t i = 0; i < ctx->n_kernel_files; i++) {
        snprintf(path, sizeof path, "%s/%s", ctx->kernels_dir, ctx->kernel_files[i]);
        fp_file(&t, "kernel", ctx->kernels_dir, path);
    }
    if (t.failed || !t.s) {
        free(t.s);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory for the run's fingerprint");
    }
    free(ctx->fingerprint_text);
    ctx->fingerprint_text = t.s;
    sha1_ctx h;
    unsigned char dig[20];
    sha1_init(&h);
    sha1_update(&h, t.s, t.len);
    sha1_final(&h, dig);
    sha1_hex(dig, ctx->fingerprint);
    return LP_OK;
}

lp_status batch_output_check_path(const char *path, int *exists, lp_error *err)
{
    *exists = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return LP_OK; /* nothing there yet */
    if (S_ISDIR(st.st_mode))
        return lp_error_set(err, LP_ERR_IO,
                            "output path %s is a folder; remove it or choose another --output-dir",
                            path);
    if (!S_ISREG(st.st_mode))
        return lp_error_set(err, LP_ERR_IO,
                            "output path %s exists and is not a regular file; remove it or choose "
                            "another --output-dir",
                            path);
    npz_file *f = NULL;
    lp_error e;
    lp_error_clear(&e);
    if (npz_read_open(path, &f, &e) != LP_OK)
        return lp_error_set(err, LP_ERR_IO,
                            "output path %s exists and is not an NPZ (%s); it is not replaced: "
                            "remove it or choose another --output-dir",
                            path, e.message);
    npz_read_close(f);
    *exists = 1;
    return LP_OK;
}

/* The line of `text` whose name is `name` (value into buf), or 0. */
static int fp_find(const char *text, const char *name, char *buf, size_t n)
{
    size_t nl = strlen(name);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            snprintf(buf, n, "%.*s", (int)(len - nl - 1), p + nl + 1);
            return 1;
        }
        p = eol ? eol + 1 : NULL;
    }
    return 0;
}

/* Append to `out` the items whose value differs between the two texts or
 * that only one has ("name: old → new", "absent" for a missing side), the
 * first `shown_max` of them; returns how many differ in all. */
static size_t fp_diff(const char *old_text, const char *new_text, char *out, size_t n,
                      size_t shown_max)
{
    size_t count = 0, len = strlen(out);
    /* pass 0: lines of the new text; pass 1: lines only the old text has */
    for (int pass = 0; pass < 2; pass++) {
        const char *text = pass ? old_text : new_text, *other = pass ? new_text : old_text;
        for (const char *p = text; p && *p;) {
            const char *eol = strchr(p, '\n');
            size_t l = eol ? (size_t)(eol - p) : strlen(p);
            const char *eq = memchr(p, '=', l);
            if (eq) {
                char name[1024], val[1100], oval[1100];
                snprintf(name, sizeof name, "%.*s", (int)(eq - p), p);
                snprintf(val, sizeof val, "%.*s", (int)(l - (size_t)(eq - p) - 1), eq + 1);
                int found = fp_find(other, name, oval, sizeof oval);
                if (pass == 0 ? (!found || strcmp(val, oval) != 0) : !found) {
                    if (count < shown_max && len < n) {
                        if (pass == 1)
                            len += (size_t)snprintf(out + len, n - len, "%s%s: %s → absent",
                                                    count ? "; " : "", name, val);
                        else
                            len += (size_t)snprintf(out + len, n - len, "%s%s: %s → %s",
                                                    count ? "; " : "", name,
                                                    found ? oval : "absent", val);
                    }
                    count++;
                }
            }
            p = eol ? eol + 1 : NULL;
        }
    }
    return count;
}

lp_status batch_fingerprint_compare(const batch_context *ctx, const char *path, int *same,
                                    lp_error *err)
{
    *same = 0;
    npz_file *f = NULL;
    lp_status st = npz_read_open(path, &f, err);
    if (st != LP_OK)
        return lp_error_prefix(err, "output %s: ", path);
    npz_array a = {0};
    if (!npz_read_has(f, "meta_fingerprint_text")) {
        npz_read_close(f);
        return lp_error_set(err, LP_ERR_IO,
                            "%s exists but has no fingerprint (written by an older lpmap or "
                            "another program), so lpmap cannot tell whether it matches this run; "
                            "use --overwrite to replace it",
                            path);
    }
    lp_error e;
    lp_error_clear(&e);
    if ((st = npz_read_array(f, "meta_fingerprint_text", &a, &e)) != LP_OK ||
        a.dtype != NPZ_UNICODE || a.n != 1) {
        npz_array_free(&a);
        npz_read_close(f);
        return lp_error_set(err, LP_ERR_IO,
                            "%s: meta_fingerprint_text is unreadable (%s); use --overwrite to "
                            "replace it",
                            path, e.message[0] ? e.message : "not one string");
    }
    npz_read_close(f);
    const char *old = a.data;
    if (!strcmp(old, ctx->fingerprint_text)) {
        *same = 1;
        npz_array_free(&a);
        return LP_OK;
    }
    char what[700] = "";
    size_t n = fp_diff(old, ctx->fingerprint_text, what, sizeof what, 3);
    npz_array_free(&a);
    if (n > 3)
        snprintf(what + strlen(what), sizeof what - strlen(what), "; and %zu more", n - 3);
    return lp_error_set(err, LP_ERR_IO,
                        "%s exists but was made from other inputs or settings (%s); use "
                        "--overwrite to replace it",
                        path, n ? what : "same items in another order");
}
