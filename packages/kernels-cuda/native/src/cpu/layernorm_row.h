// LayerNorm of one row in place, two-pass (mean, then variance of the centred values) as PyTorch does.
#pragma once
#include <cmath>
#include <cstdint>

#include "cpu/simd.h"

namespace samp::cpu {

SAMP_VECTOR_CLONES
inline void layernorm_row(float* row, const float* gamma, const float* beta, int64_t n, float eps) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; ++j) sum += row[j];
  const float mean = sum / static_cast<float>(n);
  float var = 0.0f;
#pragma omp simd reduction(+ : var)
  for (int64_t j = 0; j < n; ++j) var += (row[j] - mean) * (row[j] - mean);
  const float inv = 1.0f / std::sqrt(var / static_cast<float>(n) + eps);
  for (int64_t j = 0; j < n; ++j) row[j] = (row[j] - mean) * inv * gamma[j] + beta[j];
}

}  // namespace samp::cpu
