/* Standard leap-second kernel text (docs/spice.md §2): the values of NAIF's
 * naif0012.tls (DELTA_T_A, K, EB, M and the ΔAT table through 2017). */
#include "spice/lsk_standard.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char lsk_text[] =
    "KPL/LSK\n"
    "\n"
    "Leap-second kernel written by lpmap (same values as NAIF's naif0012.tls).\n"
    "\n"
    "\\begindata\n"
    "\n"
    "DELTET/DELTA_T_A       =   32.184\n"
    "DELTET/K               =    1.657D-3\n"
    "DELTET/EB              =    1.671D-2\n"
    "DELTET/M               = (  6.239996D0   1.99096871D-7 )\n"
    "\n"
    "DELTET/DELTA_AT        = ( 10,   @1972-JAN-1\n"
    "                           11,   @1972-JUL-1\n"
    "                           12,   @1973-JAN-1\n"
    "                           13,   @1974-JAN-1\n"
    "                           14,   @1975-JAN-1\n"
    "                           15,   @1976-JAN-1\n"
    "                           16,   @1977-JAN-1\n"
    "                           17,   @1978-JAN-1\n"
    "                           18,   @1979-JAN-1\n"
    "                           19,   @1980-JAN-1\n"
    "                           20,   @1981-JUL-1\n"
    "                           21,   @1982-JUL-1\n"
    "                           22,   @1983-JUL-1\n"
    "                           23,   @1985-JUL-1\n"
    "                           24,   @1988-JAN-1\n"
    "                           25,   @1990-JAN-1\n"
    "                           26,   @1991-JAN-1\n"
    "                           27,   @1992-JUL-1\n"
    "                           28,   @1993-JUL-1\n"
    "                           29,   @1994-JUL-1\n"
    "                           30,   @1996-JAN-1\n"
    "                           31,   @1997-JUL-1\n"
    "                           32,   @1999-JAN-1\n"
    "                           33,   @2006-JAN-1\n"
    "                           34,   @2009-JAN-1\n"
    "                           35,   @2012-JUL-1\n"
    "                           36,   @2015-JUL-1\n"
    "                           37,   @2017-JAN-1 )\n"
    "\n"
    "\\begintext\n";

const char *spice_standard_lsk_text(void)
{
    return lsk_text;
}

lp_status spice_write_standard_lsk(const char *path, lp_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return lp_error_set(err, LP_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    size_t n = sizeof lsk_text - 1;
    int bad = fwrite(lsk_text, 1, n, f) != n;
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        remove(path);
        return lp_error_set(err, LP_ERR_IO, "cannot write %s", path);
    }
    return LP_OK;
}
