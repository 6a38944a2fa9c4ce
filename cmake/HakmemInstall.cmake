# install(): what a user of hakmem gets, in three components (one Debian package each,
# cmake/HakmemPackaging.cmake):
#   Runtime      libhakmem.so.<version> and its SONAME link libhakmem.so.0
#   Development  hakmem/hakmem.h, libhakmem.so (link), libhakmem.a, the CMake package
#                (find_package(hakmem CONFIG): hakmem::hakmem, hakmem::hakmem_static), hakmem.pc
#   Tools        the suite's tools a user runs by name: hakmem-stress, interleave-replay,
#                hakmem-equivalence
# Test-only libraries, decoys and benchmarks are not installed; ci/packaging_check.sh compares
# what is installed with the lists in ci/packaging/expected/.
include(CMakePackageConfigHelpers)

set(HAKMEM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/hakmem)

install(TARGETS hakmem_shared EXPORT hakmemTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime NAMELINK_COMPONENT Development)
install(TARGETS hakmem_static EXPORT hakmemTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development)
# The C API is the only public header: it includes nothing but <stddef.h> and <stdint.h>.
install(FILES ${PROJECT_SOURCE_DIR}/allocator/include/hakmem/hakmem.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/hakmem COMPONENT Development)

install(EXPORT hakmemTargets NAMESPACE hakmem:: DESTINATION ${HAKMEM_CMAKE_DIR}
        COMPONENT Development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/install/hakmemConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/install/hakmemConfig.cmake
                              INSTALL_DESTINATION ${HAKMEM_CMAKE_DIR})
# 0.x: a new minor version may change the API, so only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/install/hakmemConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/install/hakmemConfig.cmake
              ${CMAKE_BINARY_DIR}/install/hakmemConfigVersion.cmake
        DESTINATION ${HAKMEM_CMAKE_DIR} COMPONENT Development)

# pkg-config: relative to the .pc file's own place, so the same file works under any prefix.
file(RELATIVE_PATH HAKMEM_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" HAKMEM_PC_TO_PREFIX "${HAKMEM_PC_TO_PREFIX}")  # ../.. not ../../
configure_file(${CMAKE_CURRENT_LIST_DIR}/install/hakmem.pc.in ${CMAKE_BINARY_DIR}/install/hakmem.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/install/hakmem.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT Development)

# The tools, where this build has them (msan builds only properties/ and sanitizers/).
foreach(tool hakmem-stress interleave-replay hakmem-equivalence)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Tools)
  endif()
endforeach()
