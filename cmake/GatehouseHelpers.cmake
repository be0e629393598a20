# The module graph is enforced by the build (docs/architecture.md, "Modules").
#
# Every module target compiles against its own include directory, build/modules/<target>/, which
# holds links to exactly the headers it may use: the headers in the folders of its own sources,
# and those of the modules in its DEPS (transitively). An #include of any other module's header
# is then "file not found" — a forbidden include fails the build. Includes stay rooted at src/
# ("tokens/jws.h"); tests and tools keep src/ whole.

# gh_module_headers(<target> <folders...>): records the headers of <folders> (relative to src/)
# and of the target's gh_* dependencies, and links them into the target's include directory.
function(gh_module_headers target)
  set(headers "")
  foreach(folder ${ARGN})
    file(GLOB found CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/src
         ${PROJECT_SOURCE_DIR}/src/${folder}/*.h)
    list(APPEND headers ${found})
  endforeach()
  get_target_property(deps ${target} GH_DEPS)
  foreach(dep ${deps})
    if(TARGET ${dep})
      get_target_property(dep_headers ${dep} GH_HEADERS)
      if(dep_headers)
        list(APPEND headers ${dep_headers})
      endif()
    endif()
  endforeach()
  list(REMOVE_DUPLICATES headers)
  set_target_properties(${target} PROPERTIES GH_HEADERS "${headers}")
  set(dir ${CMAKE_BINARY_DIR}/modules/${target})
  file(REMOVE_RECURSE ${dir})
  foreach(header ${headers})
    get_filename_component(parent ${dir}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${header} ${dir}/${header} SYMBOLIC)
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE ${dir})
  else()
    target_include_directories(${target} PUBLIC ${dir})
  endif()
endfunction()

# The folders (relative to src/) that hold a target's sources.
function(gh_source_folders out)
  set(folders "")
  foreach(src ${ARGN})
    get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(folder ${abs} DIRECTORY)
    file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/src ${folder})
    if(NOT rel MATCHES "^\\.\\.")  # generated sources in the build tree bring no headers
      list(APPEND folders ${rel})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES folders)
  set(${out} ${folders} PARENT_SCOPE)
endfunction()

# gh_library(NAME <name> SRCS <files...> DEPS <targets...>)
#   One static library per module folder, target `gh_<name>`. DEPS are the only modules it may
#   use: their headers, and no others, are in its include directory.
function(gh_library)
  cmake_parse_arguments(GH "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(gh_${GH_NAME} STATIC ${GH_SRCS})
  target_link_libraries(gh_${GH_NAME} PUBLIC ${GH_DEPS} PRIVATE gatehouse_options)
  set_target_properties(gh_${GH_NAME} PROPERTIES GH_DEPS "${GH_DEPS}")
  gh_source_folders(folders ${GH_SRCS})
  gh_module_headers(gh_${GH_NAME} ${folders})
endfunction()

# gh_interface(NAME <name> FOLDER <folder> DEPS <targets...>)
#   A module of headers only (e.g. the store interface).
function(gh_interface)
  cmake_parse_arguments(GH "" "NAME;FOLDER" "DEPS" ${ARGN})
  add_library(gh_${GH_NAME} INTERFACE)
  target_link_libraries(gh_${GH_NAME} INTERFACE ${GH_DEPS})
  set_target_properties(gh_${GH_NAME} PROPERTIES GH_DEPS "${GH_DEPS}")
  gh_module_headers(gh_${GH_NAME} ${GH_FOLDER})
endfunction()

# gh_include_test(<target> <header> FORBIDDEN|ALLOWED): a test that compiling
# `#include "<header>"` with <target>'s include directory fails (or, for a control, succeeds).
function(gh_include_test target header verdict)
  string(TOLOWER "${target}_${verdict}_${header}" label)
  string(MAKE_C_IDENTIFIER "${label}" name)
  add_test(NAME ${name}
           COMMAND ${CMAKE_CXX_COMPILER} -std=c++20 -fsyntax-only
                   -I${CMAKE_BINARY_DIR}/modules/${target} -include ${header} -x c++ /dev/null)
  set_tests_properties(${name} PROPERTIES LABELS architecture)
  if(verdict STREQUAL "FORBIDDEN")
    set_tests_properties(${name} PROPERTIES WILL_FAIL TRUE)
  endif()
endfunction()

# gh_test(NAME <name> SRCS <files...> DEPS <targets...> [LABELS <labels...>])
#   One GoogleTest binary per module; registered with CTest under its name.
function(gh_test)
  cmake_parse_arguments(GH "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${GH_NAME} ${GH_SRCS})
  target_include_directories(${GH_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${GH_NAME} PRIVATE ${GH_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
                        gatehouse_options)
  add_test(NAME ${GH_NAME} COMMAND ${GH_NAME})
  if(GH_LABELS)
    set_tests_properties(${GH_NAME} PROPERTIES LABELS "${GH_LABELS}")
  endif()
endfunction()
