# Shared test helpers. GoogleTest comes from Debian's libgtest-dev.
find_package(GTest REQUIRED)
find_package(Threads REQUIRED)
include(GoogleTest)

# hakmem_add_gtest(NAME LABEL src...): one gtest binary registered test-by-test with ctest.
function(hakmem_add_gtest name label)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE hakmem_core GTest::gtest GTest::gtest_main Threads::Threads)
  gtest_discover_tests(${name} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()

# Tests that are expected to fail (decoys). They prove a check has teeth: the check must report
# the deliberately broken variant, so ctest inverts the result (WILL_FAIL).
function(hakmem_add_decoy_test name label)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES WILL_FAIL TRUE LABELS "${label};decoy")
endfunction()
