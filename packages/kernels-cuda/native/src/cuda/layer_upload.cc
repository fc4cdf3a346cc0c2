// A layer's weights on the device, as its plan runs them: 8-bit GEMMs quantized as the CPU does, float GEMMs in the
// model's dtype, and the biases that attention and LayerNorm add kept in fp32.
#include "cuda/cuda_layer.h"

#include "cpu/bias_columns.h"

namespace samp::cuda {

CudaLayer upload_layer(WeightUploader& put, const LayerWeights& l, const LayerPlan& plan, const LayerLayout& layout) {
  const int64_t H = layout.hidden, F = layout.ffn;
  const bool fold_bias = layout.fold_bias;
  CudaLayer x{};
  x.plan = plan;
  x.full = x.plan.mode == LayerMode::fully_quant;
  x.ffn8 = layer_mode_is_quantized(x.plan.mode);
  const Dtype8 t = x.plan.dtype8;
  const LayerClips& clips = x.plan.clips;
  x.in = q8_tensor(nullptr, clips.input, t), x.ctx = q8_tensor(nullptr, clips.ctx, t);
  x.ffn_in = q8_tensor(nullptr, clips.ffn_in, t), x.ffn_mid = q8_tensor(nullptr, clips.ffn_mid, t);
  x.qkv_out8 = x.full && clips.qkv > 0.0f;
  if (x.qkv_out8) x.qkv = q8_tensor(nullptr, clips.qkv, t);
  const bool b16 = layout.lt_fp8 && t == Dtype8::fp8;
  // a float GEMM's bias: in the model's dtype for its epilogue, or in fp32 for the kernel that adds it
  auto float_bias = [&](const float* b, int64_t n, const char* what, const float*& folded) -> void* {
    if (!fold_bias) return put.floats(b, n, what);
    folded = static_cast<const float*>(put.floats(b, n, what, true));
    return nullptr;
  };
  if (x.full) {
    x.qkv8 = put.gemm8(l.qkv_w, l.qkv_b, 3 * H, H, t, x.in.scale, b16, "attention qkv");
    x.attn_out8 = put.gemm8(l.attn_out_w, l.attn_out_b, H, H, t, x.ctx.scale, b16, "attention.output.dense");
    if (fold_bias) x.qkv_bias = x.qkv8.bias, x.attn_out_bias = x.attn_out8.bias;
    // an 8-bit QKV output leaves its bias to attention
    if (x.qkv_out8) x.qkv_bias = x.qkv8.bias, x.qkv_inv = put.scalar(1.0f / x.qkv.scale);
  } else {
    x.qkv_w = put.floats(l.qkv_w, 3 * H * H, "attention qkv");
    x.qkv_b = float_bias(l.qkv_b, 3 * H, "attention qkv bias", x.qkv_bias);
    x.attn_out_w = put.floats(l.attn_out_w, H * H, "attention.output.dense");
    x.attn_out_b = float_bias(l.attn_out_b, H, "attention.output.dense.bias", x.attn_out_bias);
  }
  if (x.ffn8) {
    // the bias in the reduction: the FFN input's rows (LayerNorm 1's 8-bit output) end in its columns
    const bool bias_k = b16 && layout.ffn1_bias_in_k && H % 16 == 0;
    x.ffn1_8 = put.gemm8(l.ffn1_w, l.ffn1_b, F, H, t, x.ffn_in.scale, b16, "intermediate.dense", bias_k);
    if (x.ffn1_8.bias_in_k) x.ffn_in.pad = cpu::kBiasColumns;
    x.ffn2_8 = put.gemm8(l.ffn2_w, l.ffn2_b, H, F, t, x.ffn_mid.scale, b16, "output.dense");
    x.ffn_mid_inv = put.scalar(1.0f / x.ffn_mid.scale);
    if (fold_bias) x.ffn2_bias = x.ffn2_8.bias;
  } else {
    x.ffn1_w = put.floats(l.ffn1_w, F * H, "intermediate.dense");
    x.ffn1_b = put.floats(l.ffn1_b, F, "intermediate.dense.bias");
    x.ffn2_w = put.floats(l.ffn2_w, H * F, "output.dense");
    x.ffn2_b = float_bias(l.ffn2_b, H, "output.dense.bias", x.ffn2_bias);
  }
  x.ln1_g = static_cast<float*>(put.floats(l.ln1_g, H, "attention.output.LayerNorm.weight", true));
  x.ln1_b = static_cast<float*>(put.floats(l.ln1_b, H, "attention.output.LayerNorm.bias", true));
  x.ln2_g = static_cast<float*>(put.floats(l.ln2_g, H, "output.LayerNorm.weight", true));
  x.ln2_b = static_cast<float*>(put.floats(l.ln2_b, H, "output.LayerNorm.bias", true));
  return x;
}

}  // namespace samp::cuda
