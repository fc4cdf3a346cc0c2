// Launchers of the CUDA kernels (declarations only). Each takes an explicit stream and checks its launch.
// Activations and weights are in the given dtype; LayerNorm parameters are fp32; ints are int32.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "cuda/dtype.h"
#include "cuda/q8.h"

namespace samp::cuda {

/** The current device's number of SMs (for launch sizes; cached per device). */
int current_sm_count();

/** Whether kernels on the current device launch with programmatic dependent launch (sm_90 and newer, unless
 * SAMP_CUDA_PDL=0): see cuda/launch.cuh. Cached per device. */
bool current_device_overlaps_launches();

/** dst[i] = (dtype) src[i]. */
void launch_convert_from_f32(DType dt, const float* src, void* dst, int64_t n, cudaStream_t stream);
/** q.data[i] = 8-bit encoding of x[i] (fp16 / bf16, n a multiple of 8): only where the producer (cuBLASLt) cannot
 * emit 8-bit itself. */
void launch_quantize8(DType dt, const void* x, int64_t n, const Q8Store& q, cudaStream_t stream);
/** dst[i] = (float) src[i]. */
void launch_convert_to_f32(DType dt, const void* src, float* dst, int64_t n, cudaStream_t stream);

/** out[t] = LayerNorm(word[ids[t]] + position[positions[t]] + type[types[t]]), t < tokens; also 8-bit to q
 * where q.data is given (hidden <= 1024). */
void launch_embedding_layernorm(DType dt, const int32_t* ids, const int32_t* types, const int32_t* positions,
                                int64_t tokens, const void* word, const void* position, const void* type,
                                const float* gamma, const float* beta, int64_t hidden, float eps, void* out,
                                const Q8Store& q, cudaStream_t stream);

/** x[t] = LayerNorm(x[t] + residual[t]) in place. */
void launch_add_layernorm(DType dt, void* x, const void* residual, int64_t tokens, const float* gamma,
                          const float* beta, int64_t hidden, float eps, cudaStream_t stream);

/** The last layer's x[t] = LayerNorm(x[t] + residual[t]), also written in fp32 to out[source[t]] (skipped where
 * source[t] < 0); hidden <= 1024. */
void launch_add_layernorm_unpack(DType dt, void* x, const void* residual, int64_t tokens, const float* gamma,
                                 const float* beta, int64_t hidden, float eps, const int32_t* source, float* out,
                                 cudaStream_t stream);

/** Whether launch_add_layernorm_q8 takes rows of this width (a multiple of 8, at most 1024: every BERT width). */
bool add_layernorm_q8_width(int64_t hidden);

/** LayerNorm(x[t] + x_bias + residual[t]) with x_bias fp32 [hidden] or null (the bias x's GEMM left out), the
 * residual in dt (residual) or 8-bit (residual8.data), written to y (dt; may be x) where given, 8-bit to q where
 * q.data is given, and in fp32 to unpacked[source[t]] (skipped where source[t] < 0) where source is given. hidden a
 * multiple of 8, at most 1024. q8_only_instances: a launch that writes only q takes the instances without the other
 * outputs' branches (16-bit dt, one 8-bit type, hidden 768 or 1024; opt-in until measured, SAMP_CUDA_LN_Q8_ONLY). */
void launch_add_layernorm_q8(DType dt, const void* x, const float* x_bias, const void* residual,
                             const Q8Load& residual8, int64_t tokens, const float* gamma, const float* beta,
                             int64_t hidden, float eps, void* y, const Q8Store& q, const int32_t* source,
                             float* unpacked, cudaStream_t stream, bool q8_only_instances = false);

/** x = GELU(x + bias) (erf form), x [rows, cols]. */
void launch_bias_gelu(DType dt, void* x, const void* bias, int64_t rows, int64_t cols, cudaStream_t stream);

/** Fused multi-head attention over packed sequences: qkv [tokens, 3 * heads * head_dim] in dt, or 8-bit in in8
 * where in8.data is given (qkv unused then); offsets [batch + 1] (device); ctx [tokens, heads * head_dim] in dt, or
 * 8-bit to q where q.data is given (ctx unused then; of in8's type where both are 8-bit). bias: the QKV GEMM's bias
 * (fp32 [3 * heads * head_dim]) where that GEMM left it out, else null. max_len bounds every sequence's length
 * (launch size). */
void launch_attention(DType dt, const void* qkv, const Q8Load& in8, const float* bias, const int32_t* offsets,
                      int64_t batch, int64_t heads, int64_t head_dim, int64_t max_len, void* ctx, const Q8Store& q,
                      cudaStream_t stream);

/** out[b] = tanh(W * hidden[offsets[b]] + bias) in fp32; W [width, width], bias [width] in dt. */
void launch_pooler(DType dt, const void* hidden, const int32_t* offsets, int64_t batch, int64_t width,
                   const void* w, const void* bias, float* out, cudaStream_t stream);

/** out[source[t]] = (float) packed[t] for t < tokens with source[t] >= 0 (out zeroed by the caller). */
void launch_unpack(DType dt, const void* packed, const int32_t* source, int64_t tokens, int64_t width, float* out,
                   cudaStream_t stream);

}  // namespace samp::cuda
