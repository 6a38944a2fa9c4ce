# CPack: one Debian package per install component (cmake/HakmemInstall.cmake).
#   cpack -G DEB --config build/release/CPackConfig.cmake
# gives libhakmem0 (Runtime), libhakmem-dev (Development) and hakmem-torture (Tools), versioned
# from project(). Library dependencies come from dpkg-shlibdeps (package dpkg-dev).
set(HAKMEM_PACKAGE_CONTACT "hakmem-torture maintainers <hakmem-torture@localhost>" CACHE STRING
    "Maintainer field of the Debian packages")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hakmem)
set(CPACK_PACKAGE_VENDOR hakmem-torture)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${HAKMEM_PACKAGE_CONTACT})
# No CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPack would put it above each package's own synopsis
# (the first line of its description below).
set(CPACK_COMPONENTS_ALL Runtime Development Tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # libhakmem0's shlibs file: users' packages depend on it

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libhakmem0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "hakmem allocator: shared library
libhakmem.so.0: the hak_* C API, and malloc, free and the rest of the C and POSIX
allocation functions, so LD_PRELOAD=libhakmem.so.0 makes hakmem the process allocator.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libhakmem-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
# The namelink libhakmem.so points into libhakmem0: exactly this version of it.
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libhakmem0 (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "hakmem allocator: development files
hakmem/hakmem.h, libhakmem.so, libhakmem.a, the CMake package (find_package(hakmem CONFIG):
hakmem::hakmem, hakmem::hakmem_static) and hakmem.pc for pkg-config.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME hakmem-torture)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "hakmem-torture: allocator stress and checking tools
hakmem-stress (multi-threaded workloads that verify every block, against hakmem or any
malloc loaded with LD_PRELOAD), interleave-replay (the interleaving checker's scenarios)
and hakmem-equivalence (telemetry equivalence over the compile-flag masks).")

include(CPack)

# ---- ctest, label packaging: ci/packaging_check.sh installs and packages this build tree ------
# Release builds without a sanitizer only (a sanitized libhakmem.so is not what users install;
# the expected lists name hakmemTargets-release.cmake). RUN_SERIAL: it compiles the consumers
# and runs hakmem-stress, which would disturb the timed tests beside it.
if(HAKMEM_SANITIZER STREQUAL "" AND CMAKE_BUILD_TYPE STREQUAL "Release"
   AND TARGET hakmem-stress AND TARGET interleave-replay AND TARGET hakmem-equivalence)
  add_test(NAME packaging.install_check
           COMMAND bash ${PROJECT_SOURCE_DIR}/ci/packaging_check.sh --build-dir ${CMAKE_BINARY_DIR})
  set_tests_properties(packaging.install_check PROPERTIES LABELS packaging TIMEOUT 900 RUN_SERIAL TRUE)
  # Teeth: against lists with a file left out and one too many, the contents check must fail.
  hakmem_add_decoy_test(packaging.decoy_contents packaging
                        bash ${PROJECT_SOURCE_DIR}/ci/packaging_check.sh --build-dir ${CMAKE_BINARY_DIR}
                        --contents-only --expected ${PROJECT_SOURCE_DIR}/ci/packaging/decoy)
  set_tests_properties(packaging.decoy_contents PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE)
endif()
