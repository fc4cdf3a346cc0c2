// Attention on the CPU: one task per (sequence, head, block of queries); scores and softmax in fp32; the
// context written 8-bit too where the next GEMM is quantized.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/ops.h"
#include "cpu/simd.h"
#include "cpu/thread_pool.h"
#include "cpu/vmath.h"

namespace samp::cpu {
namespace {

constexpr int64_t kQueryBlock = 32;

/** Keys of one head transposed to [d][len], so the scores of a query are axpy updates over contiguous rows. */
void transpose_keys(const float* keys, int64_t len, int64_t stride, int64_t d, float* kt) {
  for (int64_t j = 0; j < len; ++j)
    for (int64_t x = 0; x < d; ++x) kt[x * len + j] = keys[j * stride + x];
}

SAMP_VECTOR_CLONES
void attend_row(const float* q, const float* kt, const float* values, int64_t len, int64_t stride, int64_t d,
                float scale, float* scores, float* out) {
  for (int64_t j = 0; j < len; ++j) scores[j] = 0.0f;
  for (int64_t x = 0; x < d; ++x) {
    const float qx = q[x] * scale;  // scale is 1 / sqrt(d): a power of two for the usual head sizes
    const float* row = kt + x * len;
    for (int64_t j = 0; j < len; ++j) scores[j] += qx * row[j];
  }
  float max = -INFINITY;
  for (int64_t j = 0; j < len; ++j) max = std::max(max, scores[j]);
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < len; ++j) {
    scores[j] = vm_exp(scores[j] - max);
    sum += scores[j];
  }
  const float inv = 1.0f / sum;
  for (int64_t x = 0; x < d; ++x) out[x] = 0.0f;
  for (int64_t j = 0; j < len; ++j) {
    const float p = scores[j] * inv;
    const float* v = values + j * stride;
    for (int64_t x = 0; x < d; ++x) out[x] += p * v[x];
  }
}

}  // namespace

void cpu_attention(const float* qkv, const int32_t* offsets, int64_t batch, int64_t heads, int64_t head_dim,
                   float* ctx, const Q8* ctx_q) {
  const int64_t hidden = heads * head_dim, stride = 3 * hidden;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  std::vector<int64_t> task_b, task_q0;  // (sequence, first query) of each task, for every head
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t q0 = 0; q0 < offsets[b + 1] - offsets[b]; q0 += kQueryBlock) task_b.push_back(b), task_q0.push_back(q0);
  const int64_t blocks = static_cast<int64_t>(task_b.size());
  cpu_parallel_for(blocks * heads, [&](int64_t task) {
    const int64_t b = task_b[task / heads], q0 = task_q0[task / heads], h = task % heads;
    const int64_t first = offsets[b], len = offsets[b + 1] - offsets[b];
    thread_local std::vector<float> scores, kt;
    scores.resize(static_cast<size_t>(len));
    kt.resize(static_cast<size_t>(len * head_dim));
    const float* base = qkv + first * stride + h * head_dim;
    transpose_keys(base + hidden, len, stride, head_dim, kt.data());
    for (int64_t i = q0; i < std::min(len, q0 + kQueryBlock); ++i) {
      const int64_t at = (first + i) * hidden + h * head_dim;
      attend_row(base + i * stride, kt.data(), base + 2 * hidden, len, stride, head_dim, scale, scores.data(), ctx + at);
      if (ctx_q) q8_encode_row(ctx + at, head_dim, ctx_q->scale, ctx_q->dtype, ctx_q->data + at);
    }
  });
}

}  // namespace samp::cpu
