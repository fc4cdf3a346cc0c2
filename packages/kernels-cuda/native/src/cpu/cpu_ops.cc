// Runs one CPU op from an OpArgs description (fp32 only): the oracle side of the cross-backend op test.
#include "common/error.h"
#include "common/op_args.h"
#include "cpu/bias_columns.h"
#include "cpu/gemm.h"
#include "cpu/gemm_i8.h"
#include "cpu/ops.h"
#include "cpu/pooler.h"
#include "cpu/q8.h"

namespace samp {
namespace {

/** x[j] += bias[j % bias.size()]: a bias broadcast over the rows of x (the bias a GEMM left to the next kernel). */
void add_row_bias(std::vector<float>& x, const std::vector<float>& bias) {
  for (size_t j = 0; j < x.size(); ++j) x[j] += bias[j % bias.size()];
}

}  // namespace

std::vector<float> cpu_run_op(const OpArgs& a) {
  const int64_t out_len = op_args_validate(a);
  SAMP_REQUIRE(a.dtype == "fp32", SAMP_UNSUPPORTED, "The cpu device runs ops in fp32 only, not " + a.dtype);
  std::vector<float> out(static_cast<size_t>(out_len));
  if (a.op == "gemm") {
    const cpu::PackedWeight w = cpu::gemm_pack_weight(a.f[1].data(), a.dims[1], a.dims[2]);
    cpu::gemm(a.f[0].data(), a.dims[0], a.dims[2], w, a.epilogue ? a.f[2].data() : nullptr,
              static_cast<cpu::Epilogue>(a.epilogue), out.data(), a.dims[1]);
  } else if (a.op == "gemm_i8") {
    const int64_t m = a.dims[0], n = a.dims[1], k = a.dims[2];
    std::vector<int8_t> a8(static_cast<size_t>(m * k)), w8(static_cast<size_t>(n * k));
    std::vector<float> scales(static_cast<size_t>(n));
    cpu::quantize_s8(a.f[0].data(), m * k, a.f[2][0], a8.data());
    cpu::quantize_weight(a.f[1].data(), n, k, w8.data(), scales.data());
    const cpu::PackedWeightI8 w = cpu::gemm_i8_pack_weight(w8.data(), scales.data(), n, k);
    cpu::gemm_i8(a8.data(), m, k, a.f[2][0], w, a.epilogue ? a.f[3].data() : nullptr,
                 static_cast<cpu::Epilogue>(a.epilogue), out.data(), n);
  } else if (a.op == "embedding_layernorm") {
    cpu::cpu_embedding_layernorm(a.i[0].data(), a.i[1].data(), a.i[2].data(), a.dims[0], a.f[0].data(),
                                 a.f[1].data(), a.f[2].data(), a.f[3].data(), a.f[4].data(), a.dims[1], a.eps,
                                 out.data());
  } else if (a.op == "add_layernorm") {
    out = a.f[0];
    if (a.f.size() == 5) add_row_bias(out, a.f[4]);  // the x bias
    cpu::cpu_add_layernorm(out.data(), a.f[1].data(), a.dims[0], a.f[2].data(), a.f[3].data(), a.dims[1], a.eps);
  } else if (a.op == "attention") {
    std::vector<float> qkv = a.f[0];
    if (a.f.size() == 3) {  // read 8-bit: each value as its code gives it back
      const Dtype8 t = a.dims[3] == 2 ? Dtype8::fp8 : Dtype8::int8;
      std::vector<int8_t> codes(qkv.size());
      cpu::q8_encode_row(qkv.data(), static_cast<int64_t>(qkv.size()), a.f[2][0], t, codes.data());
      cpu::q8_decode_row(codes.data(), static_cast<int64_t>(qkv.size()), a.f[2][0], t, qkv.data());
    }
    if (a.f.size() >= 2) add_row_bias(qkv, a.f[1]);  // the QKV bias
    cpu::cpu_attention(qkv.data(), a.i[0].data(), a.dims[0], a.dims[1], a.dims[2], out.data());
  } else if (a.op == "bias_columns") {
    const int64_t n = a.dims[0];
    std::vector<int8_t> codes(static_cast<size_t>(n * cpu::kBiasColumns));
    SAMP_REQUIRE(cpu::encode_bias_columns(a.f[0].data(), a.f[1].data(), n, codes.data(), cpu::kBiasColumns),
                 SAMP_UNSUPPORTED, "bias_columns: a bias does not fit the E4M3 columns at its unit");
    for (int64_t j = 0; j < n; ++j) out[j] = cpu::decode_bias_columns(codes.data() + j * cpu::kBiasColumns, a.f[1][j]);
  } else if (a.op == "pooler") {
    const cpu::PackedWeight w = cpu::gemm_pack_weight(a.f[1].data(), a.dims[1], a.dims[1]);
    cpu::cpu_pooler(a.f[0].data(), a.i[0].data(), a.dims[0], a.dims[1], w, a.f[2].data(), out.data());
  }
  return out;
}

}  // namespace samp
