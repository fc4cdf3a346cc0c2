// BERT pooler: tanh(W * h_first + b) over the first valid token of every sequence.
#include <cstring>
#include <vector>

#include "cpu/pooler.h"

namespace samp::cpu {

void cpu_pooler(const float* hidden, const int32_t* offsets, int64_t batch, int64_t width, const PackedWeight& w,
                const float* bias, float* out) {
  std::vector<float> first(static_cast<size_t>(batch * width));
  for (int64_t b = 0; b < batch; ++b)
    std::memcpy(first.data() + b * width, hidden + static_cast<int64_t>(offsets[b]) * width, sizeof(float) * width);
  gemm(first.data(), batch, width, w, bias, Epilogue::bias_tanh, out, w.n);
}

}  // namespace samp::cpu
