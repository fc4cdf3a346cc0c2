// Device memory owned RAII-style, and an arena that carves aligned slices out of one allocation.
#pragma once
#include <cstddef>
#include <cstdint>

namespace samp::cuda {

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;

  void* get() const { return ptr_; }
  size_t size() const { return bytes_; }
  void reset();

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

/** Hands out 256-byte aligned slices of a buffer laid out by a first, measuring pass (base == nullptr). */
class Carver {
 public:
  explicit Carver(void* base) : base_(static_cast<char*>(base)) {}
  template <typename T = void>
  T* take(size_t bytes) {
    const size_t at = used_;
    used_ += (bytes + 255) / 256 * 256;
    return base_ ? reinterpret_cast<T*>(base_ + at) : nullptr;
  }
  size_t used() const { return used_; }

 private:
  char* base_;
  size_t used_ = 0;
};

/** Page-locked host ints (the staging area of a forward's inputs), grown on demand. */
class PinnedInts {
 public:
  PinnedInts() = default;
  ~PinnedInts();
  PinnedInts(const PinnedInts&) = delete;
  PinnedInts& operator=(const PinnedInts&) = delete;
  void reserve(size_t n);
  int32_t* ptr = nullptr;
  size_t count = 0;
};

}  // namespace samp::cuda
