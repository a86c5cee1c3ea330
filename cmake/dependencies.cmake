# Third-party dependencies. Required for the core (batch on CPU/GPU): OpenMP,
# zlib (CRC-32 and inflate for NPZ), Random123 (header-only Philox), libm.
# Optional: cairo (lpmap plot), libcurl (lpmap download); cmocka for tests.
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
find_package(PkgConfig QUIET)
find_package(Threads REQUIRED)
target_link_libraries(lpmap_deps INTERFACE Threads::Threads)
set(LPMAP_HAVE_CAIRO OFF)
set(LPMAP_HAVE_CURL OFF)
if(PkgConfig_FOUND)
  if(LPMAP_WITH_CAIRO)
    pkg_check_modules(CAIRO QUIET IMPORTED_TARGET cairo)
  endif()
  if(LPMAP_WITH_CAIRO AND CAIRO_FOUND)
    set(LPMAP_HAVE_CAIRO ON)
    target_link_libraries(lpmap_dep_cairo INTERFACE PkgConfig::CAIRO)
    target_compile_definitions(lpmap_dep_cairo INTERFACE LPMAP_HAVE_CAIRO=1)
    # cairo draws text through fontconfig; linking it lets `lpmap plot`
    # call FcFini at exit so leak checkers see a clean process.
    pkg_check_modules(FONTCONFIG QUIET IMPORTED_TARGET fontconfig)
    if(FONTCONFIG_FOUND)
      target_link_libraries(lpmap_dep_cairo INTERFACE PkgConfig::FONTCONFIG)
      target_compile_definitions(lpmap_dep_cairo INTERFACE LPMAP_HAVE_FONTCONFIG=1)
    endif()
  endif()
  if(LPMAP_WITH_CURL)
    pkg_check_modules(CURL QUIET IMPORTED_TARGET libcurl)
  endif()
  if(LPMAP_WITH_CURL AND CURL_FOUND)
    set(LPMAP_HAVE_CURL ON)
    target_link_libraries(lpmap_dep_curl INTERFACE PkgConfig::CURL)
    target_compile_definitions(lpmap_dep_curl INTERFACE LPMAP_HAVE_CURL=1)
  endif()
endif()
message(STATUS "lpmap: cairo (plot) ${LPMAP_HAVE_CAIRO}, libcurl (download) ${LPMAP_HAVE_CURL}")
if(NOT LPMAP_HAVE_CAIRO AND LPMAP_WITH_CAIRO)
  message(STATUS "lpmap: 'lpmap plot' disabled: apt-get install libcairo2-dev pkg-config, then re-run cmake")
endif()
if(NOT LPMAP_HAVE_CURL AND LPMAP_WITH_CURL)
  message(STATUS "lpmap: 'lpmap download' disabled: apt-get install libcurl4-openssl-dev pkg-config, then re-run cmake")
endif()
