# gh_library(NAME <name> SRCS <files...> DEPS <targets...>)
#   One static library per module folder, target `gh_<name>`, includes rooted at src/.
#   DEPS are the only modules it may use: a forbidden include then fails to compile.
function(gh_library)
  cmake_parse_arguments(GH "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(gh_${GH_NAME} STATIC ${GH_SRCS})
  target_include_directories(gh_${GH_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(gh_${GH_NAME} PUBLIC ${GH_DEPS} PRIVATE gatehouse_options)
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
