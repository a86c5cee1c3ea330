# Third-party dependencies. Required for the core (batch on CPU/GPU): OpenMP,
# zlib (CRC-32 and inflate for NPZ), Random123 (header-only Philox), libm.
# Optional: cairo (lpmap plot), libcurl (lpmap download), NetCDF (grid.nc of
# lpmap grid); cmocka for tests.
# scripts/install-deps.sh installs the Debian packages.

add_library(lpmap_deps INTERFACE)
# Optional libraries get their own interface targets so that only the layer
# using them links them (plot: cairo, download: libcurl).
add_library(lpmap_dep_cairo INTERFACE)
add_library(lpmap_dep_curl INTERFACE)

find_package(OpenMP REQUIRED COMPONENTS C)
find_package(ZLIB REQUIRED)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h)
if(NOT RANDOM123_INCLUDE_DIR)
  message(FATAL_ERROR "Random123 headers not found: apt-get install librandom123-dev (or run scripts/install-deps.sh)")
endif()
target_include_directories(lpmap_deps INTERFACE ${RANDOM123_INCLUDE_DIR})
target_link_libraries(lpmap_deps INTERFACE OpenMP::OpenMP_C ZLIB::ZLIB m)

# LPMAP_WITH_CAIRO / LPMAP_WITH_CURL=OFF build without them even when
# installed (how the "not built with ..." messages are tested).
option(LPMAP_WITH_CAIRO "Use cairo for lpmap plot when it is found" ON)
option(LPMAP_WITH_CURL "Use libcurl for lpmap download when it is found" ON)
option(LPMAP_WITH_NETCDF "Use libnetcdf for the grid.nc of lpmap grid when it is found" ON)
find_package(PkgConfig QUIET)
find_package(Threads REQUIRED)
target_link_libraries(lpmap_deps INTERFACE Threads::Threads)
# lpmap_optional_dep(<have> <with> <prefix> <module> <target> <define>):
# when the option <with> is on and pkg-config finds <module>, <target>
# links it and defines <define>=1; <have> is set ON or OFF accordingly.
function(lpmap_optional_dep have with prefix module target define)
  set(${have} OFF PARENT_SCOPE)
  if(PkgConfig_FOUND AND ${with})
    pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
    if(${prefix}_FOUND)
      target_link_libraries(${target} INTERFACE PkgConfig::${prefix})
      target_compile_definitions(${target} INTERFACE ${define}=1)
      set(${have} ON PARENT_SCOPE)
    endif()
  endif()
endfunction()

lpmap_optional_dep(LPMAP_HAVE_CAIRO LPMAP_WITH_CAIRO CAIRO cairo lpmap_dep_cairo LPMAP_HAVE_CAIRO)
if(LPMAP_HAVE_CAIRO)
  # cairo draws text through fontconfig; linking it lets `lpmap plot`
  # call FcFini at exit so leak checkers see a clean process.
  lpmap_optional_dep(LPMAP_HAVE_FONTCONFIG ON FONTCONFIG fontconfig lpmap_dep_cairo
                     LPMAP_HAVE_FONTCONFIG)
endif()
lpmap_optional_dep(LPMAP_HAVE_CURL LPMAP_WITH_CURL CURL libcurl lpmap_dep_curl LPMAP_HAVE_CURL)
lpmap_optional_dep(LPMAP_HAVE_NETCDF LPMAP_WITH_NETCDF NETCDF netcdf lpmap_deps LPMAP_HAVE_NETCDF)
message(STATUS "lpmap: cairo (plot) ${LPMAP_HAVE_CAIRO}, libcurl (download) ${LPMAP_HAVE_CURL}, NetCDF (grid.nc) ${LPMAP_HAVE_NETCDF}")
if(NOT LPMAP_HAVE_CAIRO AND LPMAP_WITH_CAIRO)
  message(STATUS "lpmap: 'lpmap plot' disabled: apt-get install libcairo2-dev pkg-config, then re-run cmake")
endif()
if(NOT LPMAP_HAVE_CURL AND LPMAP_WITH_CURL)
  message(STATUS "lpmap: 'lpmap download' disabled: apt-get install libcurl4-openssl-dev pkg-config, then re-run cmake")
endif()
if(NOT LPMAP_HAVE_NETCDF AND LPMAP_WITH_NETCDF)
  message(STATUS "lpmap: 'lpmap grid' writes no grid.nc: apt-get install libnetcdf-dev pkg-config, then re-run cmake")
endif()
