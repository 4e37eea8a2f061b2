# cmake -P script behind the CTest test example-plugin-hello:
#  1. cmake --install the Session Manager build into <work>/prefix;
#  2. configure and build examples/plugin-hello with CMAKE_PREFIX_PATH=<work>/prefix only;
#  3. run `session-manager plugins --plugin-path <example build>` and expect the line
#     "hello 1.0.0 backend loaded <example build>/hello.so".
foreach(var SM_BUILD_DIR SM_EXAMPLE_DIR SM_WORK_DIR SM_GENERATOR SM_SESSION_MANAGER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

# Runs a command; on failure stops with its output. Its stdout is left in run_output.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${code}): ${command}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix "${SM_WORK_DIR}/prefix")
set(build "${SM_WORK_DIR}/hello-build")
file(REMOVE_RECURSE "${SM_WORK_DIR}")

run("${CMAKE_COMMAND}" --install "${SM_BUILD_DIR}" --prefix "${prefix}")
run("${CMAKE_COMMAND}" -S "${SM_EXAMPLE_DIR}" -B "${build}" -G "${SM_GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run("${CMAKE_COMMAND}" --build "${build}")

run("${SM_SESSION_MANAGER}" plugins --plugin-path "${build}")
# One line per plugin: <id> <version> <kind> <state> <file> [reason]
string(REGEX MATCH "(^|\n)hello 1\\.0\\.0 backend loaded ${build}/hello\\.so( [^\n]*)?(\n|$)" line
       "${run_output}")
if(NOT line)
  message(FATAL_ERROR "hello is not listed as loaded from ${build}:\n${run_output}")
endif()
message(STATUS "listed:${line}")
