# Mutation build (preset `mutation`, ci/mutation/): the core headers as mutant schemata. The
# generator parses allocator/include/hakmem/core/*.h with clang and writes a mutated copy into
# the build tree, each site switching on HAKMEM_MUTANT; that copy goes BEFORE allocator/include
# for the allocator targets and everything that links them. The source tree is never written.
# Off (every other preset), this file is not even included: those builds are untouched.
set(HAKMEM_MUTATION_DIR ${CMAKE_BINARY_DIR}/mutation)
set(_gen ${CMAKE_SOURCE_DIR}/ci/mutation/gen_mutants.py)
set(_defs "")
foreach(d IN LISTS HAKMEM_TELEMETRY_DEFINES)
  list(APPEND _defs -D ${d})
endforeach()
# At configure time, re-run whenever a core header or the generator changes (the generated
# copy of an unchanged header keeps its time stamp, so only what changed rebuilds).
execute_process(COMMAND /usr/bin/python3 ${_gen} --out ${HAKMEM_MUTATION_DIR} ${_defs}
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "gen_mutants.py failed (${_rc}): ${_out}${_err}")
endif()
string(STRIP "${_out}" _out)
message(STATUS "${_out}")
file(GLOB _inputs ${CMAKE_SOURCE_DIR}/allocator/include/hakmem/core/*.h
     ${CMAKE_SOURCE_DIR}/ci/mutation/*.py ${CMAKE_SOURCE_DIR}/ci/mutation/mutation.h)
set_property(DIRECTORY ${CMAKE_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_inputs})

# hakmem_mutation_apply(target...): the schemata include directory first (build interface only:
# the targets are exported for installation, and an export may not name the build tree).
function(hakmem_mutation_apply)
  foreach(t IN LISTS ARGN)
    target_include_directories(${t} BEFORE PUBLIC $<BUILD_INTERFACE:${HAKMEM_MUTATION_DIR}/include>)
  endforeach()
endfunction()

# Smoke (label mutation, seconds): three mutants of known fate through the runner.
#   spill pop that never lowers the length: SpillStack.PushPopIsLifoAndLengthTracksTheList
#     must kill it;
#   take_all whose emptiness check is negated (returns nothing from a full list, reads an
#     empty one): the remote-list tests must kill it;
#   for_each_quiescent's head load weakened acquire -> relaxed: equivalent. The walk runs only
#     at quiescence, where every push it reads already happened-before the walk through the
#     join or lock that made the process quiescent, so the acquire orders nothing more (and
#     x86 emits the same plain load for both).
set(_smoke_select
    --select "spill_stack.h|pop|delete-call|len_.fetch_sub(1"
    --select "remote_list.h|take_all|negate-if|head_.load(std::memory_order_relaxed) == 0"
    --select "spill_stack.h|for_each_quiescent|memory-order|head_.load(std::memory_order_acquire)")
set(_runner /usr/bin/python3 ${CMAKE_SOURCE_DIR}/ci/mutation/run_mutants.py --build-dir ${CMAKE_BINARY_DIR})
add_test(NAME mutation.smoke COMMAND ${_runner} ${_smoke_select} --expect killed,killed,survived)
set_tests_properties(mutation.smoke PROPERTIES LABELS mutation TIMEOUT 120)
# Teeth: the same three mutants, the equivalent one said to be killed; the check must object.
hakmem_add_decoy_test(mutation.decoy.wrong_verdict mutation
                      ${_runner} ${_smoke_select} --expect killed,killed,killed)
set_tests_properties(mutation.decoy.wrong_verdict PROPERTIES TIMEOUT 120)
