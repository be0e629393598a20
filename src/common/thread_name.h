#pragma once
// Names the calling thread (first 15 bytes, as Linux keeps them), so `top -H`, perf and
// /proc/<pid>/task/*/comm show what each of Gatehouse's threads is for.

#include <pthread.h>

#include <string>
#include <string_view>

namespace gatehouse {

inline void SetThreadName(std::string_view name) {
  const std::string shortened(name.substr(0, 15));
  pthread_setname_np(pthread_self(), shortened.c_str());
}

}  // namespace gatehouse
