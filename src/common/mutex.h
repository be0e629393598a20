#pragma once
// Mutex and MutexLock with clang thread-safety annotations, so `GUARDED_BY` on shared state is
// checked by the compiler under clang (`-Wthread-safety`); under g++ the macros are no-ops.
//
//   Mutex mu_;
//   int count_ GUARDED_BY(mu_);
//   void Add() { MutexLock lock(mu_); ++count_; }

#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define GH_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define GH_THREAD_ANNOTATION_(x)
#endif

#define CAPABILITY(x) GH_THREAD_ANNOTATION_(capability(x))
#define SCOPED_CAPABILITY GH_THREAD_ANNOTATION_(scoped_lockable)
#define GUARDED_BY(x) GH_THREAD_ANNOTATION_(guarded_by(x))
#define PT_GUARDED_BY(x) GH_THREAD_ANNOTATION_(pt_guarded_by(x))
#define REQUIRES(...) GH_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) GH_THREAD_ANNOTATION_(requires_shared_capability(__VA_ARGS__))
#define ACQUIRE(...) GH_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) GH_THREAD_ANNOTATION_(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) GH_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) GH_THREAD_ANNOTATION_(release_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) GH_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))

namespace gatehouse {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void LockShared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void UnlockShared() RELEASE_SHARED() { mu_.unlock_shared(); }
  std::shared_mutex& native() { return mu_; }

 private:
  std::shared_mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(Mutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.LockShared(); }
  ~ReaderLock() RELEASE() { mu_.UnlockShared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace gatehouse
