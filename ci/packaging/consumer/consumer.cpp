// The C++ consumer: the hak_* API from libhakmem.a, with frees from another thread.
#include <hakmem/hakmem.h>

#include <cstdio>
#include <thread>
#include <vector>

int main() {
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < 4000; ++i) blocks.push_back(hak_malloc(16 + i % 700));
  for (void* p : blocks)
    if (!p) return std::fprintf(stderr, "consumer.cpp: hak_malloc failed\n"), 1;
  std::thread([&] {  // remote frees: the owner thread's blocks freed here
    for (void* p : blocks) hak_free(p);
    hak_thread_flush();
  }).join();
  hak_quiesce();
  hak_heap_report report;
  if (hak_heap_check(&report) != 0) return std::fprintf(stderr, "consumer.cpp: %s\n", report.first_error), 1;
  std::printf("consumer.cpp: ok (4000 blocks freed by another thread, heap check clean)\n");
  return 0;
}
