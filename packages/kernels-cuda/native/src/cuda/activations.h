// The activation arena of a CUDA model: every buffer a forward uses in one device allocation, grown (at least
// doubling) when a forward needs more rows, sequences or output cells, and never allocated per call.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "common/model_config.h"
#include "cuda/device_buffer.h"
#include "cuda/dtype.h"
#include "cuda/layer_forward.h"

namespace samp::cuda {

class Activations {
 public:
  /** Whether the buffers hold a forward of `rows` packed rows, `batch` sequences and `cells` output positions. */
  bool fits(int64_t rows, int64_t batch, int64_t cells) const {
    return rows <= cap_rows_ && batch <= cap_batch_ && cells <= cap_cells_;
  }
  /** Frees the buffers, then allocates room for at least that forward (8-bit buffers where with8), zeroed on
   * stream. Every address changes: graphs captured over the old buffers must be gone. */
  void grow(const ModelConfig& c, DType dt, bool with8, int64_t rows, int64_t batch, int64_t cells,
            cudaStream_t stream);
  void reset() { arena_.reset(); }
  const ForwardBuffers& buffers() const { return b_; }
  /** How many ints the packed inputs of the largest forward that fits take. */
  int64_t int_count() const { return 4 * cap_rows_ + cap_batch_ + 1; }

 private:
  DeviceBuffer arena_;
  ForwardBuffers b_;
  int64_t cap_rows_ = 0, cap_batch_ = 0, cap_cells_ = 0;
};

}  // namespace samp::cuda
