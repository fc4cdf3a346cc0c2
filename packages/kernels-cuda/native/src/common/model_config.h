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

/** Precision of one encoder layer. 8-bit modes join this list; backends dispatch per layer. */
enum class LayerMode : int32_t { fp32 = 0, fp16 = 1, bf16 = 2 };

LayerMode layer_mode_from_string(const std::string& name);
const char* layer_mode_name(LayerMode mode);

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
