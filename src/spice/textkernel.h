/* Text kernel pool (docs/spice.md §1): parses the \begindata sections of LSK and
 * PCK files into named numeric or string arrays; later assignments replace
 * earlier ones, `+=` appends. */
#ifndef LPMAP_SPICE_TEXTKERNEL_H
#define LPMAP_SPICE_TEXTKERNEL_H

#include <stddef.h>

#include "core/status.h"

typedef struct {
    char *name;
    int is_string; /* 1: strs holds the values; 0: nums */
    double *nums;
    char **strs;
    size_t n, cap;
} tk_var;

typedef struct {
    tk_var *vars;
    size_t n, cap;
} tk_pool;

/* Parse text (label names the source in messages) into the pool. */
lp_status tk_pool_load_text(tk_pool *pool, const char *text, const char *label, lp_error *err);
lp_status tk_pool_load_file(tk_pool *pool, const char *path, lp_error *err);
/* The variable or NULL. */
const tk_var *tk_pool_get(const tk_pool *pool, const char *name);
/* Numeric variable with exactly/at least `min_n` values, else NULL. */
const tk_var *tk_pool_get_nums(const tk_pool *pool, const char *name, size_t min_n);
void tk_pool_free(tk_pool *pool);

#endif
