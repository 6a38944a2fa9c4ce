#include "hakmem/core/fatal.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace hakmem {
namespace {

FatalHook g_fatal_hook = nullptr;

// Formats into a fixed buffer without allocating: the heap may be what is broken.
struct Line {
  char buf[512];
  std::size_t n = 0;
  void put(const char* s) {
    while (*s && n < sizeof buf - 2) buf[n++] = *s++;
  }
  void hex(const void* p) {
    auto v = reinterpret_cast<std::uintptr_t>(p);
    char tmp[2 + 16];
    int i = 0;
    do {
      tmp[i++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v);
    put("0x");
    while (i) {
      char c[2] = {tmp[--i], 0};
      put(c);
    }
  }
  [[noreturn]] void emit_and_abort() {
    buf[n] = 0;
    if (g_fatal_hook) g_fatal_hook(buf);
    buf[n++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, buf, n);
    (void)ignored;
    std::abort();
  }
};

}  // namespace

void set_fatal_hook(FatalHook hook) noexcept { g_fatal_hook = hook; }

void fatal_bad_pointer(const char* op, const void* p, const char* reason) noexcept {
  Line l;
  l.put("hakmem: ");
  l.put(op);
  l.put("(");
  l.hex(p);
  l.put("): ");
  l.put(reason);
  l.emit_and_abort();
}

void fatal_config(const char* variable, const char* value, const char* expected) noexcept {
  Line l;
  l.put("hakmem: invalid ");
  l.put(variable);
  l.put("='");
  l.put(value);
  l.put("': expected ");
  l.put(expected);
  l.emit_and_abort();
}

void fatal_internal(const char* what) noexcept {
  Line l;
  l.put("hakmem: internal error: ");
  l.put(what);
  l.emit_and_abort();
}

}  // namespace hakmem
