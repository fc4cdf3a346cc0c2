// CPU kernels around the GEMMs, on packed tokens (row-major, fp32).
#pragma once
#include <cstdint>

#include "cpu/q8.h"

namespace samp::cpu {

/** out[t] = LayerNorm(word[ids[t]] + position[positions[t]] + type[types[t]]); also 8-bit into `out_q` if given. */
void cpu_embedding_layernorm(const int32_t* ids, const int32_t* types, const int32_t* positions, int64_t tokens,
                             const float* word, const float* position, const float* type, const float* gamma,
                             const float* beta, int64_t hidden, float eps, float* out, const Q8* out_q = nullptr);

/** x[t] = LayerNorm(x[t] + residual[t]) in place (the GEMM before it has already added its bias). With
 * `residual_q` the residual is that 8-bit tensor (decoded) instead; with `out_q` the result is also written 8-bit. */
void cpu_add_layernorm(float* x, const float* residual, int64_t tokens, const float* gamma, const float* beta,
                       int64_t hidden, float eps, const Q8* residual_q = nullptr, const Q8* out_q = nullptr);

/** Multi-head self-attention over packed sequences: qkv [tokens, 3 * heads * head_dim] (query, key, value
 * stacked), offsets [batch + 1]; writes ctx [tokens, heads * head_dim]. Softmax(q k^T / sqrt(d)) v per head.
 * With `ctx_q`, ctx is also written 8-bit. */
void cpu_attention(const float* qkv, const int32_t* offsets, int64_t batch, int64_t heads, int64_t head_dim,
                   float* ctx, const Q8* ctx_q = nullptr);

}  // namespace samp::cpu
