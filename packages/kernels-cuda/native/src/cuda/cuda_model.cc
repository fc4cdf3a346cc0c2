// The encoder on CUDA: weights uploaded once in the layer's dtype, activations in one arena (grown, never
// allocated per call), padding removed (packed tokens, rounded up to a multiple of 16 rows), and the whole
// forward for a (batch, seq, rows) bucket captured once as a CUDA graph and replayed.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "common/model.h"
#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm_lt.h"
#include "cuda/kernels.cuh"
#include "cuda/op_timer.h"

namespace samp {
namespace {

using cuda::Carver;
using cuda::DeviceBuffer;
using cuda::DType;
using cuda::GemmEpilogue;

constexpr int64_t kRowMultiple = 16;
constexpr size_t kMaxGraphs = 64;
constexpr size_t kMaxSeen = 4096;

struct CudaLayer {
  void *qkv_w, *qkv_b, *attn_out_w, *attn_out_b, *ffn1_w, *ffn1_b, *ffn2_w, *ffn2_b;
  float *ln1_g, *ln1_b, *ln2_g, *ln2_b;
};

class CudaModel final : public Model {
 public:
  CudaModel(const ModelConfig& c, const ModelWeights& w, DType dt, int32_t device)
      : c_(c), dt_(dt), device_(device) {
    SAMP_CUDA_CHECK(cudaSetDevice(device_));
    SAMP_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    gemm_ = std::make_unique<cuda::LtGemm>();
    const char* graphs = std::getenv("SAMP_CUDA_GRAPHS");
    use_graphs_ = !(graphs && std::strcmp(graphs, "0") == 0) && !timer_.enabled();
    Carver measure(nullptr);
    layout_weights(measure, w, false);
    weights_ = DeviceBuffer(measure.used());
    Carver carve(weights_.get());
    layout_weights(carve, w, true);
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
    staging_.reset();
  }

  ~CudaModel() override {
    try {
      release();
    } catch (...) {
    }
  }

  void forward(const ForwardInputs& in, ForwardOutputs& out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    SAMP_REQUIRE(stream_ != nullptr, "SAMP_DISPOSED", "This model was disposed");
    SAMP_CUDA_CHECK(cudaSetDevice(device_));
    const int64_t rows = stage(in);
    run(in.batch, in.seq, rows);
    const int64_t H = c_.hidden;
    SAMP_CUDA_CHECK(cudaMemcpyAsync(out.hidden, hidden_out_, sizeof(float) * in.batch * in.seq * H,
                                    cudaMemcpyDeviceToHost, stream_));
    if (out.pooled && c_.has_pooler)
      SAMP_CUDA_CHECK(cudaMemcpyAsync(out.pooled, pooled_out_, sizeof(float) * in.batch * H, cudaMemcpyDeviceToHost,
                                      stream_));
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  BenchmarkResult benchmark(const ForwardInputs& in, int32_t warmup, int32_t iters) override {
    std::lock_guard<std::mutex> lock(mutex_);
    SAMP_REQUIRE(stream_ != nullptr, "SAMP_DISPOSED", "This model was disposed");
    SAMP_CUDA_CHECK(cudaSetDevice(device_));
    const int64_t rows = stage(in);
    BenchmarkResult r;
    r.tokens = packing_.tokens;
    cudaEvent_t start, stop;
    SAMP_CUDA_CHECK(cudaEventCreate(&start));
    SAMP_CUDA_CHECK(cudaEventCreate(&stop));
    for (int32_t i = 0; i < warmup + iters; ++i) {
      SAMP_CUDA_CHECK(cudaEventRecord(start, stream_));
      run(in.batch, in.seq, rows);
      SAMP_CUDA_CHECK(cudaEventRecord(stop, stream_));
      SAMP_CUDA_CHECK(cudaEventSynchronize(stop));
      float ms = 0.0f;
      SAMP_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
      if (i >= warmup) r.ms.push_back(ms);
      if (i + 1 == warmup) timer_.discard();
    }
    timer_.report(stream_, iters);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return r;
  }

  int64_t weight_bytes() const override { return static_cast<int64_t>(weights_.size()); }

  void release() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stream_) return;
    cudaSetDevice(device_);
    cudaStreamSynchronize(stream_);
    clear_graphs();
    gemm_.reset();
    arena_.reset();
    weights_.reset();
    cudaStreamDestroy(stream_);
    stream_ = nullptr;
  }

 private:
  // ---- weights ----
  void* put(Carver& carve, const float* src, int64_t n, bool upload, const char* what, bool keep_f32 = false) {
    SAMP_REQUIRE(src != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
    const size_t es = keep_f32 ? 4 : cuda::dtype_size(dt_);
    void* dst = carve.take(static_cast<size_t>(n) * es);
    if (!upload) return nullptr;
    if (keep_f32 || dt_ == DType::f32) {
      SAMP_CUDA_CHECK(cudaMemcpyAsync(dst, src, sizeof(float) * n, cudaMemcpyHostToDevice, stream_));
      return dst;
    }
    if (staging_.size() < sizeof(float) * n) {
      SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
      staging_ = DeviceBuffer(sizeof(float) * n);
    }
    SAMP_CUDA_CHECK(cudaMemcpyAsync(staging_.get(), src, sizeof(float) * n, cudaMemcpyHostToDevice, stream_));
    cuda::launch_convert_from_f32(dt_, static_cast<const float*>(staging_.get()), dst, n, stream_);
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the staging buffer is reused by the next weight
    return dst;
  }

  void layout_weights(Carver& k, const ModelWeights& w, bool up) {
    const int64_t H = c_.hidden, F = c_.ffn;
    word_ = put(k, w.word, int64_t{c_.vocab} * H, up, "word_embeddings");
    position_ = put(k, w.position, int64_t{c_.max_positions} * H, up, "position_embeddings");
    type_ = put(k, w.token_type, int64_t{c_.type_vocab} * H, up, "token_type_embeddings");
    emb_g_ = static_cast<float*>(put(k, w.emb_ln_g, H, up, "embeddings.LayerNorm.weight", true));
    emb_b_ = static_cast<float*>(put(k, w.emb_ln_b, H, up, "embeddings.LayerNorm.bias", true));
    SAMP_REQUIRE(static_cast<int32_t>(w.layers.size()) == c_.layers, SAMP_INVALID, "Expected one weight set per layer");
    layers_.clear();
    for (const LayerWeights& l : w.layers) {
      CudaLayer x{};
      x.qkv_w = put(k, l.qkv_w, 3 * H * H, up, "attention qkv");
      x.qkv_b = put(k, l.qkv_b, 3 * H, up, "attention qkv bias");
      x.attn_out_w = put(k, l.attn_out_w, H * H, up, "attention.output.dense");
      x.attn_out_b = put(k, l.attn_out_b, H, up, "attention.output.dense.bias");
      x.ffn1_w = put(k, l.ffn1_w, F * H, up, "intermediate.dense");
      x.ffn1_b = put(k, l.ffn1_b, F, up, "intermediate.dense.bias");
      x.ffn2_w = put(k, l.ffn2_w, H * F, up, "output.dense");
      x.ffn2_b = put(k, l.ffn2_b, H, up, "output.dense.bias");
      x.ln1_g = static_cast<float*>(put(k, l.ln1_g, H, up, "attention.output.LayerNorm.weight", true));
      x.ln1_b = static_cast<float*>(put(k, l.ln1_b, H, up, "attention.output.LayerNorm.bias", true));
      x.ln2_g = static_cast<float*>(put(k, l.ln2_g, H, up, "output.LayerNorm.weight", true));
      x.ln2_b = static_cast<float*>(put(k, l.ln2_b, H, up, "output.LayerNorm.bias", true));
      layers_.push_back(x);
    }
    if (c_.has_pooler) {
      pool_w_ = put(k, w.pool_w, H * H, up, "pooler.dense");
      pool_b_ = put(k, w.pool_b, H, up, "pooler.dense.bias");
    }
  }

  // ---- activations ----
  void reserve(int64_t rows, int64_t batch, int64_t cells) {
    if (rows <= cap_rows_ && batch <= cap_batch_ && cells <= cap_cells_) return;
    cap_rows_ = std::max<int64_t>({rows, 2 * cap_rows_, 256});
    cap_batch_ = std::max<int64_t>({batch, 2 * cap_batch_, 8});
    cap_cells_ = std::max<int64_t>({cells, 2 * cap_cells_, 1024});
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
    clear_graphs();
    arena_.reset();
    const int64_t H = c_.hidden, F = c_.ffn;
    const size_t es = cuda::dtype_size(dt_);
    for (int pass = 0; pass < 2; ++pass) {
      Carver k(pass ? arena_.get() : nullptr);
      h_ = k.take(cap_rows_ * H * es), ctx_ = k.take(cap_rows_ * H * es), a_ = k.take(cap_rows_ * H * es);
      qkv_ = k.take(cap_rows_ * 3 * H * es), f_ = k.take(cap_rows_ * F * es);
      ints_ = k.take<int32_t>(sizeof(int32_t) * (4 * cap_rows_ + cap_batch_ + 1));
      hidden_out_ = k.take<float>(sizeof(float) * cap_cells_ * H);
      pooled_out_ = k.take<float>(sizeof(float) * cap_batch_ * H);
      if (!pass) arena_ = DeviceBuffer(k.used());
      else SAMP_CUDA_CHECK(cudaMemsetAsync(arena_.get(), 0, arena_.size(), stream_));
    }
    host_ints_.reserve(static_cast<size_t>(4 * cap_rows_ + cap_batch_ + 1));
  }

  /** Packs the inputs and copies them to the device; returns the row count the kernels run on. */
  int64_t stage(const ForwardInputs& in) {
    packing_build(in, c_, packing_);
    const int64_t T = packing_.tokens, rows = (T + kRowMultiple - 1) / kRowMultiple * kRowMultiple;
    reserve(rows, in.batch, int64_t{in.batch} * in.seq);
    int32_t* h = host_ints_.ptr;
    for (int64_t t = 0; t < rows; ++t) {
      const bool real = t < T;
      h[t] = real ? packing_.ids[t] : 0;
      h[rows + t] = real ? packing_.types[t] : 0;
      h[2 * rows + t] = real ? packing_.positions[t] : 0;
      h[3 * rows + t] = real ? packing_.source[t] : -1;
    }
    std::memcpy(h + 4 * rows, packing_.offsets.data(), sizeof(int32_t) * (in.batch + 1));
    SAMP_CUDA_CHECK(cudaMemcpyAsync(ints_, h, sizeof(int32_t) * (4 * rows + in.batch + 1), cudaMemcpyHostToDevice,
                                    stream_));
    return rows;
  }

  // ---- forward ----
  void enqueue(int64_t batch, int64_t seq, int64_t rows) {
    const int64_t H = c_.hidden, F = c_.ffn;
    const int32_t *ids = ints_, *types = ints_ + rows, *positions = ints_ + 2 * rows, *source = ints_ + 3 * rows,
                  *offsets = ints_ + 4 * rows;
    timer_.mark(stream_, "start");
    SAMP_CUDA_CHECK(cudaMemsetAsync(hidden_out_, 0, sizeof(float) * batch * seq * H, stream_));
    cuda::launch_embedding_layernorm(dt_, ids, types, positions, rows, word_, position_, type_, emb_g_, emb_b_, H,
                                     c_.eps, h_, stream_);
    timer_.mark(stream_, "embedding");
    for (size_t li = 0; li < layers_.size(); ++li) {
      const CudaLayer& l = layers_[li];
      const bool last = li + 1 == layers_.size();
      gemm_->run(dt_, h_, l.qkv_w, l.qkv_b, qkv_, rows, 3 * H, H, GemmEpilogue::bias, stream_);
      timer_.mark(stream_, "gemm qkv");
      cuda::launch_attention(dt_, qkv_, offsets, batch, c_.heads, H / c_.heads, seq, ctx_, stream_);
      timer_.mark(stream_, "attention");
      gemm_->run(dt_, ctx_, l.attn_out_w, l.attn_out_b, a_, rows, H, H, GemmEpilogue::bias, stream_);
      timer_.mark(stream_, "gemm attn-out");
      cuda::launch_add_layernorm(dt_, a_, h_, rows, l.ln1_g, l.ln1_b, H, c_.eps, stream_);
      timer_.mark(stream_, "layernorm");
      gemm_->run(dt_, a_, l.ffn1_w, l.ffn1_b, f_, rows, F, H, GemmEpilogue::bias_gelu, stream_);
      timer_.mark(stream_, "gemm ffn1+gelu");
      gemm_->run(dt_, f_, l.ffn2_w, l.ffn2_b, h_, rows, H, F, GemmEpilogue::bias, stream_);
      timer_.mark(stream_, "gemm ffn2");
      if (last && H <= 1024) {
        // the final hidden state goes out in fp32 straight from the LayerNorm, padding removed
        cuda::launch_add_layernorm_unpack(dt_, h_, a_, rows, l.ln2_g, l.ln2_b, H, c_.eps, source, hidden_out_, stream_);
      } else {
        cuda::launch_add_layernorm(dt_, h_, a_, rows, l.ln2_g, l.ln2_b, H, c_.eps, stream_);
        if (last) cuda::launch_unpack(dt_, h_, source, rows, H, hidden_out_, stream_);
      }
      timer_.mark(stream_, "layernorm");
    }
    if (c_.has_pooler) cuda::launch_pooler(dt_, h_, offsets, batch, H, pool_w_, pool_b_, pooled_out_, stream_);
    timer_.mark(stream_, "pooler+unpack");
  }

  /** Replays the bucket's graph. A bucket seen for the first time runs eagerly (and warms cuBLASLt); one seen
   * before is captured, and replayed from then on. Token counts vary from batch to batch, so many buckets are
   * seen once: capturing only on the second sight keeps them from paying for a graph they never replay. */
  void run(int64_t batch, int64_t seq, int64_t rows) {
    if (!use_graphs_) return enqueue(batch, seq, rows);
    const auto key = std::make_tuple(batch, seq, rows);
    auto found = graphs_.find(key);
    if (found != graphs_.end()) {
      SAMP_CUDA_CHECK(cudaGraphLaunch(found->second, stream_));
      return;
    }
    if (seen_.insert(key).second) {
      if (seen_.size() > kMaxSeen) seen_ = {key};
      return enqueue(batch, seq, rows);
    }
    if (graphs_.size() >= kMaxGraphs) clear_graphs();
    cudaGraph_t graph = nullptr;
    SAMP_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    try {
      enqueue(batch, seq, rows);
    } catch (...) {
      cudaStreamEndCapture(stream_, &graph);
      if (graph) cudaGraphDestroy(graph);
      throw;
    }
    SAMP_CUDA_CHECK(cudaStreamEndCapture(stream_, &graph));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t st = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    SAMP_CUDA_CHECK(st);
    graphs_.emplace(key, exec);
    SAMP_CUDA_CHECK(cudaGraphLaunch(exec, stream_));
  }

  void clear_graphs() {
    for (auto& g : graphs_) cudaGraphExecDestroy(g.second);
    graphs_.clear();
  }

  ModelConfig c_;
  DType dt_;
  int32_t device_;
  cudaStream_t stream_ = nullptr;
  bool use_graphs_ = true;
  cuda::OpTimer timer_;
  std::unique_ptr<cuda::LtGemm> gemm_;
  std::mutex mutex_;
  DeviceBuffer weights_, staging_, arena_;
  void *word_ = nullptr, *position_ = nullptr, *type_ = nullptr, *pool_w_ = nullptr, *pool_b_ = nullptr;
  float *emb_g_ = nullptr, *emb_b_ = nullptr;
  std::vector<CudaLayer> layers_;
  int64_t cap_rows_ = 0, cap_batch_ = 0, cap_cells_ = 0;
  void *h_ = nullptr, *ctx_ = nullptr, *a_ = nullptr, *qkv_ = nullptr, *f_ = nullptr;
  int32_t* ints_ = nullptr;
  float *hidden_out_ = nullptr, *pooled_out_ = nullptr;
  cuda::PinnedInts host_ints_;
  Packing packing_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, cudaGraphExec_t> graphs_;
  std::set<std::tuple<int64_t, int64_t, int64_t>> seen_;
};

}  // namespace

std::unique_ptr<Model> cuda_model_create(const ModelConfig& config, const ModelWeights& weights,
                                         const std::vector<LayerMode>& plan, int32_t device) {
  model_config_validate(config);
  SAMP_REQUIRE(static_cast<int32_t>(plan.size()) == config.layers, SAMP_INVALID,
               "Expected a precision plan with one mode per layer");
  for (LayerMode m : plan)
    SAMP_REQUIRE(m == plan[0], SAMP_UNSUPPORTED,
                 std::string("Layers of one model run in one float precision for now, but the plan mixes ") +
                     layer_mode_name(plan[0]) + " and " + layer_mode_name(m));
  const DType dt = plan[0] == LayerMode::fp32 ? DType::f32 : (plan[0] == LayerMode::fp16 ? DType::f16 : DType::bf16);
  return std::make_unique<CudaModel>(config, weights, dt, device);
}

}  // namespace samp
