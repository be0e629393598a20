# find_package(gatehouse_client CONFIG REQUIRED) → the imported target gatehouse::client.
include("${CMAKE_CURRENT_LIST_DIR}/gatehouse_clientTargets.cmake")
