// The encoder on CUDA: weights uploaded once (floats in the model's dtype; the GEMMs of 8-bit layers quantized as
// the CPU does: INT8 per output channel, FP8 per tensor), activations in one arena (grown, never allocated per
// call), padding removed (packed tokens, rounded up to a multiple of 16 rows), and the whole forward for a (batch,
// seq, rows) bucket captured once as a CUDA graph and replayed. The layers run their plans' modes
// (cuda/layer_forward.h). Opt-in: a forward of at least SAMP_CUDA_SPLIT_ROWS rows runs as two halves on two
// streams (cuda/forward_split.h); its split row is then part of the graph's bucket.
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/model.h"
#include "cpu/bias_columns.h"
#include "cuda/activations.h"
#include "cuda/check.h"
#include "cuda/cuda_layer.h"
#include "cuda/device_buffer.h"
#include "cuda/forward_split.h"
#include "cuda/gemm8.h"
#include "cuda/gemm_lt.h"
#include "cuda/graph_cache.h"
#include "cuda/kernels.cuh"
#include "cuda/layer_forward.h"
#include "cuda/op_timer.h"
#include "cuda/weight_upload.h"

namespace samp {
namespace {

using cuda::Carver;
using cuda::CudaLayer;
using cuda::DeviceBuffer;
using cuda::DType;
using cuda::ForwardPart;
using cuda::Lane;
using cuda::Q8Store;

constexpr int64_t kRowMultiple = 16;
constexpr int64_t kSplitRows = 0;  // the fewest rows a forward splits at (0: not at all; SAMP_CUDA_SPLIT_ROWS)

class CudaModel final : public Model {
 public:
  CudaModel(const ModelConfig& c, const ModelWeights& w, const std::vector<LayerPlan>& plan, DType dt, int32_t device)
      : c_(c), dt_(dt), device_(device) {
    SAMP_CUDA_CHECK(cudaSetDevice(device_));
    SAMP_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    gemm_ = std::make_unique<cuda::LtGemm>();
    use_graphs_ = !env_is("SAMP_CUDA_GRAPHS", "0") && !timer_.enabled();
    split_rows_ = timer_.enabled() ? 0 : cuda::split_setting("SAMP_CUDA_SPLIT_ROWS", kSplitRows);
    split_stagger_ = env_is("SAMP_CUDA_SPLIT_STAGGER", "1");
    if (split_rows_ > 0) {
      SAMP_CUDA_CHECK(cudaStreamCreateWithFlags(&stream2_, cudaStreamNonBlocking));
      for (cudaEvent_t* e : {&fork_, &join_, &stagger_})
        SAMP_CUDA_CHECK(cudaEventCreateWithFlags(e, cudaEventDisableTiming));
      // a workspace each: the two streams' GEMMs run at once; SAMP_CUDA_SPLIT_SMS=N has cuBLASLt size the halves'
      // GEMMs for N SMs (the first half's then get an instance of their own)
      const auto target = static_cast<int32_t>(cuda::split_setting("SAMP_CUDA_SPLIT_SMS", 0));
      gemm2_ = std::make_unique<cuda::LtGemm>(target);
      if (target > 0) gemm1_ = std::make_unique<cuda::LtGemm>(target);
    }
    fwd_.config = c_, fwd_.dt = dt_;
    fwd_.lt_fp8 = !env_is("SAMP_CUDA_FP8_LT", "0") && dt_ == DType::f16;
    fwd_.fp8_fast_accum = !env_is("SAMP_CUDA_FP8_FAST_ACCUM", "0");
    fwd_.fold_bias = cuda::add_layernorm_q8_width(c_.hidden);
    fwd_.ln_q8_only = env_is("SAMP_CUDA_LN_Q8_ONLY", "1");
    ffn1_bias_k_ = fwd_.lt_fp8 && env_is("SAMP_CUDA_FFN1_BIAS_K", "1");  // read once: both layout passes use it
    for (const LayerPlan& p : plan) quantized_ = quantized_ || layer_mode_is_quantized(p.mode);
    Carver measure(nullptr);
    layout_weights(measure, w, plan, false);
    weights_ = DeviceBuffer(measure.used());
    Carver carve(weights_.get());
    layout_weights(carve, w, plan, true);
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
    SAMP_CUDA_CHECK(cudaMemcpyAsync(out.hidden, act_.buffers().hidden_out, sizeof(float) * in.batch * in.seq * H,
                                    cudaMemcpyDeviceToHost, stream_));
    if (out.pooled && c_.has_pooler)
      SAMP_CUDA_CHECK(cudaMemcpyAsync(out.pooled, act_.buffers().pooled_out, sizeof(float) * in.batch * H,
                                      cudaMemcpyDeviceToHost, stream_));
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
    if (stream2_) cudaStreamSynchronize(stream2_);
    graphs_.clear();
    gemm_.reset();
    gemm1_.reset();
    gemm2_.reset();
    act_.reset();
    weights_.reset();
    for (cudaEvent_t e : {fork_, join_, stagger_})
      if (e) cudaEventDestroy(e);
    if (stream2_) cudaStreamDestroy(stream2_);
    cudaStreamDestroy(stream_);
    stream_ = stream2_ = nullptr;
  }

 private:
  // ---- weights ----
  static bool env_is(const char* name, const char* value) {
    const char* v = std::getenv(name);
    return v && std::strcmp(v, value) == 0;
  }

  void layout_weights(Carver& k, const ModelWeights& w, const std::vector<LayerPlan>& plan, bool up) {
    const int64_t H = c_.hidden, F = c_.ffn;
    cuda::WeightUploader put(k, up, dt_, stream_, staging_);
    word_ = put.floats(w.word, int64_t{c_.vocab} * H, "word_embeddings");
    position_ = put.floats(w.position, int64_t{c_.max_positions} * H, "position_embeddings");
    type_ = put.floats(w.token_type, int64_t{c_.type_vocab} * H, "token_type_embeddings");
    emb_g_ = static_cast<float*>(put.floats(w.emb_ln_g, H, "embeddings.LayerNorm.weight", true));
    emb_b_ = static_cast<float*>(put.floats(w.emb_ln_b, H, "embeddings.LayerNorm.bias", true));
    if (quantized_) fwd_.one = put.scalar(1.0f);
    SAMP_REQUIRE(static_cast<int32_t>(w.layers.size()) == c_.layers, SAMP_INVALID, "Expected one weight set per layer");
    layers_.clear();
    const cuda::LayerLayout layout{H, F, fwd_.lt_fp8, fwd_.fold_bias, ffn1_bias_k_};
    for (size_t li = 0; li < w.layers.size(); ++li)
      layers_.push_back(cuda::upload_layer(put, w.layers[li], plan[li], layout));
    if (c_.has_pooler) {
      pool_w_ = put.floats(w.pool_w, H * H, "pooler.dense");
      pool_b_ = put.floats(w.pool_b, H, "pooler.dense.bias");
    }
  }

  // ---- activations ----
  void reserve(int64_t rows, int64_t batch, int64_t cells) {
    if (act_.fits(rows, batch, cells)) return;
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
    graphs_.clear();
    act_.grow(c_, dt_, quantized_, rows, batch, cells, stream_);
    const cuda::ForwardBuffers& b = act_.buffers();
    if (quantized_) {
      for (CudaLayer& l : layers_) {
        l.in.data = b.h8, l.ctx.data = b.ctx8, l.ffn_in.data = b.a8, l.ffn_mid.data = b.f8;
        if (l.qkv_out8) l.qkv.data = b.qkv8;
      }
    }
    host_ints_.reserve(static_cast<size_t>(act_.int_count()));
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
    SAMP_CUDA_CHECK(cudaMemcpyAsync(act_.buffers().ints, h, sizeof(int32_t) * (4 * rows + in.batch + 1),
                                    cudaMemcpyHostToDevice, stream_));
    return rows;
  }

  // ---- forward ----
  /** The first row of a split forward's second half (0: one stream); see cuda/forward_split.h. */
  int64_t split_row(int64_t batch, int64_t rows) const {
    if (!stream2_) return 0;
    const int64_t H = c_.hidden, F = c_.ffn, es = static_cast<int64_t>(cuda::dtype_size(dt_));
    const int64_t ffn_in = ffn1_bias_k_ ? H + cpu::kBiasColumns : H;  // the 8-bit FFN input's rows
    return cuda::split_row(packing_.offsets, batch, rows, split_rows_,
                           {H, ffn_in, 3 * H, F, H * es, 3 * H * es, F * es});
  }

  /** Enqueues the forward; split: the first row of the second half (0: one stream). */
  void enqueue(int64_t batch, int64_t seq, int64_t rows, int64_t split) {
    const int64_t H = c_.hidden;
    const cuda::ForwardBuffers& b = act_.buffers();
    const int32_t *ids = b.ints, *types = b.ints + rows, *positions = b.ints + 2 * rows, *offsets = b.ints + 4 * rows;
    timer_.mark(stream_, "start");
    // the last LayerNorm writes every token's row of the unpacked output: only padding positions need clearing
    if (rows < batch * seq)
      SAMP_CUDA_CHECK(cudaMemsetAsync(b.hidden_out, 0, sizeof(float) * batch * seq * H, stream_));
    const CudaLayer& first = layers_.front();
    // a fully-quant first layer reads only the 8-bit copy (its residual included)
    cuda::launch_embedding_layernorm(dt_, ids, types, positions, rows, word_, position_, type_, emb_g_, emb_b_, H,
                                     c_.eps, first.full ? nullptr : b.h,
                                     first.full ? cuda::q8_store(first.in) : Q8Store{}, stream_);
    timer_.mark(stream_, "embedding");
    if (split == 0) {
      cuda::enqueue_layers(fwd_, layers_, b, Lane{stream_, *gemm_}, ForwardPart{0, rows, 0, batch}, seq, rows, nullptr,
                           timer_);
    } else {  // two halves on two streams, joined before the pooler
      const Lane first_half{stream_, gemm1_ ? *gemm1_ : *gemm_}, second{stream2_, *gemm2_};
      const int64_t half = batch / 2;
      SAMP_CUDA_CHECK(cudaEventRecord(fork_, stream_));
      cuda::enqueue_layers(fwd_, layers_, b, first_half, ForwardPart{0, split, 0, half}, seq, rows,
                           split_stagger_ ? stagger_ : nullptr, timer_);
      SAMP_CUDA_CHECK(cudaStreamWaitEvent(stream2_, split_stagger_ ? stagger_ : fork_, 0));
      cuda::enqueue_layers(fwd_, layers_, b, second, ForwardPart{split, rows - split, half, batch - half}, seq, rows,
                           nullptr, timer_);
      SAMP_CUDA_CHECK(cudaEventRecord(join_, stream2_));
      SAMP_CUDA_CHECK(cudaStreamWaitEvent(stream_, join_, 0));
    }
    if (c_.has_pooler) cuda::launch_pooler(dt_, b.h, offsets, batch, H, pool_w_, pool_b_, b.pooled_out, stream_);
    timer_.mark(stream_, "pooler+unpack");
  }

  /** Runs the forward: its bucket's graph, eagerly, or captured (cuda/graph_cache.h). A split forward's graph holds
   * the halves' row ranges: the split row is part of the bucket. */
  void run(int64_t batch, int64_t seq, int64_t rows) {
    const int64_t split = split_row(batch, rows);
    const auto enqueue_all = [&] { enqueue(batch, seq, rows, split); };
    if (!use_graphs_) return enqueue_all();
    graphs_.run({batch, seq, rows, split}, stream_, enqueue_all);
  }

  ModelConfig c_;
  DType dt_;
  cuda::ForwardSettings fwd_;
  bool quantized_ = false, ffn1_bias_k_ = false;  // ffn1_bias_k_: cuda::LayerLayout::ffn1_bias_in_k
  int32_t device_;
  cudaStream_t stream_ = nullptr;
  // a forward of at least split_rows_ rows (0: none) runs its halves on stream_ and stream2_, each with its own
  // cuBLASLt workspace; split_stagger_: the second half starts after the first half's first GEMM
  cudaStream_t stream2_ = nullptr;
  cudaEvent_t fork_ = nullptr, join_ = nullptr, stagger_ = nullptr;
  int64_t split_rows_ = 0;
  bool split_stagger_ = false;
  bool use_graphs_ = true;
  cuda::OpTimer timer_;
  // gemm1_, gemm2_: a split forward's halves (without an SM count target, the first half uses gemm_)
  std::unique_ptr<cuda::LtGemm> gemm_, gemm1_, gemm2_;
  std::mutex mutex_;
  DeviceBuffer weights_, staging_;
  void *word_ = nullptr, *position_ = nullptr, *type_ = nullptr, *pool_w_ = nullptr, *pool_b_ = nullptr;
  float *emb_g_ = nullptr, *emb_b_ = nullptr;
  std::vector<CudaLayer> layers_;
  cuda::Activations act_;
  cuda::PinnedInts host_ints_;
  Packing packing_;
  cuda::GraphCache graphs_;
};

}  // namespace

std::unique_ptr<Model> cuda_model_create(const ModelConfig& config, const ModelWeights& weights,
                                         const std::vector<LayerPlan>& plan, int32_t device) {
  model_config_validate(config);
  SAMP_REQUIRE(static_cast<int32_t>(plan.size()) == config.layers, SAMP_INVALID,
               "Expected a precision plan with one mode per layer");
  // one float precision per model: the float layers' (all alike), fp16 where every layer is 8-bit
  const LayerMode* floating = nullptr;
  bool eight = false, fp8 = false;
  for (size_t i = 0; i < plan.size(); ++i) {
    layer_plan_validate(plan[i], static_cast<int32_t>(i));
    if (layer_mode_is_quantized(plan[i].mode)) {
      eight = true;
      fp8 = fp8 || plan[i].dtype8 == Dtype8::fp8;
      continue;
    }
    if (floating && *floating != plan[i].mode)
      fail(SAMP_UNSUPPORTED,
           std::string("Float layers of one model run in one precision for now, but the plan mixes ") +
               layer_mode_name(*floating) + " and " + layer_mode_name(plan[i].mode),
           __FILE__, __LINE__);
    floating = &plan[i].mode;
  }
  const LayerMode fm = floating ? *floating : LayerMode::fp16;
  const DType dt = fm == LayerMode::fp32 ? DType::f32 : (fm == LayerMode::fp16 ? DType::f16 : DType::bf16);
  if (eight) {
    SAMP_REQUIRE(config.hidden % 16 == 0 && config.ffn % 16 == 0 && config.hidden <= 1024, SAMP_UNSUPPORTED,
                 "8-bit layers on cuda need hidden and FFN sizes that are multiples of 16 and hidden <= 1024");
    cudaDeviceProp p{};
    SAMP_CUDA_CHECK(cudaGetDeviceProperties(&p, device));
    SAMP_REQUIRE(!fp8 || cuda::gemm8_supported(Dtype8::fp8, p.major, p.minor), SAMP_UNSUPPORTED,
                 std::string("FP8 layers need compute capability 8.9 or newer; ") + p.name + " is " +
                     std::to_string(p.major) + "." + std::to_string(p.minor));
  }
  return std::make_unique<CudaModel>(config, weights, plan, dt, device);
}

}  // namespace samp
