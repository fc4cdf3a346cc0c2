// An encoder layer's forward on the CPU, per mode.
#include "cpu/cpu_layer.h"

#include <string>

#include "common/error.h"
#include "cpu/ops.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {
namespace {

const float* weight(const float* p, const char* what) {
  SAMP_REQUIRE(p != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
  return p;
}

/** out[i, j] = (q given ? decoded q[i, j] : out[i, j]) + bias[j] for T rows of n values (the QKV bias after the
 * GEMM left it out). */
void add_bias_rows(const Q8* q, int64_t T, int64_t n, const float* bias, float* out) {
  cpu_parallel_for(T, [&](int64_t i) {
    float* row = out + i * n;
    if (q) q8_decode_row(q->data + i * n, n, q->scale, q->dtype, row);
    for (int64_t j = 0; j < n; ++j) row[j] += bias[j];
  });
}

}  // namespace

std::vector<float> copy_weight(const float* p, int64_t n, const char* what) {
  weight(p, what);
  return std::vector<float>(p, p + n);
}

void CpuWorkspace::resize(int64_t T, int64_t H, int64_t F) {
  h.resize(T * H), qkv.resize(T * 3 * H), ctx.resize(T * H), a.resize(T * H), f.resize(T * F);
  hq.resize(T * H), ctxq.resize(T * H), aq.resize(T * H), fq.resize(T * F), qkvq.resize(T * 3 * H);
}

CpuLayer::CpuLayer(const LayerWeights& w, const LayerPlan& plan, int64_t H, int64_t F) : plan_(plan) {
  const bool full = plan.mode == LayerMode::fully_quant, ffn8 = layer_mode_is_quantized(plan.mode);
  const float* qkv = weight(w.qkv_w, "attention qkv");
  const float* attn_out = weight(w.attn_out_w, "attention.output.dense");
  const float* ffn1 = weight(w.ffn1_w, "intermediate.dense");
  const float* ffn2 = weight(w.ffn2_w, "output.dense");
  if (full) {
    qkv_q_ = QuantLinear(qkv, 3 * H, H, plan.dtype8);
    attn_out_q_ = QuantLinear(attn_out, H, H, plan.dtype8);
  } else {
    qkv_ = gemm_pack_weight(qkv, 3 * H, H);
    attn_out_ = gemm_pack_weight(attn_out, H, H);
  }
  if (ffn8) {
    ffn1_q_ = QuantLinear(ffn1, F, H, plan.dtype8);
    ffn2_q_ = QuantLinear(ffn2, H, F, plan.dtype8);
  } else {
    ffn1_ = gemm_pack_weight(ffn1, F, H);
    ffn2_ = gemm_pack_weight(ffn2, H, F);
  }
  qkv_b_ = copy_weight(w.qkv_b, 3 * H, "attention qkv bias");
  attn_out_b_ = copy_weight(w.attn_out_b, H, "attention.output.dense.bias");
  ln1_g_ = copy_weight(w.ln1_g, H, "attention.output.LayerNorm.weight");
  ln1_b_ = copy_weight(w.ln1_b, H, "attention.output.LayerNorm.bias");
  ffn1_b_ = copy_weight(w.ffn1_b, F, "intermediate.dense.bias");
  ffn2_b_ = copy_weight(w.ffn2_b, H, "output.dense.bias");
  ln2_g_ = copy_weight(w.ln2_g, H, "output.LayerNorm.weight");
  ln2_b_ = copy_weight(w.ln2_b, H, "output.LayerNorm.bias");
}

Q8 CpuLayer::q8_of(std::vector<int8_t>& buffer, float clip) const {
  Q8 q;
  q.data = buffer.data(), q.scale = clip / q8_max(plan_.dtype8), q.dtype = plan_.dtype8;
  return q;
}

Q8 CpuLayer::input_q(CpuWorkspace& ws) const { return q8_of(ws.hq, plan_.clips.input); }

void CpuLayer::forward(CpuWorkspace& ws, const Packing& p, const ModelConfig& c, const Q8* next_input,
                       Histogram* stats) const {
  const int64_t T = p.tokens, H = c.hidden, F = c.ffn;
  const bool full = plan_.mode == LayerMode::fully_quant, ffn8 = layer_mode_is_quantized(plan_.mode);
  const Q8 in_q = input_q(ws), ctx_q = q8_of(ws.ctxq, plan_.clips.ctx);
  const Q8 a_q = q8_of(ws.aq, plan_.clips.ffn_in), f_q = q8_of(ws.fq, plan_.clips.ffn_mid);
  if (stats) stats[0].add(ws.h.data(), T * H);

  // attention block: QKV, attention, output projection, residual + LayerNorm. With a qkv clip, the QKV GEMM
  // writes its output 8-bit before the bias (as the CUDA backend does: attention adds the bias); the statistics
  // of that point are taken before the bias too
  if (full && plan_.clips.qkv > 0.0f) {
    const Q8 qkv_q = q8_of(ws.qkvq, plan_.clips.qkv);
    qkv_q_.run(in_q, T, nullptr, Epilogue::none, nullptr, &qkv_q);
    add_bias_rows(&qkv_q, T, 3 * H, qkv_b_.data(), ws.qkv.data());
  } else if (full) {
    qkv_q_.run(in_q, T, qkv_b_.data(), Epilogue::bias, ws.qkv.data(), nullptr);
  } else if (stats) {
    gemm(ws.h.data(), T, H, qkv_, nullptr, Epilogue::none, ws.qkv.data(), 3 * H);
    stats[4].add(ws.qkv.data(), T * 3 * H);
    add_bias_rows(nullptr, T, 3 * H, qkv_b_.data(), ws.qkv.data());
  } else {
    gemm(ws.h.data(), T, H, qkv_, qkv_b_.data(), Epilogue::bias, ws.qkv.data(), 3 * H);
  }
  cpu_attention(ws.qkv.data(), p.offsets.data(), p.batch, c.heads, H / c.heads, ws.ctx.data(), full ? &ctx_q : nullptr);
  if (stats) stats[1].add(ws.ctx.data(), T * H);
  if (full) {
    attn_out_q_.run(ctx_q, T, attn_out_b_.data(), Epilogue::bias, ws.a.data(), nullptr);
  } else {
    gemm(ws.ctx.data(), T, H, attn_out_, attn_out_b_.data(), Epilogue::bias, ws.a.data(), H);
  }
  cpu_add_layernorm(ws.a.data(), ws.h.data(), T, ln1_g_.data(), ln1_b_.data(), H, c.eps, full ? &in_q : nullptr,
                    ffn8 ? &a_q : nullptr);
  if (stats) stats[2].add(ws.a.data(), T * H);

  // FFN block: bias + GELU (written 8-bit when quantized), output projection, residual + LayerNorm
  if (ffn8) {
    ffn1_q_.run(a_q, T, ffn1_b_.data(), Epilogue::bias_gelu, nullptr, &f_q);
    ffn2_q_.run(f_q, T, ffn2_b_.data(), Epilogue::bias, ws.h.data(), nullptr);
  } else {
    gemm(ws.a.data(), T, H, ffn1_, ffn1_b_.data(), Epilogue::bias_gelu, ws.f.data(), F);
    if (stats) stats[3].add(ws.f.data(), T * F);
    gemm(ws.f.data(), T, F, ffn2_, ffn2_b_.data(), Epilogue::bias, ws.h.data(), H);
  }
  cpu_add_layernorm(ws.h.data(), ws.a.data(), T, ln2_g_.data(), ln2_b_.data(), H, c.eps, full ? &a_q : nullptr,
                    next_input);
}

int64_t CpuLayer::weight_bytes() const {
  int64_t n = static_cast<int64_t>(qkv_.data.size() + attn_out_.data.size() + ffn1_.data.size() + ffn2_.data.size());
  return 4 * n + qkv_q_.bytes() + attn_out_q_.bytes() + ffn1_q_.bytes() + ffn2_q_.bytes();
}

}  // namespace samp::cpu
