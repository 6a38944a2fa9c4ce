#include "hakmem_ops/decode.h"

#include "hakmem/core/size_classes.h"

namespace hakmem_ops {

namespace {

// Reads bytes from the front; zeros once the input is exhausted.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> b) : b_(b) {}
  bool empty() const { return pos_ >= b_.size(); }
  std::uint8_t u8() { return pos_ < b_.size() ? b_[pos_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

// Op kinds by weight: allocations and frees dominate, maintenance is rarer.
struct Weighted {
  OpKind kind;
  unsigned weight;
};
constexpr Weighted kWeights[] = {
    {OpKind::kMalloc, 9},    {OpKind::kFree, 7},       {OpKind::kCalloc, 2},
    {OpKind::kRealloc, 3},   {OpKind::kAligned, 2},    {OpKind::kRemoteFree, 4},
    {OpKind::kUsableSize, 1}, {OpKind::kThreadExit, 1}, {OpKind::kFlush, 1},
    {OpKind::kDrainSpill, 1}, {OpKind::kPoolV2, 1},    {OpKind::kInjectFault, 1},
    {OpKind::kCheck, 1}};

OpKind pick_kind(std::uint8_t b, const DecodeOptions& opt) {
  unsigned total = 0;
  for (const Weighted& w : kWeights) total += w.weight;
  unsigned x = b % total;
  for (const Weighted& w : kWeights) {
    if (x < w.weight) {
      if ((w.kind == OpKind::kInjectFault && !opt.faults) || (w.kind == OpKind::kCheck && !opt.checks))
        return OpKind::kMalloc;
      return w.kind;
    }
    x -= w.weight;
  }
  return OpKind::kMalloc;
}

}  // namespace

std::uint64_t biased_size(std::uint8_t mode, std::uint8_t pick, std::uint16_t wide) {
  constexpr unsigned kN = sizeof kBoundaries / sizeof kBoundaries[0];
  switch (mode % 8) {
    case 0: case 1: case 2: case 3:  // a boundary, one below or one above
      return kBoundaries[pick % kN] + (wide % 3) - 1;
    case 4:  // exactly a boundary (aligned requests like these)
      return kBoundaries[pick % kN];
    case 5:  // any tiny size, 0 included
      return wide % 1025;
    case 6:  // any mid-size
      return 1025 + (std::uint64_t{wide} * 2 + (pick & 1)) % (hakmem::kMaxPool - 1024);
    default:  // large: just past the pool, up to ~256 KiB beyond
      return hakmem::kMaxPool + 1 + (std::uint64_t{wide} * 4 + pick);
  }
}

std::vector<Op> decode_ops(std::span<const std::uint8_t> bytes, const DecodeOptions& opt) {
  ByteReader r(bytes);
  std::vector<Op> ops;
  const unsigned threads = opt.threads ? (opt.threads > kMaxLogicalThreads ? kMaxLogicalThreads : opt.threads) : 1;
  while (!r.empty() && ops.size() < opt.max_ops) {
    Op op;
    op.kind = pick_kind(r.u8(), opt);
    const std::uint8_t tb = r.u8();
    op.thread = static_cast<std::uint8_t>(tb % threads);
    op.slot = static_cast<std::uint16_t>((tb >> 2) % kSlotCount);
    switch (op.kind) {
      case OpKind::kMalloc:
      case OpKind::kRealloc: {
        const std::uint8_t m = r.u8(), p = r.u8();
        op.size = biased_size(m, p, r.u16());
        break;
      }
      case OpKind::kCalloc: {
        const std::uint8_t c = r.u8();
        const std::uint8_t m = r.u8(), p = r.u8();
        const std::uint64_t total = biased_size(m, p, r.u16());
        if (c % 32 == 31) {  // 1 in 32: n * size overflows and must fail with ENOMEM
          op.arg = (std::uint64_t{1} << 62) + c;
          op.size = 8 + total;
        } else {
          op.arg = 1 + c % 16;
          op.size = total / op.arg ? total / op.arg : 1;
        }
        break;
      }
      case OpKind::kAligned: {
        const std::uint8_t a = r.u8();
        op.variant = a & 1;
        op.arg = std::uint64_t{8} << ((a >> 1) % 14);  // 8 .. 64 KiB
        op.size = biased_size(r.u8(), r.u8(), r.u16());
        break;
      }
      case OpKind::kPoolV2:
        op.arg = r.u8() & 1;
        break;
      case OpKind::kInjectFault:
        op.arg = 1 + r.u8() % 4;
        break;
      default:
        break;
    }
    ops.push_back(op);
  }
  return ops;
}

std::vector<Op> random_ops(std::uint64_t seed, std::size_t n, const DecodeOptions& opt) {
  // About 6 bytes per op; generate generously and let max_ops cut.
  std::vector<std::uint8_t> bytes(n * 8);
  std::uint64_t s = seed;
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (int k = 0; k < 8; ++k) bytes[i + k] = static_cast<std::uint8_t>(z >> (8 * k));
  }
  DecodeOptions o = opt;
  o.max_ops = n;
  return decode_ops(bytes, o);
}

}  // namespace hakmem_ops
