// The encoder on the CPU: weights packed (and quantized per the plan) once, the layer loop on packed tokens.
#include <chrono>
#include <cstring>
#include <mutex>

#include "common/error.h"
#include "common/model.h"
#include "cpu/activation_stats.h"
#include "cpu/cpu_layer.h"
#include "cpu/gemm.h"
#include "cpu/ops.h"
#include "cpu/pooler.h"

namespace samp {
namespace {

using cpu::CpuLayer;
using cpu::PackedWeight;
using cpu::copy_weight;

class CpuModel final : public Model {
 public:
  CpuModel(const ModelConfig& c, const ModelWeights& w, const std::vector<LayerPlan>& plan) : c_(c) {
    const int64_t H = c.hidden, F = c.ffn;
    word_ = copy_weight(w.word, int64_t{c.vocab} * H, "word_embeddings");
    position_ = copy_weight(w.position, int64_t{c.max_positions} * H, "position_embeddings");
    type_ = copy_weight(w.token_type, int64_t{c.type_vocab} * H, "token_type_embeddings");
    emb_g_ = copy_weight(w.emb_ln_g, H, "embeddings.LayerNorm.weight");
    emb_b_ = copy_weight(w.emb_ln_b, H, "embeddings.LayerNorm.bias");
    SAMP_REQUIRE(static_cast<int32_t>(w.layers.size()) == c.layers, SAMP_INVALID, "Expected one weight set per layer");
    for (size_t i = 0; i < w.layers.size(); ++i) layers_.emplace_back(w.layers[i], plan[i], H, F);
    if (c.has_pooler) {
      SAMP_REQUIRE(w.pool_w != nullptr, SAMP_INVALID, "Expected the weight pooler.dense");
      pool_ = cpu::gemm_pack_weight(w.pool_w, H, H);
      pool_b_ = copy_weight(w.pool_b, H, "pooler.dense.bias");
    }
  }

  void forward(const ForwardInputs& in, ForwardOutputs& out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    live();
    packing_build(in, c_, packing_);
    run_layers(nullptr);
    const int64_t H = c_.hidden;
    std::memset(out.hidden, 0, sizeof(float) * static_cast<size_t>(int64_t{in.batch} * in.seq * H));
    for (int32_t t = 0; t < packing_.tokens; ++t)
      std::memcpy(out.hidden + int64_t{packing_.source[t]} * H, ws_.h.data() + int64_t{t} * H, sizeof(float) * H);
    if (out.pooled && c_.has_pooler)
      cpu::cpu_pooler(ws_.h.data(), packing_.offsets.data(), in.batch, H, pool_, pool_b_.data(), out.pooled);
  }

  void calibrate(const ForwardInputs& in) override {
    std::lock_guard<std::mutex> lock(mutex_);
    live();
    for (const CpuLayer& l : layers_)
      SAMP_REQUIRE(l.plan().mode == LayerMode::fp32, SAMP_UNSUPPORTED, "Calibration runs on an fp32 model");
    if (stats_.empty()) stats_.resize(layers_.size() * cpu::kStatPoints);
    packing_build(in, c_, packing_);
    run_layers(stats_.data());
  }

  std::vector<PointStats> take_stats() override {
    std::lock_guard<std::mutex> lock(mutex_);
    SAMP_REQUIRE(!stats_.empty(), SAMP_INVALID, "Expected calibrate() before the statistics are taken");
    std::vector<PointStats> out;
    for (const cpu::Histogram& h : stats_) out.push_back(PointStats{h.amax(), h.range(), h.counts()});
    stats_.clear();
    return out;
  }

  BenchmarkResult benchmark(const ForwardInputs& in, int32_t warmup, int32_t iters) override {
    std::lock_guard<std::mutex> lock(mutex_);
    live();
    packing_build(in, c_, packing_);
    BenchmarkResult r;
    r.tokens = packing_.tokens;
    for (int32_t i = 0; i < warmup + iters; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      run_layers(nullptr);
      const auto t1 = std::chrono::steady_clock::now();
      if (i >= warmup) r.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    return r;
  }

  int64_t weight_bytes() const override {
    int64_t n = 4 * static_cast<int64_t>(word_.size() + position_.size() + type_.size() + pool_.data.size());
    for (const CpuLayer& l : layers_) n += l.weight_bytes();
    return n;
  }

  void release() override {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    layers_.clear();
    word_ = position_ = type_ = {};
    pool_ = {};
    ws_ = {};
    stats_.clear();
  }

 private:
  void live() const { SAMP_REQUIRE(!released_, "SAMP_DISPOSED", "This model was disposed"); }

  void run_layers(cpu::Histogram* stats) {
    const int64_t T = packing_.tokens, H = c_.hidden;
    ws_.resize(T, H, c_.ffn);
    const size_t L = layers_.size();
    const auto input_q = [&](size_t i, cpu::Q8& q) -> const cpu::Q8* {
      if (i >= L || layers_[i].plan().mode != LayerMode::fully_quant) return nullptr;
      q = layers_[i].input_q(ws_);
      return &q;
    };
    cpu::Q8 q;
    cpu::cpu_embedding_layernorm(packing_.ids.data(), packing_.types.data(), packing_.positions.data(), T,
                                 word_.data(), position_.data(), type_.data(), emb_g_.data(), emb_b_.data(), H,
                                 c_.eps, ws_.h.data(), input_q(0, q));
    for (size_t i = 0; i < L; ++i)
      layers_[i].forward(ws_, packing_, c_, input_q(i + 1, q), stats ? stats + i * cpu::kStatPoints : nullptr);
  }

  ModelConfig c_;
  std::vector<float> word_, position_, type_, emb_g_, emb_b_;
  std::vector<CpuLayer> layers_;
  PackedWeight pool_;
  std::vector<float> pool_b_;
  std::mutex mutex_;
  bool released_ = false;
  Packing packing_;
  cpu::CpuWorkspace ws_;
  std::vector<cpu::Histogram> stats_;
};

}  // namespace

std::unique_ptr<Model> cpu_model_create(const ModelConfig& config, const ModelWeights& weights,
                                        const std::vector<LayerPlan>& plan) {
  model_config_validate(config);
  SAMP_REQUIRE(static_cast<int32_t>(plan.size()) == config.layers, SAMP_INVALID,
               "Expected a precision plan with one mode per layer");
  for (size_t i = 0; i < plan.size(); ++i) {
    const LayerMode m = plan[i].mode;
    SAMP_REQUIRE(m == LayerMode::fp32 || layer_mode_is_quantized(m), SAMP_UNSUPPORTED,
                 std::string("The cpu device runs fp32, quant-ffn-only and fully-quant layers but layer ") +
                     std::to_string(i) + " asks for " + layer_mode_name(m) + "; resolve the plan for cpu first");
    layer_plan_validate(plan[i], static_cast<int32_t>(i));
  }
  return std::make_unique<CpuModel>(config, weights, plan);
}

}  // namespace samp
