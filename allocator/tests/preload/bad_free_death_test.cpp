// Bad frees must abort with one line naming the pointer and the reason, never corrupt silently.
// hakmem's line: "hakmem: free(0x...): <reason>". The glibc baseline shows that each misuse is
// one glibc also dies of (with its own words), so the test has teeth on both allocators.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "active_allocator.h"

namespace {

using preload::opaque;

// The child's whole stderr when `op(p)` fails for `reason` (a regex alternative): exactly one
// line (anchored with ^ and $); hakmem may add a parenthesised detail, e.g. "double free (block
// is already free)".
std::string hakmem_line(const char* op, const void* p, const std::string& reason) {
  char addr[32];
  std::snprintf(addr, sizeof addr, "%p", p);
  return std::string("^hakmem: ") + op + "\\(" + addr + "\\): (" + reason + ")( \\([^\n]*\\))?\n$";
}

// hakmem must abort (SIGABRT), not just crash; glibc sometimes dies of SIGSEGV instead.
// `misuse` runs only in the death-test child.
void expect_bad_pointer_death(const std::function<void()>& misuse, const std::string& hakmem_regex,
                              const char* glibc_regex, const std::string& what = "") {
  if (preload::kExpectHakmem)
    EXPECT_EXIT(misuse(), testing::KilledBySignal(SIGABRT), hakmem_regex) << what;
  else
    EXPECT_DEATH(misuse(), glibc_regex) << what;
}

class BadFree : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "fast"); }
};

// Each case: allocate in the parent (so the address and the expected line are known), misuse
// it in the child. glibc_regex: what the baseline expects glibc to die with ("" = any death,
// e.g. SIGSEGV when glibc reads the header of an unmapped chunk).
void expect_double_free_dies(size_t n, const std::string& hakmem_reasons, const char* glibc_regex) {
  void* p = std::malloc(n);
  ASSERT_NE(p, nullptr);
  const std::string expected = hakmem_line("free", p, hakmem_reasons);
  // Both frees happen in the child, back to back: between two frees in the parent, gtest's own
  // allocations could take the block again and the second free would no longer be a double one.
  expect_bad_pointer_death([p] { std::free(p); std::free(opaque(p)); }, expected, glibc_regex,
                           "size " + std::to_string(n));
  std::free(p);
}

TEST_F(BadFree, DoubleFreeTiny) { expect_double_free_dies(64, "double free", "double free"); }

TEST_F(BadFree, DoubleFreeMid) { expect_double_free_dies(4000, "double free", "double free"); }

TEST_F(BadFree, DoubleFreeLarge) {
  // A large block's mapping is gone after the first free, so hakmem may no longer know it was
  // ever its own; either reason is a correct, loud diagnosis.
  expect_double_free_dies(1 << 20, "double free|not allocated by hakmem", "");
}

void expect_interior_dies(size_t n, size_t offset, const std::string& hakmem_reasons,
                          const char* glibc_regex) {
  auto* p = static_cast<char*>(std::malloc(n));
  ASSERT_NE(p, nullptr);
  for (size_t i = 0; i < n; ++i) p[i] = 0;  // glibc reads a chunk header from user data
  char* inner = p + offset;
  expect_bad_pointer_death([inner] { std::free(opaque(inner)); }, hakmem_line("free", inner, hakmem_reasons),
                           glibc_regex, "size " + std::to_string(n) + " offset " + std::to_string(offset));
  std::free(p);
}

TEST_F(BadFree, InteriorPointerTiny) { expect_interior_dies(64, 16, "interior pointer", "free\\(\\)"); }

TEST_F(BadFree, InteriorPointerMid) { expect_interior_dies(4000, 1024, "interior pointer", "free\\(\\)"); }

TEST_F(BadFree, InteriorPointerLarge) {
  // A large block has no header in front of an interior address; hakmem looks the pointer up,
  // finds no block starting there and says so. Loud and naming the pointer is what counts.
  expect_interior_dies(1 << 20, 8192, "interior pointer|not allocated by hakmem", "free\\(\\)|munmap_chunk");
}

// The pointer sits 64 zero bytes into a stack array, so whatever glibc reads as its chunk
// header is zero (size 0) and it always aborts; with stack garbage there instead it could take
// the bytes for a valid chunk and return normally, making the glibc baseline flaky.
TEST_F(BadFree, StackAddressWasNeverAllocated) {
  alignas(64) char frame[128] = {};
  char* p = opaque(frame + 64);
  expect_bad_pointer_death([p] { std::free(p); }, hakmem_line("free", p, "not allocated by hakmem"), "");
}

TEST_F(BadFree, ReallocOfAStackAddress) {
  alignas(64) char frame[128] = {};  // zero "chunk header" before p, as above
  char* p = opaque(frame + 64);
  expect_bad_pointer_death([p] { (void)!std::realloc(p, 100); },
                           hakmem_line("realloc", p, "not allocated by hakmem"), "");
}

}  // namespace
