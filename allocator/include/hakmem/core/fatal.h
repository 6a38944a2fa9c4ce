// Fatal errors: bad frees and bad configuration. One line on stderr naming the pointer (or the
// variable) and the reason, then abort(). Written with write(2) only: it must work inside a
// broken heap and inside malloc itself.
#pragma once

namespace hakmem {

[[noreturn]] void fatal_bad_pointer(const char* op, const void* p, const char* reason) noexcept;
[[noreturn]] void fatal_config(const char* variable, const char* value, const char* expected) noexcept;
[[noreturn]] void fatal_internal(const char* what) noexcept;

// Called with the message line (no newline) before the abort. The interleaving checker installs
// one that ends the logical thread's run and reports the abort with its schedule; a hook that
// returns gets the ordinary write and abort. Never set in production.
using FatalHook = void (*)(const char* line) noexcept;
void set_fatal_hook(FatalHook hook) noexcept;

}  // namespace hakmem
