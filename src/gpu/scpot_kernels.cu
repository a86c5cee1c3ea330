/* The consistent spacecraft-potential estimator on a device (issue #15,
 * docs/physics-modes.md): one thread per sweep runs scb_estimate, the same
 * header-only body (fit/scpot_body.h) the CPU runs per sweep, in fp64. A
 * sweep is a few hundred small fits with no shared state, so a thread per
 * sweep (not a block) is the natural grain; the host copies the prepared
 * sweeps in chunks and the results back. */
#include <cuda_runtime.h>

#include <stdlib.h>
#include <string.h>

extern "C" {
#include "core/status.h"
#include "fit/scpot_body.h"
}

#include "gpu/gpu_internal.h"

#define SCB_THREADS 64
#define SCB_CHUNK (1 << 15) /* sweeps per transfer (~80 MB of input) */

namespace
{

__global__ void scb_kernel(const scb_sweep *in, scb_config c, scb_result *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        scb_estimate(&in[i], &c, &out[i]);
}

lp_status scb_fail(gpu_state *st, lp_error *err, const char *what, cudaError_t rc)
{
    st->broken = 1;
    cudaGetLastError();
    return lp_error_set(err, LP_ERR_DEVICE, "CUDA error in %s: %s", what, cudaGetErrorString(rc));
}

} // namespace

lp_status gpu_scpot_run(gpu_state *st, const scb_config *c, const scb_sweep *sweeps, size_t n,
                        scb_result *out, lp_error *err)
{
    if (n == 0)
        return LP_OK;
    size_t chunk = n < SCB_CHUNK ? n : SCB_CHUNK;
    scb_sweep *d_in = NULL;
    scb_result *d_out = NULL;
    cudaError_t rc;
    /* halve the chunk while the buffers do not fit */
    for (;;) {
        rc = cudaMalloc((void **)&d_in, chunk * sizeof *d_in);
        if (rc == cudaSuccess) {
            rc = cudaMalloc((void **)&d_out, chunk * sizeof *d_out);
            if (rc == cudaSuccess)
                break;
            cudaFree(d_in);
            d_in = NULL;
        }
        cudaGetLastError();
        if (rc != cudaErrorMemoryAllocation)
            return scb_fail(st, err, "allocating GPU buffers", rc);
        if (chunk == 1)
            return lp_error_set(err, LP_ERR_NOMEM, "no GPU memory for one sweep");
        chunk /= 2;
    }
    lp_status status = LP_OK;
    for (size_t off = 0; off < n && status == LP_OK; off += chunk) {
        size_t m = n - off < chunk ? n - off : chunk;
        rc = cudaMemcpy(d_in, sweeps + off, m * sizeof *d_in, cudaMemcpyHostToDevice);
        if (rc != cudaSuccess) {
            status = scb_fail(st, err, "copying sweeps to the GPU", rc);
            break;
        }
        int blocks = (int)((m + SCB_THREADS - 1) / SCB_THREADS);
        scb_kernel<<<blocks, SCB_THREADS>>>(d_in, *c, d_out, (int)m);
        rc = cudaGetLastError();
        if (rc == cudaSuccess)
            rc = cudaMemcpy(out + off, d_out, m * sizeof *d_out, cudaMemcpyDeviceToHost);
        if (rc != cudaSuccess)
            status = scb_fail(st, err, "the U_sc kernel", rc);
    }
    cudaFree(d_in);
    cudaFree(d_out);
    st->last_batch = (long)chunk;
    return status;
}
