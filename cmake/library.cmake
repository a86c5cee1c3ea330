# The installable library: liblpmap.so and liblpmap.a hold the API layer
# and the layers under it that fitting needs (core physics io fit gpu);
# only the lpmap_* names of include/lpmap.h are exported (a version script
# hides the rest, C_VISIBILITY_PRESET hidden in the API layer). Installs
# bin/lpmap, the libraries, lpmap.h, a CMake package (find_package(lpmap)
# -> lpmap::lpmap, lpmap::lpmap_static) and lpmap.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LPMAP_API_LAYERS core physics io fit gpu api)
set(api_objects "")
foreach(layer IN LISTS LPMAP_API_LAYERS)
  list(APPEND api_objects $<TARGET_OBJECTS:lpmap_${layer}>)
endforeach()
# Third-party libraries the objects need (imported targets only, so the
# package can name them with find_dependency).
set(api_deps OpenMP::OpenMP_C ZLIB::ZLIB Threads::Threads m)
if(LPMAP_HAVE_CUDA)
  list(APPEND api_deps CUDA::cudart_static stdc++)
endif()

add_library(lpmap_shared SHARED ${api_objects})
target_link_libraries(lpmap_shared PRIVATE ${api_deps})
target_link_options(lpmap_shared PRIVATE
  -Wl,--version-script=${PROJECT_SOURCE_DIR}/src/api/lpmap.map -Wl,--no-undefined)
set_target_properties(lpmap_shared PROPERTIES
  OUTPUT_NAME lpmap VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINKER_LANGUAGE C LINK_DEPENDS ${PROJECT_SOURCE_DIR}/src/api/lpmap.map
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
target_include_directories(lpmap_shared INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

add_library(lpmap_static STATIC ${api_objects})
target_link_libraries(lpmap_static INTERFACE ${api_deps})
set_target_properties(lpmap_static PROPERTIES OUTPUT_NAME lpmap LINKER_LANGUAGE C
  ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
target_include_directories(lpmap_static INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# The names a parent project uses, with add_subdirectory as after install.
add_library(lpmap::lpmap ALIAS lpmap_shared)
add_library(lpmap::lpmap_static ALIAS lpmap_static)
set_target_properties(lpmap_shared PROPERTIES EXPORT_NAME lpmap)
set_target_properties(lpmap_static PROPERTIES EXPORT_NAME lpmap_static)

install(TARGETS lpmap RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS lpmap_shared lpmap_static EXPORT lpmapTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/lpmap.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT lpmapTargets NAMESPACE lpmap:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lpmap)
set(LPMAP_PACKAGE_NEEDS_CUDA ${LPMAP_HAVE_CUDA})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lpmapConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lpmapConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lpmap)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lpmapConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lpmapConfig.cmake ${PROJECT_BINARY_DIR}/lpmapConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lpmap)
configure_file(${PROJECT_SOURCE_DIR}/cmake/lpmap.pc.in ${PROJECT_BINARY_DIR}/lpmap.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/lpmap.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
