/* Parsing one line of an ER TAB file into a row (er_line.c); used by the
 * reader (er_tab.c). Internal to the io layer. */
#ifndef LPMAP_IO_ER_LINE_H
#define LPMAP_IO_ER_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "io/er_tab.h"

/* Parse [line, end) into row r of t (capacity reserved); *fills counts the
 * fill values turned into NaN. Returns 0, or -1 with a reason in why (and
 * *spec_known / *spec set when field 4 parsed). */
int er_line_parse(const char *line, const char *end, er_table *t, size_t r, size_t *fills,
                  char *why, size_t why_n, int *spec_known, int64_t *spec);

#endif
