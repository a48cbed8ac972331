# Shared settings for the project's own compiled targets.
function(slotcraft_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
endfunction()

# slotcraft_add_pytest_files(PREFIX name LABELS label... FILES test_x.py...):
# one CTest test per pytest file (of the calling folder or a subfolder,
# sub/test_x.py), named "<name>: <stem>", run with Python3_EXECUTABLE against
# the module laid out in <build>/python. A test_*.py file in a folder of the
# listed files that is not listed stops the configure, so no test file is
# silently left out.
function(slotcraft_add_pytest_files)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX" "LABELS;FILES")
  foreach(file IN LISTS arg_FILES)
    get_filename_component(stem ${file} NAME_WE)
    add_test(NAME "${arg_PREFIX}: ${stem}"
      COMMAND ${Python3_EXECUTABLE} -m pytest -c ${PROJECT_SOURCE_DIR}/pyproject.toml --rootdir ${PROJECT_SOURCE_DIR}
              -p no:cacheprovider -q ${CMAKE_CURRENT_SOURCE_DIR}/${file}
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties("${arg_PREFIX}: ${stem}" PROPERTIES
      ENVIRONMENT "PYTHONPATH=${PROJECT_BINARY_DIR}/python;PYTHONDONTWRITEBYTECODE=1"
      LABELS "${arg_LABELS}" TIMEOUT 300)
  endforeach()
  set(folders "")
  foreach(file IN LISTS arg_FILES)
    get_filename_component(folder ${CMAKE_CURRENT_SOURCE_DIR}/${file} DIRECTORY)
    list(APPEND folders ${folder})
  endforeach()
  list(REMOVE_DUPLICATES folders)
  list(TRANSFORM folders APPEND /test_*.py)
  file(GLOB found RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} CONFIGURE_DEPENDS ${folders})
  file(RELATIVE_PATH here ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  foreach(file IN LISTS found)
    if(NOT file IN_LIST arg_FILES)
      message(FATAL_ERROR "${here}/${file} is not registered in ${here}/CMakeLists.txt")
    endif()
  endforeach()
endfunction()
