// Validation of the model shape and the names of layer modes.
#include "common/model_config.h"

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
  SAMP_REQUIRE(false, SAMP_INVALID, "Expected a layer mode of fp32, fp16 or bf16 but received \"" + name + "\"");
}

const char* layer_mode_name(LayerMode mode) {
  switch (mode) {
    case LayerMode::fp32: return "fp32";
    case LayerMode::fp16: return "fp16";
    case LayerMode::bf16: return "bf16";
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
