// The encoder on the CPU in fp32: weights packed once, the layer loop on packed tokens.
#include <chrono>
#include <cstring>
#include <mutex>

#include "common/error.h"
#include "common/model.h"
#include "cpu/gemm.h"
#include "cpu/ops.h"
#include "cpu/pooler.h"

namespace samp {
namespace {

using cpu::Epilogue;
using cpu::PackedWeight;

std::vector<float> copy_of(const float* p, int64_t n, const char* what) {
  SAMP_REQUIRE(p != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
  return std::vector<float>(p, p + n);
}

PackedWeight packed_of(const float* p, int64_t n, int64_t k, const char* what) {
  SAMP_REQUIRE(p != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
  return cpu::gemm_pack_weight(p, n, k);
}

struct CpuLayer {
  PackedWeight qkv, attn_out, ffn1, ffn2;
  std::vector<float> qkv_b, attn_out_b, ln1_g, ln1_b, ffn1_b, ffn2_b, ln2_g, ln2_b;
};

class CpuModel final : public Model {
 public:
  CpuModel(const ModelConfig& c, const ModelWeights& w) : c_(c) {
    const int64_t H = c.hidden, F = c.ffn;
    word_ = copy_of(w.word, int64_t{c.vocab} * H, "word_embeddings");
    position_ = copy_of(w.position, int64_t{c.max_positions} * H, "position_embeddings");
    type_ = copy_of(w.token_type, int64_t{c.type_vocab} * H, "token_type_embeddings");
    emb_g_ = copy_of(w.emb_ln_g, H, "embeddings.LayerNorm.weight");
    emb_b_ = copy_of(w.emb_ln_b, H, "embeddings.LayerNorm.bias");
    SAMP_REQUIRE(static_cast<int32_t>(w.layers.size()) == c.layers, SAMP_INVALID, "Expected one weight set per layer");
    for (const LayerWeights& l : w.layers) {
      CpuLayer x;
      x.qkv = packed_of(l.qkv_w, 3 * H, H, "attention qkv");
      x.attn_out = packed_of(l.attn_out_w, H, H, "attention.output.dense");
      x.ffn1 = packed_of(l.ffn1_w, F, H, "intermediate.dense");
      x.ffn2 = packed_of(l.ffn2_w, H, F, "output.dense");
      x.qkv_b = copy_of(l.qkv_b, 3 * H, "attention qkv bias");
      x.attn_out_b = copy_of(l.attn_out_b, H, "attention.output.dense.bias");
      x.ln1_g = copy_of(l.ln1_g, H, "attention.output.LayerNorm.weight");
      x.ln1_b = copy_of(l.ln1_b, H, "attention.output.LayerNorm.bias");
      x.ffn1_b = copy_of(l.ffn1_b, F, "intermediate.dense.bias");
      x.ffn2_b = copy_of(l.ffn2_b, H, "output.dense.bias");
      x.ln2_g = copy_of(l.ln2_g, H, "output.LayerNorm.weight");
      x.ln2_b = copy_of(l.ln2_b, H, "output.LayerNorm.bias");
      layers_.push_back(std::move(x));
    }
    if (c.has_pooler) {
      pool_ = packed_of(w.pool_w, H, H, "pooler.dense");
      pool_b_ = copy_of(w.pool_b, H, "pooler.dense.bias");
    }
  }

  void forward(const ForwardInputs& in, ForwardOutputs& out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    SAMP_REQUIRE(!released_, "SAMP_DISPOSED", "This model was disposed");
    packing_build(in, c_, packing_);
    run_layers();
    const int64_t H = c_.hidden;
    std::memset(out.hidden, 0, sizeof(float) * static_cast<size_t>(int64_t{in.batch} * in.seq * H));
    for (int32_t t = 0; t < packing_.tokens; ++t)
      std::memcpy(out.hidden + int64_t{packing_.source[t]} * H, h_.data() + int64_t{t} * H, sizeof(float) * H);
    if (out.pooled && c_.has_pooler)
      cpu::cpu_pooler(h_.data(), packing_.offsets.data(), in.batch, H, pool_, pool_b_.data(), out.pooled);
  }

  BenchmarkResult benchmark(const ForwardInputs& in, int32_t warmup, int32_t iters) override {
    std::lock_guard<std::mutex> lock(mutex_);
    packing_build(in, c_, packing_);
    BenchmarkResult r;
    r.tokens = packing_.tokens;
    for (int32_t i = 0; i < warmup + iters; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      run_layers();
      const auto t1 = std::chrono::steady_clock::now();
      if (i >= warmup) r.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    return r;
  }

  int64_t weight_bytes() const override {
    int64_t n = static_cast<int64_t>(word_.size() + position_.size() + type_.size() + pool_.data.size());
    for (const CpuLayer& l : layers_)
      n += static_cast<int64_t>(l.qkv.data.size() + l.attn_out.data.size() + l.ffn1.data.size() + l.ffn2.data.size());
    return n * 4;
  }

  void release() override {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    layers_.clear();
    word_ = position_ = type_ = {};
    pool_ = {};
    h_ = qkv_ = ctx_ = a_ = f_ = {};
  }

 private:
  void run_layers() {
    const int64_t T = packing_.tokens, H = c_.hidden, F = c_.ffn;
    h_.resize(T * H), qkv_.resize(T * 3 * H), ctx_.resize(T * H), a_.resize(T * H), f_.resize(T * F);
    cpu::cpu_embedding_layernorm(packing_.ids.data(), packing_.types.data(), packing_.positions.data(), T,
                                 word_.data(), position_.data(), type_.data(), emb_g_.data(), emb_b_.data(), H,
                                 c_.eps, h_.data());
    for (const CpuLayer& l : layers_) {
      cpu::gemm(h_.data(), T, H, l.qkv, l.qkv_b.data(), Epilogue::bias, qkv_.data(), 3 * H);
      cpu::cpu_attention(qkv_.data(), packing_.offsets.data(), packing_.batch, c_.heads, H / c_.heads, ctx_.data());
      cpu::gemm(ctx_.data(), T, H, l.attn_out, l.attn_out_b.data(), Epilogue::bias, a_.data(), H);
      cpu::cpu_add_layernorm(a_.data(), h_.data(), T, l.ln1_g.data(), l.ln1_b.data(), H, c_.eps);
      cpu::gemm(a_.data(), T, H, l.ffn1, l.ffn1_b.data(), Epilogue::bias_gelu, f_.data(), F);
      cpu::gemm(f_.data(), T, F, l.ffn2, l.ffn2_b.data(), Epilogue::bias, h_.data(), H);
      cpu::cpu_add_layernorm(h_.data(), a_.data(), T, l.ln2_g.data(), l.ln2_b.data(), H, c_.eps);
    }
  }

  ModelConfig c_;
  std::vector<float> word_, position_, type_, emb_g_, emb_b_;
  std::vector<CpuLayer> layers_;
  PackedWeight pool_;
  std::vector<float> pool_b_;
  std::mutex mutex_;
  bool released_ = false;
  Packing packing_;
  std::vector<float> h_, qkv_, ctx_, a_, f_;
};

}  // namespace

std::unique_ptr<Model> cpu_model_create(const ModelConfig& config, const ModelWeights& weights,
                                        const std::vector<LayerMode>& plan) {
  model_config_validate(config);
  SAMP_REQUIRE(static_cast<int32_t>(plan.size()) == config.layers, SAMP_INVALID,
               "Expected a precision plan with one mode per layer");
  for (size_t i = 0; i < plan.size(); ++i)
    SAMP_REQUIRE(plan[i] == LayerMode::fp32, SAMP_UNSUPPORTED,
                 std::string("The cpu device runs layers in fp32 only but layer ") + std::to_string(i) + " asks for " +
                     layer_mode_name(plan[i]) + "; resolve the plan to fp32 for cpu first");
  return std::make_unique<CpuModel>(config, weights);
}

}  // namespace samp
