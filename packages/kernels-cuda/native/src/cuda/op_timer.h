// Time per op of an eager forward (SAMP_CUDA_OP_TIMES=1): an event after each op, summed per op name.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace samp::cuda {

class OpTimer {
 public:
  OpTimer();
  ~OpTimer() { discard(); }
  bool enabled() const { return enabled_; }
  /** Records an event on stream; the time since the previous mark is charged to `name` ("start" charges none). */
  void mark(cudaStream_t stream, const char* name);
  void discard();
  /** Prints the mean time per op over `forwards` forwards to stderr, then forgets the marks. */
  void report(cudaStream_t stream, int32_t forwards);

 private:
  bool enabled_ = false;
  std::vector<std::pair<const char*, cudaEvent_t>> marks_;
};

}  // namespace samp::cuda
