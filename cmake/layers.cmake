# The layers of lpmap (docs/architecture.md "Layers"): one OBJECT library
# per src/<layer> folder, declared bottom-up. A layer may use only the
# layers it names (PUBLIC when its own headers include theirs, PRIVATE
# otherwise), and only layers declared before it, so the graph has no cycle.
#
# How an upward include fails to build: every header is included as
# "<layer>/<file>.h", and the only include path that resolves "<layer>/" is
# <build>/layers/<layer>, a folder holding one symbolic link
# <layer> -> src/<layer>. A target gets that folder only through the
# layers it links, so `#include "gpu/x.h"` in src/fit is "No such file".
# tests/cli/test_layers.sh also checks the header-only files that no
# target compiles on a given machine (.cu bodies, CUDA-only headers).

# Compile flags of every lpmap C target. C only: nvcc never sees them.
add_library(lpmap_flags INTERFACE)
target_compile_options(lpmap_flags INTERFACE "$<$<COMPILE_LANGUAGE:C>:-Wall;-Wextra>")
# POSIX APIs (mmap, getopt_long, nftw, clock_gettime) on top of strict C11.
target_compile_definitions(lpmap_flags INTERFACE
  "$<$<COMPILE_LANGUAGE:C>:_GNU_SOURCE;LPMAP_VERSION=\"${PROJECT_VERSION}\">")

set(LPMAP_LAYERS "")

# lpmap_layer(<name> [PUBLIC <layer>...] [PRIVATE <layer>...] [LIBS <target>...])
# Defines lpmap_<name> from src/<name>/*.c. LIBS are third-party interface
# targets the layer (and its users) link.
function(lpmap_layer name)
  cmake_parse_arguments(L "" "" "PUBLIC;PRIVATE;LIBS" ${ARGN})
  foreach(dep IN LISTS L_PUBLIC L_PRIVATE)
    if(NOT TARGET lpmap_${dep})
      message(FATAL_ERROR "layer '${name}' uses '${dep}', which is not a layer declared "
                          "below it (cmake/layers.cmake declares layers bottom-up)")
    endif()
  endforeach()
  set(src_dir ${PROJECT_SOURCE_DIR}/src/${name})
  set(inc_dir ${PROJECT_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${inc_dir})
  file(CREATE_LINK ${src_dir} ${inc_dir}/${name} SYMBOLIC)
  file(GLOB sources CONFIGURE_DEPENDS ${src_dir}/*.c)
  add_library(lpmap_${name} OBJECT ${sources})
  target_include_directories(lpmap_${name} PUBLIC $<BUILD_INTERFACE:${inc_dir}>)
  list(TRANSFORM L_PUBLIC PREPEND lpmap_)
  list(TRANSFORM L_PRIVATE PREPEND lpmap_)
  target_link_libraries(lpmap_${name} PUBLIC ${L_PUBLIC} ${L_LIBS} PRIVATE ${L_PRIVATE} lpmap_flags)
  # Position-independent: the same objects go into liblpmap.so. Without
  # semantic interposition the compiler may still inline and call global
  # functions directly, as in non-PIC code (no symbol of ours is meant to
  # be interposed).
  set_target_properties(lpmap_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_compile_options(lpmap_${name} PRIVATE $<$<COMPILE_LANGUAGE:C>:-fno-semantic-interposition>)
  set(LPMAP_LAYERS ${LPMAP_LAYERS} ${name} PARENT_SCOPE)
  # "<layer>: <layers it may include>" for tests/cli/test_layers.sh.
  list(TRANSFORM L_PUBLIC REPLACE "^lpmap_" "")
  list(TRANSFORM L_PRIVATE REPLACE "^lpmap_" "")
  string(JOIN " " uses ${L_PUBLIC} ${L_PRIVATE})
  set_property(GLOBAL APPEND PROPERTY LPMAP_LAYER_RULES "${name}: ${uses}")
endfunction()

# Writes <build>/layers/rules.txt: one line per layer with the layers its
# files may include (direct uses; the check closes them transitively).
function(lpmap_layers_write_rules)
  get_property(rules GLOBAL PROPERTY LPMAP_LAYER_RULES)
  string(REPLACE ";" "\n" text "${rules}")
  file(WRITE ${PROJECT_BINARY_DIR}/layers/rules.txt "${text}\n")
endfunction()
