// Attention on the CPU: one task per (sequence, head), each block of queries two register-tiled small GEMMs
// around a softmax, in fp32; the context written 8-bit too where the next GEMM is quantized.
// Lanes travel between inline functions only: no ABI boundary for GCC's -Wpsabi note to matter
#pragma GCC diagnostic ignored "-Wpsabi"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "cpu/gemm.h"
#include "cpu/ops.h"
#include "cpu/simd.h"
#include "cpu/thread_pool.h"
#include "cpu/transpose.h"
#include "cpu/vmath.h"

namespace samp::cpu {
namespace {

constexpr int64_t kRows = 6;   // queries per register tile: 6 x 64 lanes = 24 accumulators (of 32 zmm)
constexpr int64_t kQueryBlock = 8 * kRows;
constexpr int64_t kLanes = 16; // keys (scores) or head-dim columns (context) per register tile

/** Keys of one head transposed to [d][padded] (padded = len rounded up to kLanes, the pad zero), so that scores
 * are rows of a small GEMM over contiguous memory: 16 x 16 blocks in registers with AVX-512, the rest (and all of
 * it elsewhere) element by element. */
void transpose_keys(const float* keys, int64_t len, int64_t padded, int64_t stride, int64_t d, float* kt) {
  static const bool blocks = std::strcmp(gemm_isa(), "avx512") == 0;
  int64_t j0 = 0;
  if (blocks && d % 16 == 0)
    for (; j0 + 16 <= len; j0 += 16)
      for (int64_t x0 = 0; x0 < d; x0 += 16)
        transpose16_avx512(keys + j0 * stride + x0, stride, kt + x0 * padded + j0, padded);
  for (int64_t x = 0; x < d; ++x) {
    for (int64_t j = j0; j < len; ++j) kt[x * padded + j] = keys[j * stride + x];
    for (int64_t j = len; j < padded; ++j) kt[x * padded + j] = 0.0f;
  }
}

/** Softmax of a row of scores times `scale` (> 0), in place (the first len of them); returns 1 / sum. Always
 * inlined, so that it is vectorized for its caller's target clone. */
__attribute__((always_inline)) inline float softmax_row(float* scores, int64_t len, float scale) {
  float max = -INFINITY;
#pragma omp simd reduction(max : max)
  for (int64_t j = 0; j < len; ++j) max = max > scores[j] ? max : scores[j];
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < len; ++j) {
    scores[j] = vm_exp((scores[j] - max) * scale);
    sum += scores[j];
  }
  return 1.0f / sum;
}

/** kLanes floats, unaligned: GCC vector extensions keep the tiles in registers (one zmm on AVX-512, two ymm on
 * AVX2, four xmm otherwise). */
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float)), aligned(4)));
inline Lanes load(const float* p) { return *reinterpret_cast<const Lanes*>(p); }
inline void store(float* p, Lanes v) { *reinterpret_cast<Lanes*>(p) = v; }

/**
 * Attention of `rows` (<= kQueryBlock) consecutive queries against all `len` keys of one head, as two small
 * register-tiled GEMMs: scores = q K^T over kRows x 64-key tiles (the queries read in place), softmax of the scores
 * times `scale` per row (its 1 / sum applied to the context rows instead of to every probability), then context =
 * P V over kRows x 64-column tiles of the head dimension; 16-lane tiles for the remainders (d a multiple of kLanes).
 * Each sum runs in key or column order, as in a per-query loop. With the usual head sizes scale is a power of two,
 * so scaling the scores instead of the queries changes no bit.
 */
SAMP_VECTOR_CLONES
void attend_block(const float* q, const float* kt, const float* values, int64_t rows, int64_t len, int64_t padded,
                  int64_t stride, int64_t d, float scale, float* scores, float* out, int64_t out_stride) {
  const int64_t tiles = (rows + kRows - 1) / kRows;
  for (int64_t t = 0; t < tiles; ++t) {
    const float* qr[kRows];  // the tile's query rows; rows past the block read row 0 (their scores are dropped)
    for (int64_t r = 0; r < kRows; ++r) qr[r] = q + (t * kRows + r < rows ? t * kRows + r : 0) * stride;
    float* st = scores + t * kRows * padded;
    int64_t j0 = 0;
    for (; j0 + 4 * kLanes <= padded; j0 += 4 * kLanes) {  // kRows queries x 64 keys: 4 loads, kRows broadcasts
      Lanes a[kRows][4] = {};
      for (int64_t x = 0; x < d; ++x) {
        const float* kx = kt + x * padded + j0;
        const Lanes k0 = load(kx), k1 = load(kx + kLanes), k2 = load(kx + 2 * kLanes), k3 = load(kx + 3 * kLanes);
#pragma GCC unroll 8
        for (int64_t r = 0; r < kRows; ++r) {
          const float qx = qr[r][x];
          a[r][0] += qx * k0;
          a[r][1] += qx * k1;
          a[r][2] += qx * k2;
          a[r][3] += qx * k3;
        }
      }
      for (int64_t r = 0; r < kRows; ++r)
        for (int c = 0; c < 4; ++c) store(st + r * padded + j0 + c * kLanes, a[r][c]);
    }
    for (; j0 < padded; j0 += kLanes) {
      Lanes a[kRows] = {};
      for (int64_t x = 0; x < d; ++x) {
        const Lanes k = load(kt + x * padded + j0);
#pragma GCC unroll 8
        for (int64_t r = 0; r < kRows; ++r) a[r] += qr[r][x] * k;
      }
      for (int64_t r = 0; r < kRows; ++r) store(st + r * padded + j0, a[r]);
    }
  }
  // unnormalized probabilities and 1 / sum per row; rows past the block stay zero
  float inv[kQueryBlock];
  for (int64_t i = 0; i < tiles * kRows; ++i) {
    float* p = scores + i * padded;
    if (i >= rows) {
      for (int64_t j = 0; j < padded; ++j) p[j] = 0.0f;
      continue;
    }
    inv[i] = softmax_row(p, len, scale);
  }
  for (int64_t t = 0; t < tiles; ++t) {
    const float* st = scores + t * kRows * padded;
    const int64_t nr = std::min(kRows, rows - t * kRows);
    int64_t x0 = 0;
    for (; x0 + 4 * kLanes <= d; x0 += 4 * kLanes) {  // kRows queries x 64 head columns: 4 loads, kRows broadcasts
      Lanes a[kRows][4] = {};
      for (int64_t j = 0; j < len; ++j) {
        const float* vj = values + j * stride + x0;
        const Lanes v0 = load(vj), v1 = load(vj + kLanes), v2 = load(vj + 2 * kLanes), v3 = load(vj + 3 * kLanes);
#pragma GCC unroll 8
        for (int64_t r = 0; r < kRows; ++r) {
          const float p = st[r * padded + j];
          a[r][0] += p * v0;
          a[r][1] += p * v1;
          a[r][2] += p * v2;
          a[r][3] += p * v3;
        }
      }
      for (int64_t r = 0; r < nr; ++r)
        for (int c = 0; c < 4; ++c) store(out + (t * kRows + r) * out_stride + x0 + c * kLanes, a[r][c] * inv[t * kRows + r]);
    }
    for (; x0 < d; x0 += kLanes) {
      Lanes a[kRows] = {};
      for (int64_t j = 0; j < len; ++j) {
        const Lanes v = load(values + j * stride + x0);
#pragma GCC unroll 8
        for (int64_t r = 0; r < kRows; ++r) a[r] += st[r * padded + j] * v;
      }
      for (int64_t r = 0; r < nr; ++r) store(out + (t * kRows + r) * out_stride + x0, a[r] * inv[t * kRows + r]);
    }
  }
}

/** One query at a time: any head size. */
SAMP_VECTOR_CLONES
void attend_row(const float* q, const float* kt, const float* values, int64_t len, int64_t padded, int64_t stride,
                int64_t d, float scale, float* scores, float* out) {
  for (int64_t j = 0; j < len; ++j) scores[j] = 0.0f;
  for (int64_t x = 0; x < d; ++x) {
    const float qx = q[x] * scale;  // scale is 1 / sqrt(d): a power of two for the usual head sizes
    const float* row = kt + x * padded;
    for (int64_t j = 0; j < len; ++j) scores[j] += qx * row[j];
  }
  const float inv = softmax_row(scores, len, 1.0f);
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
  // one task per (sequence, head): its keys are transposed once for all its blocks of queries
  cpu_parallel_for(batch * heads, [&](int64_t task) {
    const int64_t b = task / heads, h = task % heads;
    const int64_t first = offsets[b], len = offsets[b + 1] - offsets[b];
    if (len == 0) return;
    const int64_t padded = (len + kLanes - 1) / kLanes * kLanes;
    thread_local std::vector<float> scores, kt;
    scores.resize(static_cast<size_t>(kQueryBlock * padded));
    kt.resize(static_cast<size_t>(padded * head_dim));
    const float* base = qkv + first * stride + h * head_dim;
    transpose_keys(base + hidden, len, padded, stride, head_dim, kt.data());
    for (int64_t q0 = 0; q0 < len; q0 += kQueryBlock) {
      const int64_t rows = std::min(len - q0, kQueryBlock);
      float* out = ctx + (first + q0) * hidden + h * head_dim;
      if (head_dim % kLanes == 0) {
        attend_block(base + q0 * stride, kt.data(), base + 2 * hidden, rows, len, padded, stride, head_dim, scale,
                     scores.data(), out, hidden);
      } else {
        for (int64_t i = 0; i < rows; ++i)
          attend_row(base + (q0 + i) * stride, kt.data(), base + 2 * hidden, len, padded, stride, head_dim, scale, scores.data(), out + i * hidden);
      }
      if (ctx_q) {
        for (int64_t i = 0; i < rows; ++i) {
          const int64_t at = (first + q0 + i) * hidden + h * head_dim;
          q8_encode_row(ctx + at, head_dim, ctx_q->scale, ctx_q->dtype, ctx_q->data + at);
        }
      }
    }
  });
}

}  // namespace samp::cpu
