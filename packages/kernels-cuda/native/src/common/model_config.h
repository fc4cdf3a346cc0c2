// The encoder's shape, its per-layer precision plan and the host weights handed to a backend.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace samp {

struct ModelConfig {
  int32_t vocab = 0, hidden = 0, layers = 0, heads = 0, ffn = 0;
  int32_t max_positions = 0, type_vocab = 0;
  float eps = 1e-12f;
  bool has_pooler = true;
};

/** Precision of one encoder layer; backends dispatch per layer. quant_ffn_only: the two FFN GEMMs 8-bit;
 * fully_quant: all four GEMM groups 8-bit, 8-bit data between kernels and an 8-bit residual. */
enum class LayerMode : int32_t { fp32 = 0, fp16 = 1, bf16 = 2, quant_ffn_only = 3, fully_quant = 4 };

/** The 8-bit type of a quantized layer: INT8, or FP8 E4M3. */
enum class Dtype8 : int32_t { int8 = 0, fp8 = 1 };

/** Static activation clip values (the |x| that maps to the largest 8-bit code) at a layer's quantization points. */
struct LayerClips {
  float input = 0.0f;    // the layer's input (QKV GEMM input and first residual): fully_quant only
  float ctx = 0.0f;      // attention output (attention-output GEMM input): fully_quant only
  float ffn_in = 0.0f;   // first LayerNorm output (first FFN GEMM input)
  float ffn_mid = 0.0f;  // GELU output (second FFN GEMM input)
  float qkv = 0.0f;      // QKV GEMM output before its bias (attention input): fully_quant, optional (0: 16-bit)
};

struct LayerPlan {
  LayerMode mode = LayerMode::fp32;
  Dtype8 dtype8 = Dtype8::int8;
  LayerClips clips;
};

LayerMode layer_mode_from_string(const std::string& name);
const char* layer_mode_name(LayerMode mode);
Dtype8 dtype8_from_string(const std::string& name);
bool layer_mode_is_quantized(LayerMode mode);
/** Checks the clips a quantized layer needs (positive and finite). */
void layer_plan_validate(const LayerPlan& plan, int32_t layer);

/** Row-major fp32 host weights, borrowed for the duration of model construction. */
struct LayerWeights {
  const float *qkv_w = nullptr, *qkv_b = nullptr;    // [3H, H], [3H]: query, key, value stacked
  const float *attn_out_w = nullptr, *attn_out_b = nullptr;  // [H, H], [H]
  const float *ln1_g = nullptr, *ln1_b = nullptr;    // [H]
  const float *ffn1_w = nullptr, *ffn1_b = nullptr;  // [F, H], [F]
  const float *ffn2_w = nullptr, *ffn2_b = nullptr;  // [H, F], [H]
  const float *ln2_g = nullptr, *ln2_b = nullptr;    // [H]
};

struct ModelWeights {
  const float *word = nullptr, *position = nullptr, *token_type = nullptr;  // [V,H], [P,H], [T,H]
  const float *emb_ln_g = nullptr, *emb_ln_b = nullptr;
  std::vector<LayerWeights> layers;
  const float *pool_w = nullptr, *pool_b = nullptr;  // [H, H], [H]; null without a pooler
};

void model_config_validate(const ModelConfig& config);

}  // namespace samp
