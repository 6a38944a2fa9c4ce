// Built when the hakmem library target does not exist: only --target=system works.
#include "target.h"

namespace stress {

const Target* hakmem_target() { return nullptr; }

namespace hak {
bool available() { return false; }
bool heap_check(hak_heap_report*) { return false; }
void quiesce() {}
void drain_spill() {}
void thread_flush() {}
void set_pool_v2(bool) {}
void set_bg_spill(bool) {}
void os_fault_inject(uint64_t, uint64_t) {}
bool stats_family_sum(const char*, uint64_t*) { return false; }
}  // namespace hak

}  // namespace stress
