/* LP_HD marks header-only functions callable from both C and CUDA: it
 * expands to __host__ __device__ under nvcc and to nothing in plain C, so
 * the CPU and GPU paths share one source of physics. */
#ifndef LPMAP_CORE_HOSTDEV_H
#define LPMAP_CORE_HOSTDEV_H

#ifdef __CUDACC__
#define LP_HD static __host__ __device__ __forceinline__
/* The large, many-times-called steps of a device function (a whole fit, a
 * root search): one copy each instead of one per call site. Forced inlining
 * of the spacecraft-potential estimator made ptxas take ~8 minutes and 6 GB
 * per architecture (docs/performance.md "Session 5"). The host build is the
 * same either way. */
#define LP_HD_NOINLINE static __host__ __device__ __noinline__
#else
#define LP_HD static inline
#define LP_HD_NOINLINE static inline
#endif

#endif
