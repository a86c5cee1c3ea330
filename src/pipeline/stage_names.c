/* Names of the batch stages (meta_seconds_<name> keys and the summary).
 * A file of its own so that output.c uses them without calling into
 * batch.c, the driver that calls output.c. */
#include "pipeline/stages.h"

const char *batch_stage_name(batch_stage s)
{
    static const char *const names[STAGE_COUNT] = {
        "setup",   "ingest",       "time",    "geometry", "spacecraft_potential",
        "prepare", "losscone_fit", "results", "output"};
    return (unsigned)s < STAGE_COUNT ? names[s] : "?";
}
