// Fused embedding: the three lookups, their sum and LayerNorm in one pass per token (8-bit out where asked).
#include <vector>

#include "cpu/layernorm_row.h"
#include "cpu/ops.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {

void cpu_embedding_layernorm(const int32_t* ids, const int32_t* types, const int32_t* positions, int64_t tokens,
                             const float* word, const float* position, const float* type, const float* gamma,
                             const float* beta, int64_t hidden, float eps, float* out, const Q8* out_q) {
  const int64_t chunk = 64;
  cpu_parallel_for((tokens + chunk - 1) / chunk, [&](int64_t c) {
    for (int64_t t = c * chunk; t < tokens && t < (c + 1) * chunk; ++t) {
      float* row = out + t * hidden;
      const float* w = word + static_cast<int64_t>(ids[t]) * hidden;
      const float* p = position + static_cast<int64_t>(positions[t]) * hidden;
      const float* y = type + static_cast<int64_t>(types[t]) * hidden;
      for (int64_t j = 0; j < hidden; ++j) row[j] = w[j] + p[j] + y[j];
      layernorm_row(row, gamma, beta, hidden, eps);
      if (out_q) q8_encode_row(row, hidden, out_q->scale, out_q->dtype, out_q->data + t * hidden);
    }
  });
}

}  // namespace samp::cpu
