// Size classes. Tiny C0..C19 (16..1024 B) live in slabs of per-thread heaps; mid-size P0..P27
// (1.25..128 KiB) in the shared pool; anything larger is mapped from the OS on its own.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "hakmem/core/telemetry.h"

namespace hakmem {

inline constexpr std::size_t kMinAlign = 16;
// Four classes per doubling from 64 B up (16-byte steps below): a request wastes at most a
// fifth of its block. DESIGN's eight classes (16, 32, .., 512, 768, 1024) handed out 1.21x the
// bytes asked for sizes uniform in 16..1024 (mimalloc's bins 1.08x), and redis's 260-byte value
// strings took 512-byte blocks: redis ran with 1.6x mimalloc's RSS, prodcons 1.12-1.2x.
inline constexpr std::uint32_t kTinySizes[kTinyClassCount] = {16,  32,  48,  64,  80,  96,  112, 128, 160, 192,
                                                              224, 256, 320, 384, 448, 512, 640, 768, 896, 1024};
inline constexpr std::size_t kMaxTiny = 1024;
// Four per doubling, as the tiny classes: a request wastes at most a fifth of its block. With
// powers of two and their midpoints (a third), sqlite's 4360-byte page-cache entries took
// 6144-byte blocks and its 1040-byte ones 1536 (now 5120 and 1280), and it ran with 1.45x
// mimalloc's RSS; with powers of two alone (a half) its 2432-byte entries took 4096. Up to 128 KiB: a
// block of 32..128 KiB from its own mapping cost 5 locked instructions and ~475 instructions per
// malloc/free pair (registry, cache bins), and random_large ran 0.6x mimalloc; from the pool,
// 1.2x. The pool gives memory back by purging (pool_v1_free), not by unmapping.
inline constexpr std::uint32_t kPoolSizes[kPoolClassCount] = {
    1280,  1536,  1792,  2048,  2560,  3072,  3584,  4096,  5120,   6144,   7168,   8192,   10240,  12288,
    14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536, 81920, 98304, 114688, 131072};
inline constexpr std::size_t kMaxPool = 131072;
inline constexpr unsigned kNoClass = 0xFF;

// Front-cache capacity per tiny class: more slots for small blocks, fewer for big ones. A cache
// starts at kFrontCapacity and doubles at an overflow that follows a refill of the class, up to
// kFrontCapacityMax, as tcmalloc's per-thread lists grow: a thread whose working set of a class
// outgrows the cache stops trading half of it with the slabs on every batch, while a thread that
// only frees (or only allocates) keeps the first capacity. The maxima hold a batch of 1600 small
// blocks (glibc's bench-malloc-simple: with 256 slots its batches of 400 and 1600 ran 1.5x
// mimalloc's time in overflows and refills); what a heap's caches may grow by together is bounded
// in bytes by kFrontGrowthBytes.
inline constexpr std::uint32_t kFrontCapacity[kTinyClassCount] = {128, 128, 128, 128, 128, 128, 128, 128, 64, 64,
                                                                   64,  64,  64,  64,  64,  64,  32,  32,  32, 32};
inline constexpr std::uint32_t kFrontCapacityMax[kTinyClassCount] = {2048, 2048, 2048, 2048, 2048, 2048, 2048,
                                                                      2048, 1024, 1024, 1024, 1024, 1024, 1024,
                                                                      1024, 1024, 512,  512,  512,  512};
inline constexpr std::uint32_t kMaxFrontCapacity = 2048;
inline constexpr std::size_t kFrontGrowthBytes = std::size_t{2} << 20;

namespace detail {
constexpr std::array<std::uint8_t, kMaxTiny / 16 + 1> make_tiny_table() {
  std::array<std::uint8_t, kMaxTiny / 16 + 1> t{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::size_t size = i * 16;
    unsigned c = 0;
    while (kTinySizes[c] < size) ++c;
    t[i] = static_cast<std::uint8_t>(c);
  }
  return t;
}
inline constexpr auto kTinyTable = make_tiny_table();
}  // namespace detail

// Tiny class for a request of `size` <= kMaxTiny bytes: one table load. size 0 is served as 16.
constexpr unsigned tiny_class_of_small(std::size_t size) noexcept { return detail::kTinyTable[(size + 15) >> 4]; }

// Tiny class for a request of `size` bytes, or kNoClass.
constexpr unsigned tiny_class_of(std::size_t size) noexcept {
  return size > kMaxTiny ? kNoClass : tiny_class_of_small(size);
}

// Pool classes by 256-byte granule: every pool size is a multiple of 256, so the sizes in
// (256 (i - 1), 256 i] share one class, entry i (size 0 is entry 0, class 0).
inline constexpr std::size_t kPoolGranule = 256;
namespace detail {
constexpr bool pool_sizes_are_granules() {
  for (unsigned c = 0; c < kPoolClassCount; ++c)
    if (kPoolSizes[c] % kPoolGranule || (c && kPoolSizes[c] <= kPoolSizes[c - 1])) return false;
  return kPoolSizes[kPoolClassCount - 1] == kMaxPool;
}
static_assert(pool_sizes_are_granules(), "the pool table maps whole granules to ascending classes");
constexpr std::array<std::uint8_t, kMaxPool / kPoolGranule + 1> make_pool_table() {
  std::array<std::uint8_t, kMaxPool / kPoolGranule + 1> t{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    unsigned c = 0;
    while (kPoolSizes[c] < i * kPoolGranule) ++c;
    t[i] = static_cast<std::uint8_t>(c);
  }
  return t;
}
inline constexpr auto kPoolTable = make_pool_table();
}  // namespace detail

// Pool class for `size`: the smallest of kPoolSizes that fits, or kNoClass. One table load: the
// bit-width arithmetic it replaces cost random_mid's mallocs 10 instructions each (callgrind), a
// linear search 20.
inline unsigned pool_class_of(std::size_t size) noexcept {
  if (size > kMaxPool) return kNoClass;
  return detail::kPoolTable[(size + kPoolGranule - 1) / kPoolGranule];
}

// The alignment every block of a class has in an uncoloured slab or pool superslab: the largest
// power of two dividing its size, capped at the 4 KiB alignment of their data starts.
constexpr std::size_t natural_alignment(std::size_t block_size) noexcept {
  std::size_t a = block_size & (~block_size + 1);
  return a > 4096 ? 4096 : a;
}

// Slab colouring. The blocks of a slab start at multiples of their size, so modulo the 4 KiB an
// L1 cache's sets span, their first lines (where users start reading) fall only on multiples of
// natural_alignment(bs): 1 in 16 lines for 1024-byte blocks, every line for 320-byte ones. So
// the data of a slab of a class aligned beyond a line starts colour x 64 bytes in, the colour
// counting up per slab of the class (tiny_slab_colours of them, natural_alignment(bs) / 64),
// and the blocks of successive slabs fill the other sets.
// random_mixed over 32768 slots ran 1.54x faster (paired A/B, 11 of 11). The price: at most one
// block per slab, and tiny blocks are only 64-byte aligned (aligned requests beyond that take
// the pool).
inline constexpr std::size_t kColourStep = 64;
constexpr std::uint32_t tiny_slab_colours(std::uint32_t block_size) noexcept {
  const std::size_t a = natural_alignment(block_size);
  return a > kColourStep ? static_cast<std::uint32_t>(a / kColourStep) : 1;
}

// The alignment every block of tiny class `cls` has, whatever its slab's colour: a coloured
// class's blocks keep only the colour step's.
constexpr std::size_t tiny_block_alignment(unsigned cls) noexcept {
  const std::size_t natural = natural_alignment(kTinySizes[cls]);
  return natural > kColourStep ? kColourStep : natural;
}

// Smallest tiny class that fits `size` and whose blocks are `align`-aligned, or kNoClass.
inline unsigned tiny_class_aligned(std::size_t size, std::size_t align) noexcept {
  for (unsigned c = tiny_class_of(size); c < kTinyClassCount; ++c)
    if (tiny_block_alignment(c) >= align) return c;
  return kNoClass;
}

inline unsigned pool_class_aligned(std::size_t size, std::size_t align) noexcept {
  for (unsigned c = pool_class_of(size); c < kPoolClassCount; ++c)
    if (natural_alignment(kPoolSizes[c]) >= align) return c;
  return kNoClass;
}

}  // namespace hakmem
