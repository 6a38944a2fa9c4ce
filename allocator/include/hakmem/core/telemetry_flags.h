// The telemetry flags as C++ values, generated from the one list (telemetry_flags.def).
#pragma once
#include <cstdint>

namespace hakmem {

enum class Flag : unsigned {
#define HAKMEM_TELEMETRY_FLAG(name, bit, what) name = bit,
#include "hakmem/telemetry_flags.def"
#undef HAKMEM_TELEMETRY_FLAG
};

struct FlagInfo {
  const char* name;
  unsigned bit;
  const char* what;
};

inline constexpr FlagInfo kFlags[] = {
#define HAKMEM_TELEMETRY_FLAG(name, bit, what) {#name, bit, what},
#include "hakmem/telemetry_flags.def"
#undef HAKMEM_TELEMETRY_FLAG
};
inline constexpr unsigned kFlagCount = sizeof(kFlags) / sizeof(kFlags[0]);
inline constexpr std::uint32_t kAllFlagsMask = (1u << kFlagCount) - 1;
inline constexpr unsigned kMaskCount = 1u << kFlagCount;  // 512 telemetry configurations

constexpr std::uint32_t flag_bit(Flag f) noexcept { return 1u << static_cast<unsigned>(f); }

static_assert(kFlagCount == 9, "the seed defines nine telemetry flags");

}  // namespace hakmem

