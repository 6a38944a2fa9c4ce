/* A small, correct, thread-safe malloc (one lock, power-of-two classes, a 32-byte header in
 * front of every block, free-list links kept in the header), which each decoy breaks in exactly
 * one way through the hooks of `struct decoy_ops`. The links live in the header so that a
 * decoy that hands a block out twice corrupts user data, not the heap: the stress tool must
 * then *report* the violation rather than watch the decoy crash.
 *
 * A decoy is decoy_heap.c + decoy_exports.c + one defect file that defines `decoy`. */
#ifndef STRESS_DECOY_HEAP_H
#define STRESS_DECOY_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* The correct operations. */
void* dh_malloc(size_t n);
void dh_free(void* p);
void* dh_calloc(size_t count, size_t size);
void* dh_realloc(void* p, size_t n);
/* align: a power of two. skew: bytes added after aligning (0 for a correct result). */
void* dh_memalign_skewed(size_t align, size_t n, size_t skew);
size_t dh_usable(const void* p);
uint32_t dh_owner(const void* p); /* small id of the thread that allocated p */
uint32_t dh_self(void);            /* small id of the calling thread */

/* Hooks: NULL means the correct operation. */
struct decoy_ops {
  void* (*malloc)(size_t n);
  void (*free)(void* p);
  void* (*calloc)(size_t count, size_t size);
  void* (*realloc)(void* p, size_t n);
  void* (*memalign)(size_t align, size_t n);
  size_t (*usable)(const void* p);
  int skip_atfork; /* 1: do not take the heap lock around fork() */
};
extern const struct decoy_ops decoy;

#endif
