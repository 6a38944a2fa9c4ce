// Compile-time limits and sanitizer detection shared by the checker's files.
#pragma once
#include <cstdint>

namespace interleave {

// Logical threads per test. Vector clocks are fixed arrays of this size, which keeps a clock
// join a handful of instructions (the checker must do ~10^7 operations per second).
inline constexpr int kMaxThreads = 8;

}  // namespace interleave

#if defined(__SANITIZE_ADDRESS__)
#define INTERLEAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INTERLEAVE_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define INTERLEAVE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define INTERLEAVE_TSAN 1
#endif
#endif

#if defined(INTERLEAVE_ASAN) || defined(INTERLEAVE_TSAN)
#define INTERLEAVE_SANITIZED 1
#endif
