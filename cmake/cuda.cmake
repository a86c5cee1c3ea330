# CUDA backend plumbing: LPMAP_CUDA=AUTO builds src/gpu/*.cu when nvcc is
# found; the runtime is linked statically so the binary runs where only the
# driver (or nothing) is installed, and falls back to the CPU without one.

set(LPMAP_HAVE_CUDA OFF)
if(NOT LPMAP_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    set(LPMAP_HAVE_CUDA ON)
  elseif(LPMAP_CUDA STREQUAL "ON")
    message(FATAL_ERROR "LPMAP_CUDA=ON but no CUDA compiler (nvcc) was found")
  endif()
endif()
message(STATUS "lpmap: CUDA backend ${LPMAP_HAVE_CUDA}")

# Adds src/gpu/*.cu to the gpu layer's object library `target`, with the
# CUDA flags set here only (the C flags of lpmap_flags are C-only).
function(lpmap_add_cuda_backend target)
  if(NOT LPMAP_HAVE_CUDA)
    return()
  endif()
  file(GLOB cuda_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/gpu/*.cu)
  # SASS for every listed architecture, PTX for the newest (forward compat).
  list(GET LPMAP_CUDA_ARCHS -1 newest)
  set(archs "")
  foreach(a IN LISTS LPMAP_CUDA_ARCHS)
    list(APPEND archs "${a}-real")
  endforeach()
  list(APPEND archs "${newest}-virtual")
  target_sources(${target} PRIVATE ${cuda_sources})
  set_target_properties(${target} PROPERTIES
    CUDA_ARCHITECTURES "${archs}"
    CUDA_STANDARD 17
    CUDA_RUNTIME_LIBRARY Static)
  # --fmad=false: no fused multiply-add contraction, so the shared header
  # code (DE trials, LHS, model sums) rounds exactly as the C compiler's
  # does on the CPU and fp64 results match to round-off (docs/decisions.md).
  target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr;-lineinfo;--fmad=false>")
  target_compile_definitions(${target} PUBLIC LPMAP_HAVE_CUDA=1)
  find_package(CUDAToolkit REQUIRED)
  # C programs linking CUDA objects need the CUDA runtime and C++ runtime.
  target_link_libraries(${target} PUBLIC CUDA::cudart_static stdc++)
endfunction()
