/* lpmap.h — the public C API of liblpmap (docs/library.md).
 *
 * Read Lunar Prospector ER sweeps, estimate the spacecraft potential U_sc
 * and fit the magnetic loss cone of each sweep, on the CPU or a GPU, and
 * read/write NumPy .npz files. Everything else in lpmap is internal: the
 * library exports only the lpmap_* names declared here.
 *
 * Conventions
 * - Handles are opaque; each *_create / *_read / *_open has its *_free or
 *   *_close, which accept NULL.
 * - Functions return an lpmap_status; on failure lpmap_last_error() gives a
 *   one-line message (kept per thread until the next failing call).
 * - The library never prints (unless lpmap_log_set_verbose(1)) and never
 *   exits. Outputs are written to a temporary file and renamed into place.
 * - Arrays are C-ordered doubles; a sweep has at most LPMAP_N_ENERGIES
 *   energy rows of LPMAP_N_CHANNELS channels, padded with NaN.
 * - Results depend only on (settings, sweep), never on threads, device or
 *   how calls are split: the random stream of a sweep is keyed by the seed
 *   and, with the default physics, the sweep itself (the time of its first
 *   row to the ms; a sweep without a time: its index in the set), as
 *   `lpmap batch` keys it; with the reference physics
 *   by its index in the set, which is the global sweep index `lpmap batch`
 *   uses for the same files.
 */
#ifndef LPMAP_H
#define LPMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LPMAP_BUILDING_LIBRARY) && defined(__GNUC__)
#define LPMAP_API __attribute__((visibility("default")))
#else
#define LPMAP_API
#endif

#define LPMAP_N_ENERGIES 15 /* energy rows fitted per sweep */
#define LPMAP_N_CHANNELS 88 /* look directions (channels) per row */

/* ---- Status, errors, version ------------------------------------------ */

typedef enum {
    LPMAP_OK = 0,
    LPMAP_ERR_IO,       /* cannot open/read/write a file */
    LPMAP_ERR_FORMAT,   /* malformed input (the message names file, line, field) */
    LPMAP_ERR_RANGE,    /* a value or index outside what is allowed */
    LPMAP_ERR_NOMEM,    /* out of memory */
    LPMAP_ERR_USAGE,    /* bad arguments from the caller */
    LPMAP_ERR_COVERAGE, /* no ephemeris/attitude for a time */
    LPMAP_ERR_UNSUPPORTED,
    LPMAP_ERR_CANCELLED,
    LPMAP_ERR_DEVICE /* GPU requested but unusable, or a GPU runtime failure */
} lpmap_status;

/* "0.1.0" */
LPMAP_API const char *lpmap_version_string(void);
/* Short name of a status ("ok", "io", "format", ...). */
LPMAP_API const char *lpmap_status_string(lpmap_status status);
/* Message of the last failing call on this thread ("" when none). */
LPMAP_API const char *lpmap_last_error(void);
/* 1: log progress and warnings to stderr as the CLI does; 0 (default): silent. */
LPMAP_API void lpmap_log_set_verbose(int verbose);
/* Free memory the library allocated for the caller (lpmap_npz_read_f64). */
LPMAP_API void lpmap_free(void *p);

/* ---- Sweeps: ER files read into memory -------------------------------- */

typedef struct lpmap_sweeps lpmap_sweeps;

/* Read ER 3-D flux tables (3DYYMMDD.TAB) in the given order and the
 * instrument's channel elevations (theta.tab), clean them as `lpmap batch`
 * does (bad sweeps skipped, fill values NaN) and index the sweeps. spec_no
 * are offset per file as in a batch run so they stay unique. strict=1 makes
 * a malformed line an error instead of skipping its sweep. */
LPMAP_API lpmap_status lpmap_sweeps_read(const char *const *paths, size_t n_paths,
                                         const char *theta_path, int strict, lpmap_sweeps **out);
/* A sweep set from the caller's arrays (data of your own, or edited): n
 * sweeps of n_rows[k] (1..LPMAP_N_ENERGIES) energy rows each, in the
 * layouts of lpmap_sweeps_copy: energy [n][15], mag [n][15][3], flux and
 * phi [n][15][88] (rows past n_rows[k] are ignored; NaN marks a fill
 * value), time [n] (may be NULL: NaN), and the 88 channel elevations of
 * theta.tab (validated as lpmap_sweeps_read does). spec_no become 1..n.
 * No cleaning is applied: the arrays are used as given. */
LPMAP_API lpmap_status lpmap_sweeps_create(size_t n, const int32_t *n_rows, const double *time,
                                           const double *energy, const double *mag,
                                           const double *flux, const double *phi,
                                           const double *theta_deg, lpmap_sweeps **out);
LPMAP_API void lpmap_sweeps_free(lpmap_sweeps *sweeps);
LPMAP_API size_t lpmap_sweeps_count(const lpmap_sweeps *sweeps);

/* Per-sweep arrays, copied into caller memory of the size given. */
typedef enum {
    LPMAP_FIELD_TIME,    /* [n] Unix time of the sweep's first row, s */
    LPMAP_FIELD_SPEC_NO, /* [n] sweep number after the per-file offset (exact as double) */
    LPMAP_FIELD_N_ROWS,  /* [n] energy rows used (<= LPMAP_N_ENERGIES) */
    LPMAP_FIELD_ENERGY,  /* [n][15] eV */
    LPMAP_FIELD_MAG,     /* [n][15][3] magnetic field, nT, spacecraft frame */
    LPMAP_FIELD_FLUX,    /* [n][15][88] #/(cm^2 s sr eV) */
    LPMAP_FIELD_PHI      /* [n][15][88] channel azimuth, deg */
} lpmap_field;

/* Copy `field` of sweeps [first, first+n) into out (NaN where a sweep has
 * fewer rows). LPMAP_ERR_RANGE when the range is outside the set. */
LPMAP_API lpmap_status lpmap_sweeps_copy(const lpmap_sweeps *sweeps, lpmap_field field,
                                         size_t first, size_t n, double *out);

/* ---- Session: a fitting backend with its settings --------------------- */

typedef enum {
    LPMAP_DEVICE_CPU = 0,
    LPMAP_DEVICE_GPU = 1, /* a CUDA device, or LPMAP_ERR_DEVICE (never falls back) */
    LPMAP_DEVICE_AUTO = 2 /* the GPU when usable, else the CPU (same results) */
} lpmap_device;

/* One device a session can fit on. */
typedef struct {
    int64_t kind;  /* LPMAP_DEVICE_CPU or LPMAP_DEVICE_GPU */
    int64_t index; /* CUDA ordinal (gpu_index) of a GPU; 0 for the CPU */
    char name[256];
    int64_t threads;             /* CPU: OpenMP threads; GPU: 0 */
    int64_t total_mem, free_mem; /* GPU memory, bytes */
    int64_t cc_major, cc_minor;  /* GPU compute capability */
} lpmap_device_info;

/* The devices: the CPU first, then each usable CUDA device. Fills
 * out[0 .. min(cap, *n)) and sets *n to how many there are (call with
 * cap 0 to count). No GPU is not an error (a CPU-only build lists the CPU). */
LPMAP_API lpmap_status lpmap_devices_list(lpmap_device_info *out, size_t cap, size_t *n);

typedef enum { LPMAP_METHOD_HALEKAS = 0, LPMAP_METHOD_LILLIS = 1 } lpmap_method;
typedef enum { LPMAP_PHYSICS_CONSISTENT = 0, LPMAP_PHYSICS_REFERENCE = 1 } lpmap_physics;

typedef struct {
    lpmap_device device; /* LPMAP_DEVICE_CPU */
    int gpu_index;       /* CUDA device for GPU/AUTO: 0 */
    int threads;         /* CPU threads: 0 = all cores */
    uint64_t seed;       /* 42, as `lpmap batch` */
    lpmap_method method; /* LPMAP_METHOD_HALEKAS */
    int polish;          /* 1: line-search polish after the loss-cone DE (batch default) */
    int normalization;   /* 0: ratio (default), 1: ratio2 */
    int incident;        /* 0: incident mean (default), 1: incident max */
    int physics;         /* LPMAP_PHYSICS_CONSISTENT (default, as `lpmap batch`) or _REFERENCE
                            (docs/physics-modes.md) */
} lpmap_settings;

/* The defaults of `lpmap batch`. */
LPMAP_API void lpmap_settings_init(lpmap_settings *settings);

typedef struct lpmap_session lpmap_session;

/* LPMAP_ERR_USAGE for settings out of range; LPMAP_ERR_DEVICE when
 * LPMAP_DEVICE_GPU is asked for and no GPU is usable. */
LPMAP_API lpmap_status lpmap_session_create(const lpmap_settings *settings, lpmap_session **out);
LPMAP_API void lpmap_session_free(lpmap_session *session);
/* "cpu" or the GPU's name. */
LPMAP_API const char *lpmap_session_device_name(const lpmap_session *session);

/* U_sc of one sweep, with the session's physics (docs/physics-modes.md):
 * consistent (Poisson fit of the counts mapped through U_sc, self-consistent
 * charging, a 1-sigma) or reference (kappa fit, then the sunlit J-U inversion
 * or the shadowed current balance; sigma NaN). The API has no footpoint
 * geometry, so in consistent mode every channel counts as seeing the ambient
 * plasma (`lpmap batch` keeps those with pitch < 90 deg about the footpoint
 * field direction); its U_sc can then differ from the batch's. */
typedef struct {
    double u_sc;    /* V; NaN when not estimated */
    double te_ev;   /* electron temperature of the kappa fit, eV */
    double density; /* m^-3 */
    double kappa;
    int64_t status;    /* 0 ok, 1 bad kappa fit, 2 no root, 3 illumination unknown,
                          4 too few counts (consistent) */
    double u_sc_sigma; /* 1-sigma of u_sc, V (consistent); NaN in reference */
} lpmap_usc_result;

/* Estimate U_sc for sweeps [first, first+n). sunlit[k] is the spacecraft
 * illumination of sweep first+k (1 sunlit, 0 shadowed, -1 unknown: U_sc
 * NaN), which `lpmap batch` computes from SPICE geometry. */
LPMAP_API lpmap_status lpmap_session_estimate_usc(lpmap_session *session,
                                                  const lpmap_sweeps *sweeps, size_t first,
                                                  size_t n, const int8_t *sunlit,
                                                  lpmap_usc_result *out);

/* Loss-cone fit of one sweep. */
typedef struct {
    double u_surface;  /* surface potential, V */
    double bs_over_bm; /* B_surface / B_spacecraft */
    double beam_amp;
    double chi2;
    double u_width;         /* U-width QC (NaN unless the lillis QC ran) */
    int64_t generations;    /* DE generations used */
    int64_t status;         /* 0 not fitted, 1 fitted, 2 invalid (lillis chi2) */
    int64_t u_identifiable; /* u_width within the identifiable limit */
    double u_surface_sigma; /* 1-sigma of u_surface, V, incl. u_sc_sigma's part (consistent
                               physics); NaN in reference or without a fit */
} lpmap_losscone_result;

/* Fit the loss cone of sweeps [first, first+n) given their U_sc (u_sc[k],
 * NaN: not fitted) and its 1-sigma (u_sc_sigma[k]; NULL or NaN: U_sc taken
 * as exact). Pitch angles use b = -B/|B| for every row (`lpmap batch` uses
 * the footpoint polarity from SPICE geometry where it has it). As `lpmap
 * batch`: with the consistent physics u_surface is the mean of the fit's
 * profile likelihood and u_surface_sigma its spread (docs/physics-modes.md
 * step 7); with the reference physics u_surface is the best fit's. */
LPMAP_API lpmap_status lpmap_session_fit_losscone(lpmap_session *session,
                                                  const lpmap_sweeps *sweeps, size_t first,
                                                  size_t n, const double *u_sc,
                                                  const double *u_sc_sigma,
                                                  lpmap_losscone_result *out);

/* ---- NPZ files (numpy.load reads them with allow_pickle=False) -------- */

typedef struct lpmap_npz_writer lpmap_npz_writer;

/* Start writing `path` (a temporary file until commit). LPMAP_ERR_IO when
 * it exists and overwrite is 0. */
LPMAP_API lpmap_status lpmap_npz_writer_open(const char *path, int overwrite,
                                             lpmap_npz_writer **out);
/* Add a 1-d array `name` of n values. */
LPMAP_API lpmap_status lpmap_npz_writer_add_f64(lpmap_npz_writer *w, const char *name,
                                                const double *values, size_t n);
LPMAP_API lpmap_status lpmap_npz_writer_add_i64(lpmap_npz_writer *w, const char *name,
                                                const int64_t *values, size_t n);
/* Finish and rename into place; frees w (also on failure). */
LPMAP_API lpmap_status lpmap_npz_writer_commit(lpmap_npz_writer *w);
/* Drop the temporary file; frees w. */
LPMAP_API void lpmap_npz_writer_abort(lpmap_npz_writer *w);

typedef struct lpmap_npz lpmap_npz;

LPMAP_API lpmap_status lpmap_npz_open(const char *path, lpmap_npz **out);
LPMAP_API void lpmap_npz_close(lpmap_npz *f);
LPMAP_API size_t lpmap_npz_count(const lpmap_npz *f);
/* Key of entry i (the member name without ".npy"); NULL when i is out of range. */
LPMAP_API const char *lpmap_npz_key(const lpmap_npz *f, size_t i);
/* Shape of array `key`: *ndim (0 for a scalar) and shape[0..ndim-1]
 * (shape has room for 8). */
LPMAP_API lpmap_status lpmap_npz_shape(lpmap_npz *f, const char *key, int *ndim, size_t shape[8]);
/* Array `key` as *n doubles (float64, int64, int8 and bool converted;
 * strings refused), malloc'd into *values; free with lpmap_free. */
LPMAP_API lpmap_status lpmap_npz_read_f64(lpmap_npz *f, const char *key, double **values,
                                          size_t *n);

#ifdef __cplusplus
}
#endif

#endif
