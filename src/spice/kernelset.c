/* The kernel set (docs/spice.md §3, §5): loads SPK, LSK and PCK files once,
 * then answers UTC→ET, position/state and frame queries without mutable
 * state, so threads may share it. Segment choice: last loaded wins;
 * states are chained through centers to a common ancestor in J2000. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "spice/daf.h"
#include "spice/frames.h"
#include "spice/lsk_pool.h"
#include "spice/spice.h"
#include "spice/spk.h"
#include "spice/textkernel.h"
#include "spice/timeconv.h"

#define MAX_CHAIN 32

typedef struct {
    daf_summary sum;
    spk_params p;
    int file;              /* index into files */
    int rotate;            /* 1 when frame is not J2000 */
    double to_j2000[3][3]; /* segment frame → J2000 */
    lp_status bad;         /* LP_OK when usable */
    char bad_msg[1400];
} segment;

typedef struct {
    char *path;
    int is_spk;
    size_t first_seg, n_seg;
} kernel_file;

struct spice_kernels {
    tk_pool pool;
    tc_leapseconds ls;
    int have_ls;
    frames_moon_model moon;
    kernel_file *files;
    size_t n_files;
    daf_file *dafs;
    size_t n_dafs;
    segment *segs;
    size_t n_segs;
};

static const struct {
    int id;
    const char *name;
} body_names[] = {{0, "SOLAR SYSTEM BARYCENTER"},
                  {1, "MERCURY BARYCENTER"},
                  {2, "VENUS BARYCENTER"},
                  {3, "EARTH-MOON BARYCENTER"},
                  {4, "MARS BARYCENTER"},
                  {5, "JUPITER BARYCENTER"},
                  {6, "SATURN BARYCENTER"},
                  {7, "URANUS BARYCENTER"},
                  {8, "NEPTUNE BARYCENTER"},
                  {9, "PLUTO BARYCENTER"},
                  {10, "SUN"},
                  {199, "MERCURY"},
                  {299, "VENUS"},
                  {301, "MOON"},
                  {399, "EARTH"},
                  {499, "MARS"},
                  {501, "IO"},
                  {502, "EUROPA"},
                  {503, "GANYMEDE"},
                  {504, "CALLISTO"},
                  {599, "JUPITER"},
                  {-25, "LUNAR PROSPECTOR"}};

static const char *body_name(int id)
{
    for (size_t i = 0; i < sizeof body_names / sizeof body_names[0]; i++)
        if (body_names[i].id == id)
            return body_names[i].name;
    return NULL;
}

static void body_label(int id, char *buf, size_t size)
{
    const char *n = body_name(id);
    if (n)
        snprintf(buf, size, "%d (%s)", id, n);
    else
        snprintf(buf, size, "%d", id);
}

int spice_frame_from_name(const char *name)
{
    static const struct {
        const char *n;
        int code;
    } t[] = {{"J2000", 1}, {"B1950", 2}, {"FK4", 3}, {"ECLIPJ2000", 17}, {"IAU_MOON", 10020}};
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcasecmp(name, t[i].n) == 0)
            return t[i].code;
    return -1;
}

const char *spice_frame_name(spice_frame f)
{
    switch (f) {
    case SPICE_FRAME_J2000: return "J2000";
    case SPICE_FRAME_B1950: return "B1950";
    case SPICE_FRAME_FK4: return "FK4";
    case SPICE_FRAME_ECLIPJ2000: return "ECLIPJ2000";
    case SPICE_FRAME_IAU_MOON: return "IAU_MOON";
    }
    return NULL;
}

void spice_free(spice_kernels *k)
{
    if (!k)
        return;
    tk_pool_free(&k->pool);
    tc_leapseconds_free(&k->ls);
    for (size_t i = 0; i < k->n_files; i++)
        free(k->files[i].path);
    free(k->files);
    for (size_t i = 0; i < k->n_dafs; i++)
        daf_close(&k->dafs[i]);
    free(k->dafs);
    free(k->segs);
    free(k);
}

static int has_suffix(const char *name, const char *suf)
{
    size_t n = strlen(name), m = strlen(suf);
    return n > m && strcasecmp(name + n - m, suf) == 0;
}

static lp_status add_spk(spice_kernels *k, const char *path, lp_error *err)
{
    daf_file f;
    lp_status st = daf_open_spk(path, &f, err);
    if (st != LP_OK)
        return st;
    daf_file *nd = realloc(k->dafs, (k->n_dafs + 1) * sizeof *nd);
    if (!nd) {
        daf_close(&f);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    k->dafs = nd;
    k->dafs[k->n_dafs++] = f;
    daf_file *df = &k->dafs[k->n_dafs - 1];
    segment *ns = realloc(k->segs, (k->n_segs + df->n_sums) * sizeof *ns);
    if (!ns && df->n_sums)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    if (ns)
        k->segs = ns;
    kernel_file *kf = &k->files[k->n_files - 1];
    kf->first_seg = k->n_segs;
    kf->n_seg = df->n_sums;
    for (size_t i = 0; i < df->n_sums; i++) {
        segment *s = &k->segs[k->n_segs++];
        memset(s, 0, sizeof *s);
        s->sum = df->sums[i];
        s->file = (int)(k->n_files - 1);
        lp_error e2;
        lp_status ps = spk_params_init(&s->p, s->sum.type, df->words + (s->sum.start - 1),
                                       (size_t)(s->sum.end - s->sum.start + 1), &e2);
        if (ps == LP_ERR_UNSUPPORTED) {
            s->bad = LP_ERR_UNSUPPORTED;
            snprintf(s->bad_msg, sizeof s->bad_msg, "%s: segment '%s' (body %d): %s", path,
                     s->sum.name, s->sum.target, e2.message);
        } else if (ps != LP_OK) {
            return lp_error_set(err, ps, "%s: segment '%s' (body %d): %s", path, s->sum.name,
                                s->sum.target, e2.message);
        }
        if (s->sum.frame != 1) {
            double m[3][3];
            if (!frames_inertial_from_j2000(s->sum.frame, m)) {
                if (!s->bad) {
                    s->bad = LP_ERR_UNSUPPORTED;
                    snprintf(s->bad_msg, sizeof s->bad_msg,
                             "%s: segment '%s' (body %d): reference frame code %d is not "
                             "supported (J2000, B1950, FK4, ECLIPJ2000 only)",
                             path, s->sum.name, s->sum.target, s->sum.frame);
                }
            } else {
                frames_transpose(m, s->to_j2000);
                s->rotate = 1;
            }
        }
        if (s->bad)
            log_debug("%s", s->bad_msg);
    }
    return LP_OK;
}

lp_status spice_load_files(const char *const *paths, size_t n, spice_kernels **out, lp_error *err)
{
    *out = NULL;
    spice_kernels *k = calloc(1, sizeof *k);
    if (!k)
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    lp_status st = LP_OK;
    k->files = calloc(n ? n : 1, sizeof *k->files);
    if (!k->files) {
        st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        kernel_file *kf = &k->files[k->n_files++];
        kf->path = strdup(paths[i]);
        if (!kf->path) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            goto fail;
        }
        /* binary DAF or text kernel: decided by the first bytes */
        char head[8] = {0};
        FILE *f = fopen(paths[i], "rb");
        if (!f) {
            st = lp_error_set(err, LP_ERR_IO, "cannot open kernel %s: %s", paths[i],
                              strerror(errno));
            goto fail;
        }
        size_t got = fread(head, 1, sizeof head, f);
        fclose(f);
        int is_daf = (got >= 4 && (memcmp(head, "DAF/", 4) == 0 || memcmp(head, "NAIF", 4) == 0)) ||
                     has_suffix(paths[i], ".bsp");
        kf->is_spk = is_daf;
        st = is_daf ? add_spk(k, paths[i], err) : tk_pool_load_file(&k->pool, paths[i], err);
        if (st != LP_OK)
            goto fail;
    }
    if (tk_pool_get(&k->pool, "DELTET/DELTA_AT")) {
        if ((st = tc_leapseconds_from_pool(&k->pool, &k->ls, err)) != LP_OK)
            goto fail;
        k->have_ls = 1;
    }
    if ((st = frames_moon_model_from_pool(&k->pool, &k->moon, err)) != LP_OK)
        goto fail;
    *out = k;
    return LP_OK;
fail:
    spice_free(k);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

lp_status spice_load_dir(const char *dir, spice_kernels **out, lp_error *err)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return lp_error_set(err, LP_ERR_IO, "cannot open kernel folder %s: %s", dir,
                            strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    lp_status st = LP_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (nm[0] == '.')
            continue;
        if (!has_suffix(nm, ".bsp") && !has_suffix(nm, ".tls") && !has_suffix(nm, ".tpc"))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
                goto done;
            }
            names = nn;
        }
        size_t len = strlen(dir) + strlen(nm) + 2;
        names[n] = malloc(len);
        if (!names[n]) {
            st = lp_error_set(err, LP_ERR_NOMEM, "out of memory");
            goto done;
        }
        snprintf(names[n], len, "%s/%s", dir, nm);
        n++;
    }
    if (n == 0) {
        st = lp_error_set(err, LP_ERR_IO, "no kernels (*.bsp, *.tls, *.tpc) in %s", dir);
        goto done;
    }
    qsort(names, n, sizeof *names, cmp_str);
    st = spice_load_files((const char *const *)names, n, out, err);
done:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

lp_status spice_utc_to_et(const spice_kernels *k, const char *utc, double *et, lp_error *err)
{
    if (!k || !k->have_ls)
        return lp_error_set(err, LP_ERR_USAGE,
                            "cannot convert UTC '%s': no leap-second kernel (.tls) loaded", utc);
    tc_calendar c;
    lp_status st = tc_parse_utc(utc, &c, err);
    if (st != LP_OK)
        return st;
    return tc_utc_to_et(&k->ls, &c, et, err);
}

/* Format et as UTC for messages (or ET only). */
static void et_label(const spice_kernels *k, double et, char *buf, size_t size)
{
    if (k->have_ls) {
        char u[64];
        tc_format_et(&k->ls, et, u, sizeof u);
        snprintf(buf, size, "ET %.3f (UTC %s)", et, u);
    } else
        snprintf(buf, size, "ET %.3f", et);
}

static const segment *find_segment(const spice_kernels *k, int body, double et)
{
    for (size_t i = k->n_segs; i-- > 0;) {
        const segment *s = &k->segs[i];
        if (s->sum.target == body && et >= s->sum.et0 && et <= s->sum.et1)
            return s;
    }
    return NULL;
}

/* State of `body` relative to its segment's center in J2000 (taken from
 * the epoch's memo when it has it; e may be NULL). */
static lp_status segment_state(const spice_kernels *k, const segment *s, double et, double st[6],
                               spice_epoch *e, lp_error *err)
{
    if (s->bad)
        return lp_error_set(err, s->bad, "%s", s->bad_msg);
    (void)k;
    if (e)
        for (int i = 0; i < e->n_segs; i++)
            if (e->seg[i] == s) {
                memcpy(st, e->state[i], 6 * sizeof(double));
                return LP_OK;
            }
    spk_eval(&s->p, et, st);
    if (s->rotate) {
        frames_mxv(s->to_j2000, st, st);
        frames_mxv(s->to_j2000, st + 3, st + 3);
    }
    if (e && e->n_segs < SPICE_EPOCH_SEGS) {
        e->seg[e->n_segs] = s;
        memcpy(e->state[e->n_segs], st, 6 * sizeof(double));
        e->n_segs++;
    }
    return LP_OK;
}

static lp_status coverage_error(const spice_kernels *k, int body, int target, int observer,
                                double et, lp_error *err)
{
    char b[64], t[64], o[64], when[128];
    body_label(body, b, sizeof b);
    body_label(target, t, sizeof t);
    body_label(observer, o, sizeof o);
    et_label(k, et, when, sizeof when);
    return lp_error_set(err, LP_ERR_COVERAGE,
                        "no ephemeris for body %s at %s (needed for %s relative to %s)", b, when, t,
                        o);
}

static lp_status state_j2000(const spice_kernels *k, int target, int observer, double et,
                             double out[6], spice_epoch *e, lp_error *err)
{
    int tb[MAX_CHAIN];
    double ts[MAX_CHAIN][6];
    int nt = 1;
    lp_status st;
    tb[0] = target;
    memset(ts[0], 0, sizeof ts[0]);
    /* target chain, stopping early at the observer */
    while (tb[nt - 1] != observer && nt < MAX_CHAIN) {
        const segment *s = find_segment(k, tb[nt - 1], et);
        if (!s)
            break;
        double ds[6];
        if ((st = segment_state(k, s, et, ds, e, err)) != LP_OK)
            return st;
        for (int i = 0; i < 6; i++)
            ts[nt][i] = ts[nt - 1][i] + ds[i];
        tb[nt] = s->sum.center;
        nt++;
    }
    /* observer chain until it meets the target chain */
    int ob = observer;
    double os[6] = {0, 0, 0, 0, 0, 0};
    for (int depth = 0; depth < MAX_CHAIN; depth++) {
        for (int j = 0; j < nt; j++)
            if (tb[j] == ob) {
                for (int i = 0; i < 6; i++)
                    out[i] = ts[j][i] - os[i];
                return LP_OK;
            }
        const segment *s = find_segment(k, ob, et);
        if (!s)
            break;
        double ds[6];
        if ((st = segment_state(k, s, et, ds, e, err)) != LP_OK)
            return st;
        for (int i = 0; i < 6; i++)
            os[i] += ds[i];
        ob = s->sum.center;
    }
    int missing = tb[nt - 1] != 0 ? tb[nt - 1] : ob;
    return coverage_error(k, missing, target, observer, et, err);
}

/* Rotation J2000 → frame at et (IAU_MOON from the epoch's memo when it has
 * it; e may be NULL). */
static lp_status from_j2000(const spice_kernels *k, int frame, double et, double m[3][3],
                            spice_epoch *e, lp_error *err)
{
    if (frame == SPICE_FRAME_IAU_MOON) {
        if (!k->moon.loaded)
            return lp_error_set(err, LP_ERR_USAGE,
                                "frame IAU_MOON needs a PCK (.tpc) with BODY301_POLE_RA/DEC/PM");
        if (e && e->have_moon) {
            memcpy(m, e->moon, sizeof e->moon);
            return LP_OK;
        }
        frames_moon_from_j2000(&k->moon, et, m);
        if (e) {
            memcpy(e->moon, m, sizeof e->moon);
            e->have_moon = 1;
        }
        return LP_OK;
    }
    if (!frames_inertial_from_j2000(frame, m))
        return lp_error_set(err, LP_ERR_USAGE, "unknown frame code %d", frame);
    return LP_OK;
}

void spice_epoch_init(spice_epoch *e, double et)
{
    e->et = et;
    e->n_segs = 0;
    e->have_moon = 0;
}

lp_status spice_epoch_xform(const spice_kernels *k, spice_epoch *e, spice_frame from,
                            spice_frame to, double m[3][3], lp_error *err)
{
    double a[3][3], b[3][3];
    lp_status st;
    if ((st = from_j2000(k, from, e->et, a, e, err)) != LP_OK ||
        (st = from_j2000(k, to, e->et, b, e, err)) != LP_OK)
        return st;
    /* to ← J2000 ← from : B · Aᵀ */
    double at[3][3];
    frames_transpose(a, at);
    frames_mxm(b, at, m);
    return LP_OK;
}

lp_status spice_epoch_pos(const spice_kernels *k, spice_epoch *e, int target, int observer,
                          spice_frame frame, double out_km[3], lp_error *err)
{
    double s[6];
    lp_status st = state_j2000(k, target, observer, e->et, s, e, err);
    if (st != LP_OK)
        return st;
    if (frame == SPICE_FRAME_J2000) {
        memcpy(out_km, s, 3 * sizeof(double));
        return LP_OK;
    }
    double m[3][3];
    if ((st = from_j2000(k, frame, e->et, m, e, err)) != LP_OK)
        return st;
    frames_mxv(m, s, out_km);
    return LP_OK;
}

/* Single queries: an epoch of their own (the same arithmetic). */
lp_status spice_xform(const spice_kernels *k, spice_frame from, spice_frame to, double et,
                      double m[3][3], lp_error *err)
{
    spice_epoch e;
    spice_epoch_init(&e, et);
    return spice_epoch_xform(k, &e, from, to, m, err);
}

lp_status spice_pos(const spice_kernels *k, int target, int observer, spice_frame frame, double et,
                    double out_km[3], lp_error *err)
{
    spice_epoch e;
    spice_epoch_init(&e, et);
    return spice_epoch_pos(k, &e, target, observer, frame, out_km, err);
}

lp_status spice_state(const spice_kernels *k, int target, int observer, spice_frame frame,
                      double et, double out[6], lp_error *err)
{
    double s[6];
    lp_status st = state_j2000(k, target, observer, et, s, NULL, err);
    if (st != LP_OK)
        return st;
    if (frame == SPICE_FRAME_J2000) {
        memcpy(out, s, sizeof s);
        return LP_OK;
    }
    double m[3][3];
    if ((st = from_j2000(k, frame, et, m, NULL, err)) != LP_OK)
        return st;
    double r[3], v[3];
    frames_mxv(m, s, r);
    frames_mxv(m, s + 3, v);
    if (frame == SPICE_FRAME_IAU_MOON) {
        /* rotating frame: v' = M v + dM/dt r (central difference, h = 1 s) */
        double mp[3][3], mm[3][3], dr[3];
        frames_moon_from_j2000(&k->moon, et + 1.0, mp);
        frames_moon_from_j2000(&k->moon, et - 1.0, mm);
        for (int i = 0; i < 3; i++) {
            dr[i] = 0.0;
            for (int j = 0; j < 3; j++)
                dr[i] += 0.5 * (mp[i][j] - mm[i][j]) * s[j];
            v[i] += dr[i];
        }
    }
    memcpy(out, r, sizeof r);
    memcpy(out + 3, v, sizeof v);
    return LP_OK;
}

/* Growing text buffer for spice_describe. */
typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} text_buf;

static void tb_printf(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void tb_printf(text_buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int need = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (need < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->n + (size_t)need < b->cap) {
            b->n += (size_t)need;
            return;
        }
        size_t cap = (b->cap ? b->cap : 1024);
        while (cap < b->n + (size_t)need + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
}

lp_status spice_describe(const spice_kernels *k, char **text_out, lp_error *err)
{
    text_buf b = {0};
    *text_out = NULL;
    for (size_t i = 0; i < k->n_files; i++) {
        const kernel_file *kf = &k->files[i];
        if (kf->is_spk)
            tb_printf(&b, "%s: SPK, %zu segment%s\n", kf->path, kf->n_seg,
                      kf->n_seg == 1 ? "" : "s");
        else
            tb_printf(&b, "%s: text kernel\n", kf->path);
        for (size_t j = 0; j < kf->n_seg; j++) {
            const segment *s = &k->segs[kf->first_seg + j];
            char tb[64], cb[64], u0[64], u1[64];
            body_label(s->sum.target, tb, sizeof tb);
            body_label(s->sum.center, cb, sizeof cb);
            tc_format_et(k->have_ls ? &k->ls : NULL, s->sum.et0, u0, sizeof u0);
            tc_format_et(k->have_ls ? &k->ls : NULL, s->sum.et1, u1, sizeof u1);
            const char *fn = spice_frame_name((spice_frame)s->sum.frame);
            char fbuf[32];
            if (!fn) {
                snprintf(fbuf, sizeof fbuf, "frame %d", s->sum.frame);
                fn = fbuf;
            }
            tb_printf(&b, "  body %s center %s %s type %d %s .. %s '%s'%s\n", tb, cb, fn,
                      s->sum.type, u0, u1, s->sum.name, s->bad ? " (unsupported)" : "");
        }
    }
    tb_printf(&b, "leap seconds: %s\n",
              k->have_ls ? "loaded" : "none (UTC conversion unavailable)");
    if (k->have_ls)
        tb_printf(&b, "  %d DELTA_AT entries, last %.0f s\n", k->ls.n, k->ls.dat[k->ls.n - 1]);
    tb_printf(&b, "IAU_MOON: %s\n",
              k->moon.loaded ? "available (BODY301 from PCK)" : "unavailable (no PCK)");
    if (b.oom) {
        free(b.s);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    if (!b.s) {
        b.s = strdup("");
        if (!b.s)
            return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    *text_out = b.s;
    return LP_OK;
}

int spice_body_from_name(const char *name, int *id)
{
    static const struct {
        const char *n;
        int id;
    } alias[] = {{"SSB", 0}, {"EMB", 3}, {"EARTH BARYCENTER", 3}, {"LP", -25}};
    if (!name || !*name)
        return -1;
    char *end;
    long v = strtol(name, &end, 10);
    if (*end == '\0' && v > -2147483647L && v < 2147483647L) {
        *id = (int)v;
        return 0;
    }
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcasecmp(name, alias[i].n) == 0) {
            *id = alias[i].id;
            return 0;
        }
    for (size_t i = 0; i < sizeof body_names / sizeof body_names[0]; i++)
        if (strcasecmp(name, body_names[i].name) == 0) {
            *id = body_names[i].id;
            return 0;
        }
    return -1;
}

lp_status spice_body_coverage(const spice_kernels *k, int body, double *et0, double *et1,
                              lp_error *err)
{
    int found = 0;
    double a = 0, b = 0;
    for (size_t i = 0; i < k->n_segs; i++) {
        const segment *s = &k->segs[i];
        if (s->sum.target != body)
            continue;
        if (!found || s->sum.et0 < a)
            a = s->sum.et0;
        if (!found || s->sum.et1 > b)
            b = s->sum.et1;
        found = 1;
    }
    if (!found) {
        char bl[64];
        body_label(body, bl, sizeof bl);
        return lp_error_set(err, LP_ERR_COVERAGE, "no ephemeris for body %s in any loaded SPK", bl);
    }
    *et0 = a;
    *et1 = b;
    return LP_OK;
}

void spice_et_to_utc(const spice_kernels *k, double et, char *buf, size_t size)
{
    tc_format_et(k && k->have_ls ? &k->ls : NULL, et, buf, size);
}
