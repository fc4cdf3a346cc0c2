// Validation of the model shape and the names of layer modes.
#include "common/model_config.h"

#include <cmath>

#include "common/error.h"

namespace samp {

void fail(const char* code, const std::string& message, const char* file, int line) {
  const char* base = file;
  for (const char* p = file; *p; ++p)
    if (*p == '/' || *p == '\\') base = p + 1;
  throw Error(code, message + " (at " + base + ":" + std::to_string(line) + ")");
}

LayerMode layer_mode_from_string(const std::string& name) {
  if (name == "fp32") return LayerMode::fp32;
  if (name == "fp16") return LayerMode::fp16;
  if (name == "bf16") return LayerMode::bf16;
  if (name == "quant-ffn-only") return LayerMode::quant_ffn_only;
  if (name == "fully-quant") return LayerMode::fully_quant;
  SAMP_REQUIRE(false, SAMP_INVALID,
               "Expected a layer mode of fp32, fp16, bf16, quant-ffn-only or fully-quant but received \"" + name + "\"");
}

Dtype8 dtype8_from_string(const std::string& name) {
  if (name == "int8") return Dtype8::int8;
  if (name == "fp8") return Dtype8::fp8;
  SAMP_REQUIRE(false, SAMP_INVALID, "Expected an 8-bit type of int8 or fp8 but received \"" + name + "\"");
}

bool layer_mode_is_quantized(LayerMode mode) {
  return mode == LayerMode::quant_ffn_only || mode == LayerMode::fully_quant;
}

void layer_plan_validate(const LayerPlan& p, int32_t layer) {
  if (!layer_mode_is_quantized(p.mode)) return;
  const auto check = [&](float clip, const char* what) {
    SAMP_REQUIRE(clip > 0.0f && std::isfinite(clip), SAMP_INVALID,
                 "Expected a positive, finite " + std::string(what) + " clip for layer " + std::to_string(layer) +
                     " (" + layer_mode_name(p.mode) + ") but received " + std::to_string(clip));
  };
  if (p.mode == LayerMode::fully_quant) {
    check(p.clips.input, "input");
    check(p.clips.ctx, "ctx");
    if (p.clips.qkv != 0.0f) check(p.clips.qkv, "qkv");
  }
  check(p.clips.ffn_in, "ffnIn");
  check(p.clips.ffn_mid, "ffnMid");
}

const char* layer_mode_name(LayerMode mode) {
  switch (mode) {
    case LayerMode::fp32: return "fp32";
    case LayerMode::fp16: return "fp16";
    case LayerMode::bf16: return "bf16";
    case LayerMode::quant_ffn_only: return "quant-ffn-only";
    case LayerMode::fully_quant: return "fully-quant";
  }
  return "?";
}

void model_config_validate(const ModelConfig& c) {
  SAMP_REQUIRE(c.vocab > 0 && c.hidden > 0 && c.layers > 0 && c.heads > 0 && c.ffn > 0 && c.max_positions > 0 &&
                   c.type_vocab > 0,
               SAMP_INVALID, "Expected positive sizes in the model config");
  SAMP_REQUIRE(c.hidden % c.heads == 0, SAMP_INVALID,
               "Expected hidden_size divisible by num_attention_heads but received " + std::to_string(c.hidden) +
                   " and " + std::to_string(c.heads));
  SAMP_REQUIRE(c.hidden <= 8192 && c.hidden / c.heads <= 256, SAMP_INVALID,
               "Expected hidden_size <= 8192 and a head size <= 256");
  SAMP_REQUIRE(c.eps > 0.0f, SAMP_INVALID, "Expected layer_norm_eps > 0");
}

}  // namespace samp
