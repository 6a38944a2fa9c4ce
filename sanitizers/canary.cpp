// sanitizer_canary <bug>: commits one bug that the build's sanitizer must report and halt on.
// "none" commits nothing and exits 0. The bugs are kept opaque to the optimizer.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {
volatile int g_sink;
int g_shared;  // raced on by data-race

int heap_overflow() {
  char* p = new char[16];
  volatile int i = 16;
  p[i] = 1;  // one past the end
  const int r = p[0];
  delete[] p;
  return r;
}

int signed_overflow() {
  volatile int x = 0x7fffffff;
  return x + 1;
}

int data_race() {
  std::thread t([] { g_shared = 1; });
  g_shared = 2;
  t.join();
  return g_shared;
}

int uninitialized_read() {
  int* p = static_cast<int*>(std::malloc(sizeof(int)));
  // A real branch on uninitialized memory (a ?: would become a cmov, which MSan lets pass).
  int r = 2;
  if (*p > 0) {
    std::puts("positive");
    r = 1;
  }
  std::free(p);
  return r;
}
}  // namespace

int main(int argc, char** argv) {
  const char* bug = argc > 1 ? argv[1] : "none";
  if (!std::strcmp(bug, "heap-overflow")) g_sink = heap_overflow();
  else if (!std::strcmp(bug, "signed-overflow")) g_sink = signed_overflow();
  else if (!std::strcmp(bug, "data-race")) g_sink = data_race();
  else if (!std::strcmp(bug, "uninitialized-read")) g_sink = uninitialized_read();
  else if (std::strcmp(bug, "none") != 0) return 2;
  std::printf("canary '%s' ran to the end (no sanitizer report)\n", bug);
  return 0;
}
