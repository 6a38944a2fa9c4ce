/* The C consumer: the hak_* API through libhakmem.so.0; prints one line on success. */
#include <hakmem/hakmem.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  void* blocks[1000];
  for (size_t i = 0; i < 1000; ++i) {
    const size_t size = 1 + i * 37 % 5000;
    blocks[i] = hak_malloc(size);
    if (!blocks[i] || hak_usable_size(blocks[i]) < size) return fprintf(stderr, "consumer.c: hak_malloc(%zu)\n", size), 1;
    memset(blocks[i], (int)i, size);
  }
  unsigned char* zero = hak_calloc(100, 10);
  for (size_t i = 0; zero && i < 1000; ++i)
    if (zero[i]) return fprintf(stderr, "consumer.c: hak_calloc gave a nonzero byte\n"), 1;
  hak_free(zero);
  for (size_t i = 0; i < 1000; ++i) hak_free(blocks[i]);
  hak_quiesce();
  hak_heap_report report;
  if (hak_heap_check(&report) != 0) return fprintf(stderr, "consumer.c: %s\n", report.first_error), 1;
  printf("consumer.c: ok (1000 blocks, heap check clean, telemetry mask %u)\n", (unsigned)hak_telemetry_mask());
  return 0;
}
