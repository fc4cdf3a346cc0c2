// CPU kernels around the GEMMs, on packed tokens (row-major, fp32).
#pragma once
#include <cstdint>

namespace samp::cpu {

/** out[t] = LayerNorm(word[ids[t]] + position[positions[t]] + type[types[t]]). */
void cpu_embedding_layernorm(const int32_t* ids, const int32_t* types, const int32_t* positions, int64_t tokens,
                             const float* word, const float* position, const float* type, const float* gamma,
                             const float* beta, int64_t hidden, float eps, float* out);

/** x[t] = LayerNorm(x[t] + residual[t]) in place (the GEMM before it has already added its bias). */
void cpu_add_layernorm(float* x, const float* residual, int64_t tokens, const float* gamma, const float* beta,
                       int64_t hidden, float eps);

/** Multi-head self-attention over packed sequences: qkv [tokens, 3 * heads * head_dim] (query, key, value
 * stacked), offsets [batch + 1]; writes ctx [tokens, heads * head_dim]. Softmax(q k^T / sqrt(d)) v per head. */
void cpu_attention(const float* qkv, const int32_t* offsets, int64_t batch, int64_t heads, int64_t head_dim,
                   float* ctx);

}  // namespace samp::cpu
