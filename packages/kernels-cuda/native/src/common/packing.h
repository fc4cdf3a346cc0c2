// Variable-length packing: the valid tokens of a padded [batch, seq] input, laid end to end.
// Every kernel after the embedding runs on packed tokens only (padding removed between layers).
#pragma once
#include <cstdint>
#include <vector>

#include "common/model_config.h"

namespace samp {

struct ForwardInputs {
  const int32_t* ids = nullptr;    // [batch, seq]
  const int32_t* types = nullptr;  // [batch, seq] or null (all 0)
  const int32_t* mask = nullptr;   // [batch, seq] or null (all 1)
  int32_t batch = 0, seq = 0;
};

struct ForwardOutputs {
  float* hidden = nullptr;  // [batch, seq, hidden]; zero where the mask is 0
  float* pooled = nullptr;  // [batch, hidden] or null
};

struct Packing {
  int32_t batch = 0, seq = 0, tokens = 0, max_len = 0;
  std::vector<int32_t> source;     // [tokens]: index b * seq + s of each packed token
  std::vector<int32_t> ids;        // [tokens]
  std::vector<int32_t> types;      // [tokens]
  std::vector<int32_t> positions;  // [tokens]: the column s (HF position ids ignore padding)
  std::vector<int32_t> offsets;    // [batch + 1]: first packed token of each row
};

/** Packs and validates: ids inside the vocab, types inside the type vocab, seq within the position table,
 * and at least one token per row. */
void packing_build(const ForwardInputs& in, const ModelConfig& config, Packing& out);

}  // namespace samp
