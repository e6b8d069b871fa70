// A mutex that clang's -Wthread-safety can check: the members a Mutex
// guards are marked GUARDED_BY(mu_), and a build with clang refuses code
// that touches them without holding it (CMakeLists.txt turns the warning
// on, and warnings are errors). GCC reads the annotations as nothing.
//
// Condition variables wait on MutexLock::native(). Write a wait as a loop
// around cv.wait(lock.native()) rather than with a predicate lambda: the
// analysis cannot see that a lambda runs under the lock.
#ifndef CONVSENT_SRC_UTIL_MUTEX_H_
#define CONVSENT_SRC_UTIL_MUTEX_H_

#include <mutex>

#if defined(__clang__)
#define CONVSENT_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define CONVSENT_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) CONVSENT_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY CONVSENT_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) CONVSENT_THREAD_ANNOTATION(guarded_by(x))
#define REQUIRES(...) CONVSENT_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) CONVSENT_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) CONVSENT_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) CONVSENT_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

namespace convsent {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { m_.lock(); }
  void Unlock() RELEASE() { m_.unlock(); }

 private:
  friend class MutexLock;
  std::mutex m_;
};

// Holds a Mutex for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.m_) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  // For std::condition_variable::wait, which gives the mutex up while it
  // waits and holds it again when it returns.
  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_MUTEX_H_
