// DeviceBuffer: cudaMalloc'd memory freed exactly once.
#include "cuda/device_buffer.h"

#include "cuda/check.h"

namespace samp::cuda {

DeviceBuffer::DeviceBuffer(size_t bytes) : bytes_(bytes) {
  if (bytes > 0) SAMP_CUDA_CHECK(cudaMalloc(&ptr_, bytes));
}

DeviceBuffer::~DeviceBuffer() { reset(); }

DeviceBuffer::DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) {
  o.ptr_ = nullptr;
  o.bytes_ = 0;
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
  if (this != &o) {
    reset();
    ptr_ = o.ptr_, bytes_ = o.bytes_;
    o.ptr_ = nullptr, o.bytes_ = 0;
  }
  return *this;
}

void DeviceBuffer::reset() {
  if (ptr_) cudaFree(ptr_);  // never throws from a destructor; a failed free leaves nothing to recover
  ptr_ = nullptr;
  bytes_ = 0;
}

PinnedInts::~PinnedInts() {
  if (ptr) cudaFreeHost(ptr);
}

void PinnedInts::reserve(size_t n) {
  if (n <= count) return;
  if (ptr) cudaFreeHost(ptr), ptr = nullptr, count = 0;
  SAMP_CUDA_CHECK(cudaMallocHost(&ptr, n * sizeof(int32_t)));
  count = n;
}

}  // namespace samp::cuda
