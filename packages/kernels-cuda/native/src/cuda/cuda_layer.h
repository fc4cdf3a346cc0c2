// One encoder layer of the CUDA model as uploaded: its plan, its weights on the device (float GEMMs, or 8-bit GEMMs
// with their scales) and the 8-bit tensors at its quantization points; and the upload itself.
#pragma once
#include <cuda_runtime.h>

#include "common/model_config.h"
#include "cuda/q8.h"
#include "cuda/weight_upload.h"

namespace samp::cuda {

struct CudaLayer {
  LayerPlan plan;
  bool full = false, ffn8 = false;  // fully-quant; 8-bit FFN (quant-ffn-only or fully-quant)
  bool qkv_out8 = false;            // fully-quant with a qkv clip: the QKV output 8-bit
  // float GEMMs (null where 8-bit)
  void *qkv_w = nullptr, *qkv_b = nullptr, *attn_out_w = nullptr, *attn_out_b = nullptr;
  void *ffn1_w = nullptr, *ffn1_b = nullptr, *ffn2_w = nullptr, *ffn2_b = nullptr;
  Gemm8Weights qkv8, attn_out8, ffn1_8, ffn2_8;
  float *ln1_g = nullptr, *ln1_b = nullptr, *ln2_g = nullptr, *ln2_b = nullptr;
  float* ffn_mid_inv = nullptr;  // device 1 / scale of the GELU output (cuBLASLt FP8 output scale)
  float* qkv_inv = nullptr;      // likewise of the QKV output (qkv_out8)
  /** fp32 biases of the QKV, attention output and FFN2 GEMMs where attention / LayerNorm add them (else null). */
  const float *qkv_bias = nullptr, *attn_out_bias = nullptr, *ffn2_bias = nullptr;
  /** The 8-bit tensors at the layer's quantization points (data: the model's shared buffers). */
  Q8Tensor in, ctx, ffn_in, ffn_mid, qkv;
};

/** How a model lays out its layers: hidden and FFN sizes; lt_fp8: FP8 GEMMs through cuBLASLt (they need an fp16
 * copy of the bias); fold_bias: attention and LayerNorm add the biases of the GEMMs before them; ffn1_bias_in_k:
 * cuBLASLt FP8 FFN1 GEMMs carry their bias in their reduction (cpu/bias_columns.h; SAMP_CUDA_FFN1_BIAS_K=1), so
 * that their epilogue is GELU alone. */
struct LayerLayout {
  int64_t hidden = 0, ffn = 0;
  bool lt_fp8 = false, fold_bias = false, ffn1_bias_in_k = false;
};

/** Lays out (and, with an uploading `put`, uploads) one layer's weights for its plan. */
CudaLayer upload_layer(WeightUploader& put, const LayerWeights& l, const LayerPlan& plan, const LayerLayout& layout);

}  // namespace samp::cuda
