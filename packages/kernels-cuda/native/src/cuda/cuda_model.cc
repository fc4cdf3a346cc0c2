// The encoder on CUDA: weights uploaded once (floats in the model's dtype; the GEMMs of 8-bit layers quantized as
// the CPU does: INT8 per output channel, FP8 per tensor), activations in one arena (grown, never allocated per
// call), padding removed (packed tokens, rounded up to a multiple of 16 rows), and the whole forward for a (batch,
// seq, rows) bucket captured once as a CUDA graph and replayed. Each layer runs its plan's mode: 8-bit layers follow
// the CPU backend's numerics (cpu/cpu_layer.cc): the embedding / previous LayerNorm writes a fully-quant layer's
// input 8-bit, attention writes its context 8-bit, LayerNorm 1 writes the FFN input 8-bit, the FFN1 epilogue
// applies GELU and writes 8-bit, and the residuals of a fully-quant layer are the 8-bit tensors; with a qkv clip the
// QKV GEMM writes 8-bit too (before its bias) and attention reads it. For BERT widths the
// GEMMs that feed attention or a LayerNorm run without a bias epilogue (10-15 % of a cuBLASLt GEMM at BERT-base
// shapes): attention adds the QKV bias and the LayerNorm adds the output projections' biases, in fp32. Opt-in: a
// forward of at least SAMP_CUDA_SPLIT_ROWS rows runs as two halves on two streams (cuda/forward_split.h); its split
// row is then part of the graph's bucket.
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
#include "cuda/forward_split.h"
#include "cuda/gemm8.h"
#include "cuda/gemm_lt.h"
#include "cuda/kernels.cuh"
#include "cuda/op_timer.h"
#include "cuda/weight_upload.h"

namespace samp {
namespace {

using cuda::Carver;
using cuda::DeviceBuffer;
using cuda::DType;
using cuda::ForwardPart;
using cuda::Gemm8Weights;
using cuda::GemmEpilogue;
using cuda::Q8Load;
using cuda::Q8Store;
using cuda::Q8Tensor;

constexpr int64_t kRowMultiple = 16;
constexpr size_t kMaxGraphs = 64;
constexpr size_t kMaxSeen = 4096;
constexpr int64_t kSplitRows = 0;  // the fewest rows a forward splits at (0: not at all; SAMP_CUDA_SPLIT_ROWS)

struct CudaLayer {
  LayerPlan plan;
  bool full = false, ffn8 = false;  // fully-quant; 8-bit FFN (quant-ffn-only or fully-quant)
  bool qkv_out8 = false;            // fully-quant with a qkv clip: the QKV output 8-bit
  // float GEMMs (null where 8-bit)
  void *qkv_w = nullptr, *qkv_b = nullptr, *attn_out_w = nullptr, *attn_out_b = nullptr;
  void *ffn1_w = nullptr, *ffn1_b = nullptr, *ffn2_w = nullptr, *ffn2_b = nullptr;
  Gemm8Weights qkv8, attn_out8, ffn1_8, ffn2_8;
  float *ln1_g = nullptr, *ln1_b = nullptr, *ln2_g = nullptr, *ln2_b = nullptr;
  float* ffn_mid_inv = nullptr;  // device 1 / scale of the GELU output (cuBLASLt FP8 output scale)
  float* qkv_inv = nullptr;      // likewise of the QKV output (qkv_out8)
  /** fp32 biases of the QKV, attention output and FFN2 GEMMs where attention / LayerNorm add them (else null). */
  const float *qkv_bias = nullptr, *attn_out_bias = nullptr, *ffn2_bias = nullptr;
  /** The 8-bit tensors at the layer's quantization points (data: the model's shared buffers). */
  Q8Tensor in, ctx, ffn_in, ffn_mid, qkv;
};

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
    lt_fp8_ = !env_is("SAMP_CUDA_FP8_LT", "0") && dt_ == DType::f16;
    fp8_fast_accum_ = !env_is("SAMP_CUDA_FP8_FAST_ACCUM", "0");
    fold_bias_ = cuda::add_layernorm_q8_width(c_.hidden);
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
    if (stream2_) cudaStreamSynchronize(stream2_);
    clear_graphs();
    gemm_.reset();
    gemm1_.reset();
    gemm2_.reset();
    arena_.reset();
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
    if (quantized_) one_ = put.scalar(1.0f);
    SAMP_REQUIRE(static_cast<int32_t>(w.layers.size()) == c_.layers, SAMP_INVALID, "Expected one weight set per layer");
    layers_.clear();
    for (size_t li = 0; li < w.layers.size(); ++li) {
      const LayerWeights& l = w.layers[li];
      CudaLayer x{};
      x.plan = plan[li];
      x.full = x.plan.mode == LayerMode::fully_quant;
      x.ffn8 = layer_mode_is_quantized(x.plan.mode);
      const Dtype8 t = x.plan.dtype8;
      const LayerClips& clips = x.plan.clips;
      x.in = cuda::q8_tensor(nullptr, clips.input, t), x.ctx = cuda::q8_tensor(nullptr, clips.ctx, t);
      x.ffn_in = cuda::q8_tensor(nullptr, clips.ffn_in, t), x.ffn_mid = cuda::q8_tensor(nullptr, clips.ffn_mid, t);
      x.qkv_out8 = x.full && clips.qkv > 0.0f;
      if (x.qkv_out8) x.qkv = cuda::q8_tensor(nullptr, clips.qkv, t);
      const bool b16 = lt_fp8_ && t == Dtype8::fp8;
      // a float GEMM's bias: in the model's dtype for its epilogue, or in fp32 for the kernel that adds it
      auto float_bias = [&](const float* b, int64_t n, const char* what, const float*& folded) -> void* {
        if (!fold_bias_) return put.floats(b, n, what);
        folded = static_cast<const float*>(put.floats(b, n, what, true));
        return nullptr;
      };
      if (x.full) {
        x.qkv8 = put.gemm8(l.qkv_w, l.qkv_b, 3 * H, H, t, x.in.scale, b16, "attention qkv");
        x.attn_out8 = put.gemm8(l.attn_out_w, l.attn_out_b, H, H, t, x.ctx.scale, b16, "attention.output.dense");
        if (fold_bias_) x.qkv_bias = x.qkv8.bias, x.attn_out_bias = x.attn_out8.bias;
        // an 8-bit QKV output leaves its bias to attention
        if (x.qkv_out8) x.qkv_bias = x.qkv8.bias, x.qkv_inv = put.scalar(1.0f / x.qkv.scale);
      } else {
        x.qkv_w = put.floats(l.qkv_w, 3 * H * H, "attention qkv");
        x.qkv_b = float_bias(l.qkv_b, 3 * H, "attention qkv bias", x.qkv_bias);
        x.attn_out_w = put.floats(l.attn_out_w, H * H, "attention.output.dense");
        x.attn_out_b = float_bias(l.attn_out_b, H, "attention.output.dense.bias", x.attn_out_bias);
      }
      if (x.ffn8) {
        x.ffn1_8 = put.gemm8(l.ffn1_w, l.ffn1_b, F, H, t, x.ffn_in.scale, b16, "intermediate.dense");
        x.ffn2_8 = put.gemm8(l.ffn2_w, l.ffn2_b, H, F, t, x.ffn_mid.scale, b16, "output.dense");
        x.ffn_mid_inv = put.scalar(1.0f / x.ffn_mid.scale);
        if (fold_bias_) x.ffn2_bias = x.ffn2_8.bias;
      } else {
        x.ffn1_w = put.floats(l.ffn1_w, F * H, "intermediate.dense");
        x.ffn1_b = put.floats(l.ffn1_b, F, "intermediate.dense.bias");
        x.ffn2_w = put.floats(l.ffn2_w, H * F, "output.dense");
        x.ffn2_b = float_bias(l.ffn2_b, H, "output.dense.bias", x.ffn2_bias);
      }
      x.ln1_g = static_cast<float*>(put.floats(l.ln1_g, H, "attention.output.LayerNorm.weight", true));
      x.ln1_b = static_cast<float*>(put.floats(l.ln1_b, H, "attention.output.LayerNorm.bias", true));
      x.ln2_g = static_cast<float*>(put.floats(l.ln2_g, H, "output.LayerNorm.weight", true));
      x.ln2_b = static_cast<float*>(put.floats(l.ln2_b, H, "output.LayerNorm.bias", true));
      layers_.push_back(x);
    }
    if (c_.has_pooler) {
      pool_w_ = put.floats(w.pool_w, H * H, "pooler.dense");
      pool_b_ = put.floats(w.pool_b, H, "pooler.dense.bias");
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
      if (quantized_) {
        h8_ = k.take<int8_t>(cap_rows_ * H), ctx8_ = k.take<int8_t>(cap_rows_ * H);
        a8_ = k.take<int8_t>(cap_rows_ * H), f8_ = k.take<int8_t>(cap_rows_ * F);
        qkv8_ = k.take<int8_t>(cap_rows_ * 3 * H);
      }
      ints_ = k.take<int32_t>(sizeof(int32_t) * (4 * cap_rows_ + cap_batch_ + 1));
      hidden_out_ = k.take<float>(sizeof(float) * cap_cells_ * H);
      pooled_out_ = k.take<float>(sizeof(float) * cap_batch_ * H);
      if (!pass) arena_ = DeviceBuffer(k.used());
      else SAMP_CUDA_CHECK(cudaMemsetAsync(arena_.get(), 0, arena_.size(), stream_));
    }
    if (quantized_) {
      for (CudaLayer& l : layers_) {
        l.in.data = h8_, l.ctx.data = ctx8_, l.ffn_in.data = a8_, l.ffn_mid.data = f8_;
        if (l.qkv_out8) l.qkv.data = qkv8_;
      }
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
  /** Where one part of the forward runs: its stream and the cuBLASLt instance (workspace) that stream uses. */
  struct Lane {
    cudaStream_t stream;
    cuda::LtGemm& gemm;
  };

  /** An 8-bit GEMM: cuBLASLt for FP8 where it has an algorithm (and the model is fp16), else the own kernel.
   * FP8 weights have one scale per tensor (alpha[] holds it n times), so cuBLASLt takes the scales as scalars and
   * writes an 8-bit output in E4M3 itself, with `scratch` as its unread C. Where it refuses an E4M3 output, the
   * output goes through fp16 in `scratch` and one encoding pass. with_bias = false: the next kernel adds it. */
  void gemm8(const Lane& on, const Gemm8Weights& g, Dtype8 t, const int8_t* in, int64_t rows, bool gelu,
             bool with_bias, void* out_f, const Q8Tensor* out_q, const float* out_inv, void* scratch = nullptr) {
    const Q8Store q = out_q ? cuda::q8_store(*out_q) : Q8Store{};
    if (t == Dtype8::fp8 && lt_fp8_ && g.bias16) {
      cuda::LtFp8Gemm x;
      x.a = in, x.w = g.w, x.w_scale = g.alpha, x.a_scale = one_, x.out_inv_scale = out_inv;
      x.bias = with_bias ? g.bias16 : nullptr;
      x.out = out_q ? static_cast<void*>(out_q->data) : out_f, x.c = scratch;
      x.m = rows, x.n = g.n, x.k = g.k, x.gelu = gelu, x.out_fp8 = out_q != nullptr, x.fast_accum = fp8_fast_accum_;
      if ((!out_q || scratch) && on.gemm.run_fp8(x, on.stream)) return;
      if (out_q && scratch) {
        x.out = scratch, x.out_fp8 = false;
        if (on.gemm.run_fp8(x, on.stream)) {
          cuda::launch_quantize8(dt_, scratch, rows * g.n, q, on.stream);
          return;
        }
      }
    }
    cuda::Gemm8Out out;
    out.f = out_q ? nullptr : out_f, out.f_type = dt_, out.q = q;
    cuda::launch_gemm8(t, in, g.w, g.alpha, with_bias ? g.bias : nullptr, rows, g.n, g.k, gelu, out, on.stream);
  }

  /** LayerNorm(x + x_bias + residual) in place in x, the residual 8-bit where residual8 is given; also 8-bit to q
   * and in fp32 to the unpacked output (last layer) where asked. keep_x = false: x need not be written. x_bias: the
   * bias x's GEMM left out (fold_bias_), else null. */
  void add_layernorm(const Lane& on, void* x, const float* x_bias, const void* residual, const Q8Tensor* residual8,
                     const float* g, const float* b, int64_t rows, const Q8Tensor* q, bool keep_x,
                     const int32_t* source) {
    const int64_t H = c_.hidden;
    if (!fold_bias_ && !residual8 && !q && keep_x) {
      if (source && H <= 1024) {
        cuda::launch_add_layernorm_unpack(dt_, x, residual, rows, g, b, H, c_.eps, source, hidden_out_, on.stream);
        return;
      }
      cuda::launch_add_layernorm(dt_, x, residual, rows, g, b, H, c_.eps, on.stream);
      if (source) cuda::launch_unpack(dt_, x, source, rows, H, hidden_out_, on.stream);
      return;
    }
    cuda::launch_add_layernorm_q8(dt_, x, x_bias, residual8 ? nullptr : residual,
                                  residual8 ? cuda::q8_load(*residual8) : Q8Load{}, rows, g, b, H, c_.eps,
                                  keep_x ? x : nullptr, q ? cuda::q8_store(*q) : Q8Store{}, source,
                                  source ? hidden_out_ : nullptr, on.stream);
  }

  /** The first row of a split forward's second half (0: one stream); see cuda/forward_split.h. */
  int64_t split_row(int64_t batch, int64_t rows) const {
    if (!stream2_) return 0;
    const int64_t H = c_.hidden, F = c_.ffn, es = static_cast<int64_t>(cuda::dtype_size(dt_));
    return cuda::split_row(packing_.offsets, batch, rows, split_rows_, {H, 3 * H, F, H * es, 3 * H * es, F * es});
  }

  /** Enqueues the forward; split: the first row of the second half (0: one stream). */
  void enqueue(int64_t batch, int64_t seq, int64_t rows, int64_t split) {
    const int64_t H = c_.hidden;
    const int32_t *ids = ints_, *types = ints_ + rows, *positions = ints_ + 2 * rows, *offsets = ints_ + 4 * rows;
    timer_.mark(stream_, "start");
    // the last LayerNorm writes every token's row of the unpacked output: only padding positions need clearing
    if (rows < batch * seq)
      SAMP_CUDA_CHECK(cudaMemsetAsync(hidden_out_, 0, sizeof(float) * batch * seq * H, stream_));
    const CudaLayer& first = layers_.front();
    // a fully-quant first layer reads only the 8-bit copy (its residual included)
    cuda::launch_embedding_layernorm(dt_, ids, types, positions, rows, word_, position_, type_, emb_g_, emb_b_, H,
                                     c_.eps, first.full ? nullptr : h_,
                                     first.full ? cuda::q8_store(first.in) : Q8Store{}, stream_);
    timer_.mark(stream_, "embedding");
    if (split == 0) {
      enqueue_layers(Lane{stream_, *gemm_}, ForwardPart{0, rows, 0, batch}, seq, rows, nullptr);
    } else {  // two halves on two streams, joined before the pooler
      const Lane first_half{stream_, gemm1_ ? *gemm1_ : *gemm_}, second{stream2_, *gemm2_};
      const int64_t half = batch / 2;
      SAMP_CUDA_CHECK(cudaEventRecord(fork_, stream_));
      enqueue_layers(first_half, ForwardPart{0, split, 0, half}, seq, rows, split_stagger_ ? stagger_ : nullptr);
      SAMP_CUDA_CHECK(cudaStreamWaitEvent(stream2_, split_stagger_ ? stagger_ : fork_, 0));
      enqueue_layers(second, ForwardPart{split, rows - split, half, batch - half}, seq, rows, nullptr);
      SAMP_CUDA_CHECK(cudaEventRecord(join_, stream2_));
      SAMP_CUDA_CHECK(cudaStreamWaitEvent(stream_, join_, 0));
    }
    if (c_.has_pooler) cuda::launch_pooler(dt_, h_, offsets, batch, H, pool_w_, pool_b_, pooled_out_, stream_);
    timer_.mark(stream_, "pooler+unpack");
  }

  /** The encoder layers over one part's rows and sequences (all of them, or one half of a split forward) on its
   * stream. `after_first_gemm`: an event recorded on the stream after the first layer's QKV GEMM (or null). */
  void enqueue_layers(const Lane& on, const ForwardPart& part, int64_t seq, int64_t all_rows,
                      cudaEvent_t after_first_gemm) {
    const int64_t H = c_.hidden, F = c_.ffn, rows = part.rows, es = static_cast<int64_t>(cuda::dtype_size(dt_));
    const int32_t* source = ints_ + 3 * all_rows + part.row0;
    const int32_t* offsets = ints_ + 4 * all_rows + part.seq0;
    // this part's rows of a buffer of `width` values per row: in the dtype, 8-bit, or an 8-bit tensor
    const auto rows_f = [&](void* base, int64_t width) {
      return static_cast<void*>(static_cast<char*>(base) + part.row0 * width * es);
    };
    const auto rows_8 = [&](int8_t* base, int64_t width) { return base + part.row0 * width; };
    const auto rows_q = [&](const Q8Tensor& q, int64_t width) {
      Q8Tensor at = q;
      at.data = q.data ? q.data + part.row0 * width : nullptr;
      return at;
    };
    void *h = rows_f(h_, H), *a = rows_f(a_, H), *qkv = rows_f(qkv_, 3 * H), *f = rows_f(f_, F);
    for (size_t li = 0; li < layers_.size(); ++li) {
      const CudaLayer& l = layers_[li];
      const Dtype8 t = l.plan.dtype8;
      const bool last = li + 1 == layers_.size();
      const CudaLayer* next = last ? nullptr : &layers_[li + 1];
      const Q8Tensor in = rows_q(l.in, H), ffn_in = rows_q(l.ffn_in, H), ffn_mid = rows_q(l.ffn_mid, F);
      // attention block
      const bool gb = !fold_bias_;  // the GEMMs before attention and LayerNorm add their bias
      const GemmEpilogue ep = gb ? GemmEpilogue::bias : GemmEpilogue::none;
      if (l.qkv_out8) {  // 8-bit out, without the bias (attention adds it); qkv_ is cuBLASLt's unread C
        const Q8Tensor qkv8 = rows_q(l.qkv, 3 * H);
        gemm8(on, l.qkv8, t, rows_8(h8_, H), rows, false, false, nullptr, &qkv8, l.qkv_inv, qkv);
        timer_.mark(on.stream, "gemm8 qkv");
      } else if (l.full) {
        gemm8(on, l.qkv8, t, rows_8(h8_, H), rows, false, gb, qkv, nullptr, nullptr);
        timer_.mark(on.stream, "gemm8 qkv");
      } else {
        on.gemm.run(dt_, h, l.qkv_w, l.qkv_b, qkv, rows, 3 * H, H, ep, on.stream);
        timer_.mark(on.stream, "gemm qkv");
      }
      if (li == 0 && after_first_gemm) SAMP_CUDA_CHECK(cudaEventRecord(after_first_gemm, on.stream));
      // attention reads and writes by the sequences' packed offsets: the whole buffers
      cuda::launch_attention(dt_, qkv_, l.qkv_out8 ? cuda::q8_load(l.qkv) : Q8Load{}, l.qkv_bias, offsets,
                             part.batch, c_.heads, H / c_.heads, seq, ctx_,
                             l.full ? cuda::q8_store(l.ctx) : Q8Store{}, on.stream);
      timer_.mark(on.stream, "attention");
      if (l.full) {
        gemm8(on, l.attn_out8, t, rows_8(ctx8_, H), rows, false, gb, a, nullptr, nullptr);
        timer_.mark(on.stream, "gemm8 attn-out");
      } else {
        on.gemm.run(dt_, rows_f(ctx_, H), l.attn_out_w, l.attn_out_b, a, rows, H, H, ep, on.stream);
        timer_.mark(on.stream, "gemm attn-out");
      }
      // the FFN input: 8-bit for an 8-bit FFN; kept in float where it is the next residual (not fully-quant)
      add_layernorm(on, a, l.attn_out_bias, h, l.full ? &in : nullptr, l.ln1_g, l.ln1_b, rows,
                    l.ffn8 ? &ffn_in : nullptr, !l.full, nullptr);
      timer_.mark(on.stream, "layernorm");
      // FFN block
      if (l.ffn8) {
        gemm8(on, l.ffn1_8, t, rows_8(a8_, H), rows, true, true, nullptr, &ffn_mid, l.ffn_mid_inv, f);
        timer_.mark(on.stream, "gemm8 ffn1+gelu");
        gemm8(on, l.ffn2_8, t, rows_8(f8_, F), rows, false, gb, h, nullptr, nullptr);
        timer_.mark(on.stream, "gemm8 ffn2");
      } else {
        on.gemm.run(dt_, a, l.ffn1_w, l.ffn1_b, f, rows, F, H, GemmEpilogue::bias_gelu, on.stream);
        timer_.mark(on.stream, "gemm ffn1+gelu");
        on.gemm.run(dt_, f, l.ffn2_w, l.ffn2_b, h, rows, H, F, ep, on.stream);
        timer_.mark(on.stream, "gemm ffn2");
      }
      // the layer's output: float for the next layer (or the pooler), 8-bit where the next layer is fully-quant,
      // fp32 unpacked after the last layer
      const bool next_full = next && next->full;
      const Q8Tensor next_in = next_full ? rows_q(next->in, H) : Q8Tensor{};
      add_layernorm(on, h, l.ffn2_bias, a, l.full ? &ffn_in : nullptr, l.ln2_g, l.ln2_b, rows,
                    next_full ? &next_in : nullptr, !next_full, last ? source : nullptr);
      timer_.mark(on.stream, "layernorm");
    }
  }

  /** Replays the bucket's graph. A bucket seen for the first time runs eagerly (and warms cuBLASLt); one seen
   * before is captured, and replayed from then on. Token counts vary from batch to batch, so many buckets are
   * seen once: capturing only on the second sight keeps them from paying for a graph they never replay. */
  void run(int64_t batch, int64_t seq, int64_t rows) {
    // a split forward's graph holds the halves' row ranges: the split row is part of the bucket
    const int64_t split = split_row(batch, rows);
    if (!use_graphs_) return enqueue(batch, seq, rows, split);
    const auto key = std::make_tuple(batch, seq, rows, split);
    auto found = graphs_.find(key);
    if (found != graphs_.end()) {
      SAMP_CUDA_CHECK(cudaGraphLaunch(found->second, stream_));
      return;
    }
    if (seen_.insert(key).second) {
      if (seen_.size() > kMaxSeen) seen_ = {key};
      return enqueue(batch, seq, rows, split);
    }
    if (graphs_.size() >= kMaxGraphs) clear_graphs();
    cudaGraph_t graph = nullptr;
    SAMP_CUDA_CHECK(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
    try {
      enqueue(batch, seq, rows, split);
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
  bool lt_fp8_ = false;
  bool fp8_fast_accum_ = true;  // cuBLASLt FP8 GEMMs with fast accumulation (SAMP_CUDA_FP8_FAST_ACCUM=0: exact)
  bool quantized_ = false;
  bool fold_bias_ = false;  // attention and LayerNorm add the biases of the GEMMs before them (BERT widths)
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
  DeviceBuffer weights_, staging_, arena_;
  void *word_ = nullptr, *position_ = nullptr, *type_ = nullptr, *pool_w_ = nullptr, *pool_b_ = nullptr;
  float *emb_g_ = nullptr, *emb_b_ = nullptr;
  std::vector<CudaLayer> layers_;
  int64_t cap_rows_ = 0, cap_batch_ = 0, cap_cells_ = 0;
  void *h_ = nullptr, *ctx_ = nullptr, *a_ = nullptr, *qkv_ = nullptr, *f_ = nullptr;
  int8_t *h8_ = nullptr, *ctx8_ = nullptr, *a8_ = nullptr, *f8_ = nullptr, *qkv8_ = nullptr;
  float* one_ = nullptr;  // cuBLASLt FP8's activation scale: 1, the activation scale is folded into alpha
  int32_t* ints_ = nullptr;
  float *hidden_out_ = nullptr, *pooled_out_ = nullptr;
  cuda::PinnedInts host_ints_;
  Packing packing_;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, cudaGraphExec_t> graphs_;
  std::set<std::tuple<int64_t, int64_t, int64_t, int64_t>> seen_;
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
