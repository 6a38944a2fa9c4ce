// The telemetry mask of the production library, from the HAKMEM_*_COMPILED macros. CMake
// defines every one of them (0 or 1) from its options; a missing one is a compile error here.
#pragma once
#include "hakmem/core/telemetry_flags.h"

namespace hakmem {
inline constexpr std::uint32_t kProductionMask = 0u
#define HAKMEM_TELEMETRY_FLAG(name, bit, what) | ((HAKMEM_##name##_COMPILED) ? (1u << (bit)) : 0u)
#include "hakmem/telemetry_flags.def"
#undef HAKMEM_TELEMETRY_FLAG
    ;
}  // namespace hakmem
