// Residual add + LayerNorm, fused per row (the residual read 8-bit and the output written 8-bit where asked).
#include <vector>

#include "cpu/layernorm_row.h"
#include "cpu/ops.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {

void cpu_add_layernorm(float* x, const float* residual, int64_t tokens, const float* gamma, const float* beta,
                       int64_t hidden, float eps, const Q8* residual_q, const Q8* out_q) {
  const int64_t chunk = 64;
  cpu_parallel_for((tokens + chunk - 1) / chunk, [&](int64_t c) {
    thread_local std::vector<float> decoded;
    for (int64_t t = c * chunk; t < tokens && t < (c + 1) * chunk; ++t) {
      float* row = x + t * hidden;
      const float* res = residual + t * hidden;
      if (residual_q) {
        decoded.resize(static_cast<size_t>(hidden));
        q8_decode_row(residual_q->data + t * hidden, hidden, residual_q->scale, residual_q->dtype, decoded.data());
        res = decoded.data();
      }
      for (int64_t j = 0; j < hidden; ++j) row[j] += res[j];
      layernorm_row(row, gamma, beta, hidden, eps);
      if (out_q) q8_encode_row(row, hidden, out_q->scale, out_q->dtype, out_q->data + t * hidden);
    }
  });
}

}  // namespace samp::cpu
