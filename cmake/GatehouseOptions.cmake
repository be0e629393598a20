# Compiler warnings, hardening and sanitizers, applied to every Gatehouse target through
# the interface library `gatehouse_options`.
add_library(gatehouse_options INTERFACE)

target_compile_options(gatehouse_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual -Wformat=2
  -Wformat-security -Wvla -Wno-missing-field-initializers
  # g++ 12 false positive inside libstdc++ string code at -O2 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
# clang's thread-safety analysis: GUARDED_BY / REQUIRES (common/mutex.h) checked at compile time.
option(GATEHOUSE_THREAD_SAFETY "Build with clang -Wthread-safety (the thread-safety preset)" OFF)
if(GATEHOUSE_THREAD_SAFETY)
  target_compile_options(gatehouse_options INTERFACE -Wthread-safety -Wthread-safety-beta)
endif()
if(GATEHOUSE_WERROR)
  target_compile_options(gatehouse_options INTERFACE -Werror)
endif()

# Hardening (DESIGN.md item 10): stack protector, fortify (needs optimisation), PIE, full RELRO.
target_compile_options(gatehouse_options INTERFACE -fstack-protector-strong)
target_compile_definitions(gatehouse_options INTERFACE
  $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
target_link_options(gatehouse_options INTERFACE -pie -Wl,-z,relro,-z,now)

if(GATEHOUSE_SANITIZE)
  target_compile_options(gatehouse_options INTERFACE
    -fsanitize=${GATEHOUSE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(gatehouse_options INTERFACE -fsanitize=${GATEHOUSE_SANITIZE})
endif()

# Fuzzing: coverage instrumentation for every library, so libFuzzer is guided through our code.
if(GATEHOUSE_FUZZ)
  target_compile_options(gatehouse_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
