// Residual add + LayerNorm, fused per row.
#include "cpu/layernorm_row.h"
#include "cpu/ops.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {

void cpu_add_layernorm(float* x, const float* residual, int64_t tokens, const float* gamma, const float* beta,
                       int64_t hidden, float eps) {
  const int64_t chunk = 64;
  cpu_parallel_for((tokens + chunk - 1) / chunk, [&](int64_t c) {
    for (int64_t t = c * chunk; t < tokens && t < (c + 1) * chunk; ++t) {
      float* row = x + t * hidden;
      const float* res = residual + t * hidden;
      for (int64_t j = 0; j < hidden; ++j) row[j] += res[j];
      layernorm_row(row, gamma, beta, hidden, eps);
    }
  });
}

}  // namespace samp::cpu
