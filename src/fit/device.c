/* The CPU entry of the device list (see device.h). */
#include "fit/device.h"

#include <string.h>

#include <omp.h>

void fit_device_cpu(fit_device *out)
{
    memset(out, 0, sizeof *out);
    out->kind = FIT_DEVICE_CPU;
    strcpy(out->name, "cpu");
    out->threads = omp_get_max_threads();
}
