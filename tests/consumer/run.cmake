# Consumer smoke test: install slotcraft, then build and run README's C++
# example as a separate project that only does find_package(slotcraft).
#
#   cmake -DSOURCE_DIR=<repo> -DBUILD_DIR=<configured and built tree>
#         -DWORK_DIR=<scratch dir, removed first> -P tests/consumer/run.cmake
#
# Also fails when README's first ```cpp block and examples/cpp/first_slots.cpp
# (built by the main project as slotcraft_first_slots) are not the same program.
cmake_minimum_required(VERSION 3.20)

foreach(var SOURCE_DIR BUILD_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: pass -D${var}=<path>")
  endif()
  if(NOT IS_ABSOLUTE "${${var}}")
    message(FATAL_ERROR "run.cmake: ${var} must be an absolute path (got '${${var}}')")
  endif()
  cmake_path(NORMAL_PATH ${var})
endforeach()
# WORK_DIR is deleted: never let it be (a parent of) the sources or the build.
foreach(kept SOURCE_DIR BUILD_DIR)
  cmake_path(IS_PREFIX WORK_DIR "${${kept}}" NORMALIZE work_dir_holds_it)
  if(work_dir_holds_it)
    message(FATAL_ERROR "run.cmake: WORK_DIR (${WORK_DIR}) must not contain ${kept} (${${kept}})")
  endif()
endforeach()

set(readme "${SOURCE_DIR}/README.md")
set(first_slots "${SOURCE_DIR}/examples/cpp/first_slots.cpp")
set(example "${WORK_DIR}/readme_example.cpp")
set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
set(drift_note "")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Indents every line of a tool's output so message() prints it as it is
# instead of re-wrapping it.
function(indent var text)
  string(REPLACE "\n" "\n  " text "  ${text}")
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

# Fails the script with a step's name and its output, mentioning README drift
# too when there is some, so one run reports both problems.
function(fail step output)
  indent(output "${output}")
  message(FATAL_ERROR "consumer test: ${step} failed.\n${output}\n${drift_note}")
endfunction()

# (a) The first ```cpp fenced block of README.md.
if(NOT EXISTS "${readme}")
  fail("reading README" "${readme} does not exist")
endif()
file(READ "${readme}" text)
string(REPLACE "\r\n" "\n" text "\n${text}")
string(FIND "${text}" "\n```cpp\n" open)
if(open EQUAL -1)
  fail("extracting the README example" "${readme} has no ```cpp fenced block (a line that is exactly ```cpp); the C++ usage example must be one.")
endif()
math(EXPR body_begin "${open} + 8") # strlen("\n```cpp\n")
string(SUBSTRING "${text}" ${body_begin} -1 rest)
set(rest "\n${rest}")
string(FIND "${rest}" "\n```" close)
if(close EQUAL -1)
  fail("extracting the README example" "the first ```cpp block of ${readme} has no closing ``` line")
elseif(close EQUAL 0)
  fail("extracting the README example" "the first ```cpp block of ${readme} is empty")
endif()
math(EXPR body_length "${close} - 1")
string(SUBSTRING "${rest}" 1 ${body_length} block)
set(block "${block}\n")
file(WRITE "${example}" "${block}")

# (e) README's block and examples/cpp/first_slots.cpp must not drift apart.
# Checked now, reported at the end (or with an earlier failure).
if(NOT EXISTS "${first_slots}")
  fail("comparing the README example" "${first_slots} does not exist")
endif()
file(READ "${first_slots}" source)
string(REPLACE "\r\n" "\n" source "${source}")
string(REGEX REPLACE "\n+$" "" source "${source}")
string(REGEX REPLACE "\n+$" "" block_trimmed "${block}")
if(NOT source STREQUAL block_trimmed)
  file(WRITE "${WORK_DIR}/drift/examples-cpp-first_slots.cpp" "${source}\n")
  file(WRITE "${WORK_DIR}/drift/README-first-cpp-block.cpp" "${block_trimmed}\n")
  set(diff_text "")
  find_program(DIFF_EXECUTABLE diff)
  if(DIFF_EXECUTABLE)
    execute_process(COMMAND "${DIFF_EXECUTABLE}" -u examples-cpp-first_slots.cpp README-first-cpp-block.cpp
      WORKING_DIRECTORY "${WORK_DIR}/drift" OUTPUT_VARIABLE diff_text ERROR_VARIABLE diff_text)
    indent(diff_text "${diff_text}")
  endif()
  string(CONCAT drift_note "\nREADME.md and examples/cpp/first_slots.cpp have drifted apart: the first ```cpp block "
    "of README.md (section 'Use it from C++') must be byte-for-byte the program in "
    "examples/cpp/first_slots.cpp. Update the one you did not edit: copy the block into "
    "examples/cpp/first_slots.cpp, or copy that file into the README block.\n${diff_text}")
endif()

# (b) Install the main build into a private prefix.
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  fail("cmake --install ${BUILD_DIR} (exit ${rc}; build the whole tree, including slotcraft_cli, first)" "${out}")
endif()

# (c) Configure, build and run the consumer against that prefix only. Same
# compiler as the main build; no package registries, so only the install counts.
set(compiler_arg "")
if(EXISTS "${BUILD_DIR}/CMakeCache.txt")
  file(STRINGS "${BUILD_DIR}/CMakeCache.txt" compiler_line REGEX "^CMAKE_CXX_COMPILER:[A-Z]+=")
  string(REGEX REPLACE "^[^=]*=" "" compiler "${compiler_line}")
  if(compiler)
    set(compiler_arg "-DCMAKE_CXX_COMPILER=${compiler}")
  endif()
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -G Ninja
    -S "${CMAKE_CURRENT_LIST_DIR}" -B "${consumer_build}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DREADME_EXAMPLE=${example}" ${compiler_arg}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  fail("configuring tests/consumer with find_package(slotcraft 0.1) (exit ${rc})" "${out}")
endif()
file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^slotcraft_DIR:")
string(REGEX REPLACE "^[^=]*=" "" found_dir "${found_dir}")
cmake_path(IS_PREFIX prefix "${found_dir}" NORMALIZE from_prefix)
if(NOT from_prefix)
  fail("finding the installed package" "find_package(slotcraft) used '${found_dir}', not the install in ${prefix}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --build "${consumer_build}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  fail("building the README example ${example} against the installed slotcraft (exit ${rc})" "${out}")
endif()

execute_process(COMMAND "${consumer_build}/readme_example" TIMEOUT 120
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  fail("running the README example (exit: ${rc})" "stdout:\n${out}\nstderr:\n${err}")
endif()

# (d) The lines the README example prints.
string(REPLACE "\r\n" "\n" lines "\n${out}\n")
string(FIND "${lines}" "\n2026-03-02T08:45:00Z anna\n" first_slot_at)
string(FIND "${lines}" "\nrefused: " refused_at)
if(first_slot_at EQUAL -1 OR refused_at EQUAL -1)
  fail("checking the README example's output"
    "expected a line '2026-03-02T08:45:00Z anna' and a line starting with 'refused: ' in:\n${out}")
endif()

if(NOT drift_note STREQUAL "")
  message(FATAL_ERROR "consumer test: the README example builds and runs, but${drift_note}")
endif()
message(STATUS "consumer test: find_package(slotcraft) from ${prefix} builds and runs the README example")
