/* Writing table rows in the PDS ER text format (see er_tab.h
 * er_table_write): used by the simulator and `bench parse`. */
#include "io/er_tab.h"

#include <errno.h>
#include <math.h>
#include <string.h>

lp_status er_table_write(FILE *f, const er_table *t, size_t first_row, size_t n_rows, lp_error *err)
{
    if (first_row > t->n_rows || n_rows > t->n_rows - first_row)
        return lp_error_set(err, LP_ERR_USAGE, "er_table_write: rows out of range");
    char line[8192];
    for (size_t r = first_row; r < first_row + n_rows; r++) {
        int n = snprintf(line, sizeof line, "%s %s %.2f %lld %.4f %.4f %.4f", t->utc[r],
                         t->time_text[r], t->energy[r], (long long)t->spec_no[r], t->mag[r][0],
                         t->mag[r][1], t->mag[r][2]);
        for (int c = 0; c < LP_N_CHANNELS && n > 0 && (size_t)n < sizeof line; c++) {
            double v = t->flux[r][c];
            n += snprintf(line + n, sizeof line - (size_t)n, isfinite(v) ? " %.4E" : " 9.999E-99",
                          v);
        }
        for (int c = 0; c < LP_N_CHANNELS && n > 0 && (size_t)n < sizeof line; c++) {
            double v = t->phi[r][c];
            n += snprintf(line + n, sizeof line - (size_t)n, isfinite(v) ? " %.2f" : " 999.99", v);
        }
        if (n <= 0 || (size_t)n >= sizeof line - 2)
            return lp_error_set(err, LP_ERR_RANGE, "row %zu does not fit a line", r);
        line[n++] = '\n';
        if (fwrite(line, 1, (size_t)n, f) != (size_t)n)
            return lp_error_set(err, LP_ERR_IO, "write failed: %s", strerror(errno));
    }
    return LP_OK;
}
