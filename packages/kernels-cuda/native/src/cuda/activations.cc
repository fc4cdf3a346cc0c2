// The activation arena's layout (see activations.h).
#include "cuda/activations.h"

#include <algorithm>

#include "cpu/bias_columns.h"
#include "cuda/check.h"

namespace samp::cuda {

void Activations::grow(const ModelConfig& c, DType dt, bool with8, int64_t rows, int64_t batch, int64_t cells,
                       cudaStream_t stream) {
  cap_rows_ = std::max<int64_t>({rows, 2 * cap_rows_, 256});
  cap_batch_ = std::max<int64_t>({batch, 2 * cap_batch_, 8});
  cap_cells_ = std::max<int64_t>({cells, 2 * cap_cells_, 1024});
  arena_.reset();
  const int64_t H = c.hidden, F = c.ffn, R = cap_rows_;
  const size_t es = dtype_size(dt);
  ForwardBuffers& b = b_;
  for (int pass = 0; pass < 2; ++pass) {
    Carver k(pass ? arena_.get() : nullptr);
    b.h = k.take(R * H * es), b.ctx = k.take(R * H * es), b.a = k.take(R * H * es);
    b.qkv = k.take(R * 3 * H * es), b.f = k.take(R * F * es);
    if (with8) {
      b.h8 = k.take<int8_t>(R * H), b.ctx8 = k.take<int8_t>(R * H);
      b.a8 = k.take<int8_t>(R * (H + cpu::kBiasColumns)), b.f8 = k.take<int8_t>(R * F);  // a8: the FFN input
      b.qkv8 = k.take<int8_t>(R * 3 * H);
    }
    b.ints = k.take<int32_t>(sizeof(int32_t) * int_count());
    b.hidden_out = k.take<float>(sizeof(float) * cap_cells_ * H);
    b.pooled_out = k.take<float>(sizeof(float) * cap_batch_ * H);
    if (!pass) arena_ = DeviceBuffer(k.used());
    else SAMP_CUDA_CHECK(cudaMemsetAsync(arena_.get(), 0, arena_.size(), stream));
  }
}

}  // namespace samp::cuda
