/* Leap-second model from a text-kernel pool (see lsk_pool.h). */
#include "spice/lsk_pool.h"

#include <stdlib.h>
#include <string.h>

lp_status tc_leapseconds_from_pool(const tk_pool *pool, tc_leapseconds *out, lp_error *err)
{
    memset(out, 0, sizeof *out);
    const tk_var *a = tk_pool_get_nums(pool, "DELTET/DELTA_T_A", 1);
    const tk_var *k = tk_pool_get_nums(pool, "DELTET/K", 1);
    const tk_var *eb = tk_pool_get_nums(pool, "DELTET/EB", 1);
    const tk_var *m = tk_pool_get_nums(pool, "DELTET/M", 2);
    const tk_var *d = tk_pool_get_nums(pool, "DELTET/DELTA_AT", 2);
    if (!a || !k || !eb || !m || !d)
        return lp_error_set(err, LP_ERR_FORMAT,
                            "no leap-second kernel loaded (DELTET/DELTA_T_A, K, EB, M, DELTA_AT "
                            "missing)");
    if (d->n % 2)
        return lp_error_set(err, LP_ERR_FORMAT, "DELTET/DELTA_AT has an odd number of values");
    out->delta_t_a = a->nums[0];
    out->k = k->nums[0];
    out->eb = eb->nums[0];
    out->m0 = m->nums[0];
    out->m1 = m->nums[1];
    out->n = (int)(d->n / 2);
    out->dat = malloc(out->n * sizeof(double));
    out->dat_secs = malloc(out->n * sizeof(double));
    if (!out->dat || !out->dat_secs) {
        tc_leapseconds_free(out);
        return lp_error_set(err, LP_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < out->n; i++) {
        out->dat[i] = d->nums[2 * i];
        out->dat_secs[i] = d->nums[2 * i + 1];
        if (i > 0 && !(out->dat_secs[i] > out->dat_secs[i - 1])) {
            tc_leapseconds_free(out);
            return lp_error_set(err, LP_ERR_FORMAT, "DELTET/DELTA_AT dates are not increasing");
        }
    }
    return LP_OK;
}
