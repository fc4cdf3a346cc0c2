// The encoder layers of a CUDA forward over one part of the packed rows (see layer_forward.h). For BERT widths the
// GEMMs that feed attention or a LayerNorm run without a bias epilogue (10-15 % of a cuBLASLt GEMM at BERT-base
// shapes): attention adds the QKV bias and the LayerNorm adds the output projections' biases, in fp32.
#include "cuda/layer_forward.h"

#include "cuda/check.h"
#include "cuda/gemm8.h"
#include "cuda/kernels.cuh"

namespace samp::cuda {
namespace {

/** An 8-bit GEMM: cuBLASLt for FP8 where it has an algorithm (and the model is fp16), else the own kernel.
 * FP8 weights have one scale per tensor (alpha[] holds it n times), so cuBLASLt takes the scales as scalars and
 * writes an 8-bit output in E4M3 itself, with `scratch` as its unread C. Where it refuses an E4M3 output, the
 * output goes through fp16 in `scratch` and one encoding pass. with_bias = false: the next kernel adds it. */
void gemm8(const ForwardSettings& s, const Lane& on, const Gemm8Weights& g, Dtype8 t, const int8_t* in, int64_t rows,
           bool gelu, bool with_bias, void* out_f, const Q8Tensor* out_q, const float* out_inv,
           void* scratch = nullptr) {
  const Q8Store q = out_q ? q8_store(*out_q) : Q8Store{};
  with_bias = with_bias && !g.bias_in_k;  // the reduction adds it
  if (t == Dtype8::fp8 && s.lt_fp8 && g.bias16) {
    LtFp8Gemm x;
    x.a = in, x.w = g.w, x.w_scale = g.alpha, x.a_scale = s.one, x.out_inv_scale = out_inv;
    x.bias = with_bias ? g.bias16 : nullptr;
    x.out = out_q ? static_cast<void*>(out_q->data) : out_f, x.c = scratch;
    x.m = rows, x.n = g.n, x.k = g.k, x.gelu = gelu, x.out_fp8 = out_q != nullptr, x.fast_accum = s.fp8_fast_accum;
    if ((!out_q || scratch) && on.gemm.run_fp8(x, on.stream)) return;
    if (out_q && scratch) {
      x.out = scratch, x.out_fp8 = false;
      if (on.gemm.run_fp8(x, on.stream)) {
        launch_quantize8(s.dt, scratch, rows * g.n, q, on.stream);
        return;
      }
    }
  }
  Gemm8Out out;
  out.f = out_q ? nullptr : out_f, out.f_type = s.dt, out.q = q;
  launch_gemm8(t, in, g.w, g.alpha, with_bias ? g.bias : nullptr, rows, g.n, g.k, gelu, out, on.stream);
}

/** LayerNorm(x + x_bias + residual) in place in x, the residual 8-bit where residual8 is given; also 8-bit to q
 * and in fp32 to the unpacked output (last layer) where asked. keep_x = false: x need not be written. x_bias: the
 * bias x's GEMM left out (ForwardSettings::fold_bias), else null. */
void add_layernorm(const ForwardSettings& s, float* hidden_out, const Lane& on, void* x, const float* x_bias,
                   const void* residual, const Q8Tensor* residual8, const float* g, const float* b, int64_t rows,
                   const Q8Tensor* q, bool keep_x, const int32_t* source) {
  const int64_t H = s.config.hidden;
  if (!s.fold_bias && !residual8 && !q && keep_x) {
    if (source && H <= 1024) {
      launch_add_layernorm_unpack(s.dt, x, residual, rows, g, b, H, s.config.eps, source, hidden_out, on.stream);
      return;
    }
    launch_add_layernorm(s.dt, x, residual, rows, g, b, H, s.config.eps, on.stream);
    if (source) launch_unpack(s.dt, x, source, rows, H, hidden_out, on.stream);
    return;
  }
  launch_add_layernorm_q8(s.dt, x, x_bias, residual8 ? nullptr : residual, residual8 ? q8_load(*residual8) : Q8Load{},
                          rows, g, b, H, s.config.eps, keep_x ? x : nullptr, q ? q8_store(*q) : Q8Store{}, source,
                          source ? hidden_out : nullptr, on.stream, s.ln_q8_only);
}

}  // namespace

void enqueue_layers(const ForwardSettings& s, const std::vector<CudaLayer>& layers, const ForwardBuffers& b,
                    const Lane& on, const ForwardPart& part, int64_t seq, int64_t all_rows,
                    cudaEvent_t after_first_gemm, OpTimer& timer) {
  const int64_t H = s.config.hidden, F = s.config.ffn, rows = part.rows;
  const int64_t es = static_cast<int64_t>(dtype_size(s.dt));
  const int32_t* source = b.ints + 3 * all_rows + part.row0;
  const int32_t* offsets = b.ints + 4 * all_rows + part.seq0;
  // this part's rows of a buffer of `width` values per row: in the dtype, 8-bit, or an 8-bit tensor
  const auto rows_f = [&](void* base, int64_t width) {
    return static_cast<void*>(static_cast<char*>(base) + part.row0 * width * es);
  };
  const auto rows_8 = [&](int8_t* base, int64_t width) { return base + part.row0 * width; };
  const auto rows_q = [&](const Q8Tensor& q, int64_t width) {
    Q8Tensor at = q;
    at.data = q.data ? q.data + part.row0 * (width + q.pad) : nullptr;
    return at;
  };
  void *h = rows_f(b.h, H), *a = rows_f(b.a, H), *qkv = rows_f(b.qkv, 3 * H), *f = rows_f(b.f, F);
  for (size_t li = 0; li < layers.size(); ++li) {
    const CudaLayer& l = layers[li];
    const Dtype8 t = l.plan.dtype8;
    const bool last = li + 1 == layers.size();
    const CudaLayer* next = last ? nullptr : &layers[li + 1];
    const Q8Tensor in = rows_q(l.in, H), ffn_in = rows_q(l.ffn_in, H), ffn_mid = rows_q(l.ffn_mid, F);
    // attention block
    const bool gb = !s.fold_bias;  // the GEMMs before attention and LayerNorm add their bias
    const GemmEpilogue ep = gb ? GemmEpilogue::bias : GemmEpilogue::none;
    if (l.qkv_out8) {  // 8-bit out, without the bias (attention adds it); the 16-bit QKV rows: cuBLASLt's unread C
      const Q8Tensor qkv8 = rows_q(l.qkv, 3 * H);
      gemm8(s, on, l.qkv8, t, rows_8(b.h8, H), rows, false, false, nullptr, &qkv8, l.qkv_inv, qkv);
      timer.mark(on.stream, "gemm8 qkv");
    } else if (l.full) {
      gemm8(s, on, l.qkv8, t, rows_8(b.h8, H), rows, false, gb, qkv, nullptr, nullptr);
      timer.mark(on.stream, "gemm8 qkv");
    } else {
      on.gemm.run(s.dt, h, l.qkv_w, l.qkv_b, qkv, rows, 3 * H, H, ep, on.stream);
      timer.mark(on.stream, "gemm qkv");
    }
    if (li == 0 && after_first_gemm) SAMP_CUDA_CHECK(cudaEventRecord(after_first_gemm, on.stream));
    // attention reads and writes by the sequences' packed offsets: the whole buffers
    launch_attention(s.dt, b.qkv, l.qkv_out8 ? q8_load(l.qkv) : Q8Load{}, l.qkv_bias, offsets, part.batch,
                     s.config.heads, H / s.config.heads, seq, b.ctx, l.full ? q8_store(l.ctx) : Q8Store{}, on.stream);
    timer.mark(on.stream, "attention");
    if (l.full) {
      gemm8(s, on, l.attn_out8, t, rows_8(b.ctx8, H), rows, false, gb, a, nullptr, nullptr);
      timer.mark(on.stream, "gemm8 attn-out");
    } else {
      on.gemm.run(s.dt, rows_f(b.ctx, H), l.attn_out_w, l.attn_out_b, a, rows, H, H, ep, on.stream);
      timer.mark(on.stream, "gemm attn-out");
    }
    // the FFN input: 8-bit for an 8-bit FFN; kept in float where it is the next residual (not fully-quant)
    add_layernorm(s, b.hidden_out, on, a, l.attn_out_bias, h, l.full ? &in : nullptr, l.ln1_g, l.ln1_b, rows,
                  l.ffn8 ? &ffn_in : nullptr, !l.full, nullptr);
    timer.mark(on.stream, "layernorm");
    // FFN block
    if (l.ffn8) {
      gemm8(s, on, l.ffn1_8, t, ffn_in.data, rows, true, true, nullptr, &ffn_mid, l.ffn_mid_inv, f);
      timer.mark(on.stream, "gemm8 ffn1+gelu");
      gemm8(s, on, l.ffn2_8, t, rows_8(b.f8, F), rows, false, gb, h, nullptr, nullptr);
      timer.mark(on.stream, "gemm8 ffn2");
    } else {
      on.gemm.run(s.dt, a, l.ffn1_w, l.ffn1_b, f, rows, F, H, GemmEpilogue::bias_gelu, on.stream);
      timer.mark(on.stream, "gemm ffn1+gelu");
      on.gemm.run(s.dt, f, l.ffn2_w, l.ffn2_b, h, rows, H, F, ep, on.stream);
      timer.mark(on.stream, "gemm ffn2");
    }
    // the layer's output: float for the next layer (or the pooler), 8-bit where the next layer is fully-quant,
    // fp32 unpacked after the last layer
    const bool next_full = next && next->full;
    const Q8Tensor next_in = next_full ? rows_q(next->in, H) : Q8Tensor{};
    add_layernorm(s, b.hidden_out, on, h, l.ffn2_bias, a, l.full ? &ffn_in : nullptr, l.ln2_g, l.ln2_b, rows,
                  next_full ? &next_in : nullptr, !next_full, last ? source : nullptr);
    timer.mark(on.stream, "layernorm");
  }
}


}  // namespace samp::cuda
