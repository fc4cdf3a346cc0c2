// Builds the packed token list from padded inputs, checking every value a kernel would index with.
#include "common/packing.h"

#include "common/error.h"

namespace samp {

void packing_build(const ForwardInputs& in, const ModelConfig& c, Packing& p) {
  SAMP_REQUIRE(in.batch > 0 && in.seq > 0, SAMP_INVALID, "Expected a non-empty batch");
  SAMP_REQUIRE(in.seq <= c.max_positions, SAMP_INVALID,
               "Expected sequences of at most " + std::to_string(c.max_positions) +
                   " tokens (max_position_embeddings) but received " + std::to_string(in.seq));
  p.batch = in.batch;
  p.seq = in.seq;
  p.source.clear();
  p.ids.clear();
  p.types.clear();
  p.positions.clear();
  p.offsets.assign(static_cast<size_t>(in.batch) + 1, 0);
  p.max_len = 0;
  for (int32_t b = 0; b < in.batch; ++b) {
    int32_t len = 0;
    for (int32_t s = 0; s < in.seq; ++s) {
      const int64_t i = static_cast<int64_t>(b) * in.seq + s;
      if (in.mask && in.mask[i] == 0) continue;
      const int32_t id = in.ids[i];
      const int32_t type = in.types ? in.types[i] : 0;
      SAMP_REQUIRE(id >= 0 && id < c.vocab, SAMP_INVALID,
                   "Expected token ids in [0, " + std::to_string(c.vocab) + ") but received " + std::to_string(id) +
                       " at row " + std::to_string(b) + ", column " + std::to_string(s));
      SAMP_REQUIRE(type >= 0 && type < c.type_vocab, SAMP_INVALID,
                   "Expected token type ids in [0, " + std::to_string(c.type_vocab) + ") but received " +
                       std::to_string(type) + " at row " + std::to_string(b) + ", column " + std::to_string(s));
      p.source.push_back(static_cast<int32_t>(i));
      p.ids.push_back(id);
      p.types.push_back(type);
      p.positions.push_back(s);
      ++len;
    }
    SAMP_REQUIRE(len > 0, SAMP_INVALID,
                 "Expected at least one token with attention mask 1 in every row but row " + std::to_string(b) +
                     " has none");
    p.offsets[b + 1] = p.offsets[b] + len;
    if (len > p.max_len) p.max_len = len;
  }
  p.tokens = p.offsets[in.batch];
}

}  // namespace samp
