// Memory for the tool's own bookkeeping, taken straight from mmap.
//
// Why: with --target=system the process malloc may be a deliberately broken decoy. If the
// tool's own structures lived in malloc memory, a decoy that hands a block out twice could
// corrupt the tool and make it crash instead of reporting the violation. So everything the
// tool allocates while a workload runs comes from here, never from malloc.
#pragma once
#include <cstddef>
#include <memory_resource>
#include <new>
#include <utility>

namespace stress {

// Page-granular mmap/munmap; thread-safe because the kernel is.
void* tool_map(std::size_t bytes);
void tool_unmap(void* p, std::size_t bytes);

// A memory_resource over tool_map, for std::pmr containers.
std::pmr::memory_resource* tool_resource();

// A fixed-size array of T in mmap memory, constructed in place.
template <class T>
class ToolArray {
 public:
  ToolArray() = default;
  explicit ToolArray(std::size_t n) { reset(n); }
  ToolArray(const ToolArray&) = delete;
  ToolArray& operator=(const ToolArray&) = delete;
  ~ToolArray() { release(); }

  void reset(std::size_t n) {
    release();
    if (n == 0) return;
    data_ = static_cast<T*>(tool_map(n * sizeof(T)));
    for (std::size_t i = 0; i < n; ++i) new (data_ + i) T();
    size_ = n;
  }
  void release() {
    if (!data_) return;
    for (std::size_t i = 0; i < size_; ++i) data_[i].~T();
    tool_unmap(data_, size_ * sizeof(T));
    data_ = nullptr;
    size_ = 0;
  }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::size_t size() const { return size_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace stress
