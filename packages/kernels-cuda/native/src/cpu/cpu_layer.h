// One encoder layer on the CPU in its plan's mode: fp32, quant-ffn-only (the FFN GEMMs 8-bit) or fully-quant
// (all four GEMM groups 8-bit, 8-bit data between kernels, the residual 8-bit; LayerNorm inputs in fp32).
#pragma once
#include <cstdint>
#include <vector>

#include "common/model_config.h"
#include "common/packing.h"
#include "cpu/activation_stats.h"
#include "cpu/gemm.h"
#include "cpu/q8.h"
#include "cpu/quant_linear.h"

namespace samp::cpu {

/** A copy of a host weight of n values; a missing one (null) is SAMP_INVALID_ARGUMENT naming `what`. */
std::vector<float> copy_weight(const float* p, int64_t n, const char* what);

/** Activations of a forward, reused across calls. `h` holds a layer's input and, after it, its output. */
struct CpuWorkspace {
  std::vector<float> h, qkv, ctx, a, f;
  std::vector<int8_t> hq, ctxq, aq, fq, qkvq;
  void resize(int64_t tokens, int64_t hidden, int64_t ffn);
};

class CpuLayer {
 public:
  CpuLayer(const LayerWeights& w, const LayerPlan& plan, int64_t hidden, int64_t ffn);

  const LayerPlan& plan() const { return plan_; }
  /** Where this layer reads its input 8-bit (fully-quant only): the workspace's `hq` with the input clip. */
  Q8 input_q(CpuWorkspace& ws) const;

  /** Runs the layer on ws.h (and ws.hq when fully-quant); leaves its output in ws.h, and 8-bit in `next_input`
   * when the next layer reads it so. With `stats`, records this layer's kStatPoints points (fp32 layers only). */
  void forward(CpuWorkspace& ws, const Packing& p, const ModelConfig& c, const Q8* next_input,
               Histogram* stats) const;

  int64_t weight_bytes() const;

 private:
  Q8 q8_of(std::vector<int8_t>& buffer, float clip) const;

  LayerPlan plan_;
  PackedWeight qkv_, attn_out_, ffn1_, ffn2_;       // the GEMMs the mode keeps in fp32
  QuantLinear qkv_q_, attn_out_q_, ffn1_q_, ffn2_q_;  // the 8-bit ones
  std::vector<float> qkv_b_, attn_out_b_, ln1_g_, ln1_b_, ffn1_b_, ffn2_b_, ln2_g_, ln2_b_;
};

}  // namespace samp::cpu
