// Operand checks shared by every backend's op runner.
#include "common/op_args.h"

#include <cmath>

#include "common/error.h"

namespace samp {
namespace {

void need(const std::vector<float>& v, int64_t n, const char* what) {
  SAMP_REQUIRE(static_cast<int64_t>(v.size()) == n, SAMP_INVALID,
               std::string("Expected ") + std::to_string(n) + " values for " + what + " but received " +
                   std::to_string(v.size()));
}

void need_i(const std::vector<int32_t>& v, int64_t n, const char* what) {
  SAMP_REQUIRE(static_cast<int64_t>(v.size()) == n, SAMP_INVALID,
               std::string("Expected ") + std::to_string(n) + " values for " + what + " but received " +
                   std::to_string(v.size()));
}

void need_range(const std::vector<int32_t>& v, int64_t limit, const char* what) {
  for (int32_t x : v)
    SAMP_REQUIRE(x >= 0 && x < limit, SAMP_INVALID,
                 std::string("Expected ") + what + " in [0, " + std::to_string(limit) + ") but received " +
                     std::to_string(x));
}

void need_offsets(const std::vector<int32_t>& offsets, int64_t batch, int64_t tokens) {
  need_i(offsets, batch + 1, "offsets");
  SAMP_REQUIRE(offsets[0] == 0 && offsets[batch] == tokens, SAMP_INVALID,
               "Expected offsets from 0 to the token count");
  for (int64_t b = 0; b < batch; ++b)
    SAMP_REQUIRE(offsets[b + 1] > offsets[b], SAMP_INVALID, "Expected strictly increasing offsets");
}

}  // namespace

int64_t op_args_validate(const OpArgs& a) {
  SAMP_REQUIRE(a.dtype == "fp32" || a.dtype == "fp16" || a.dtype == "bf16", SAMP_INVALID,
               "Expected dtype fp32, fp16 or bf16 but received \"" + a.dtype + "\"");
  auto dims = [&](size_t n) {
    SAMP_REQUIRE(a.dims.size() == n, SAMP_INVALID, "Expected " + std::to_string(n) + " dims for " + a.op);
    for (int64_t d : a.dims) SAMP_REQUIRE(d > 0, SAMP_INVALID, "Expected positive dims for " + a.op);
  };
  auto operands = [&](size_t nf, size_t ni) {
    SAMP_REQUIRE(a.f.size() >= nf && a.i.size() == ni, SAMP_INVALID, "Wrong operand count for " + a.op);
  };
  if (a.op == "gemm" || a.op == "gemm_i8") {
    dims(3);
    const int64_t m = a.dims[0], n = a.dims[1], k = a.dims[2];
    const bool i8 = a.op == "gemm_i8";
    const size_t bias_at = i8 ? 3 : 2;  // gemm_i8 has its activation scale before the bias
    operands(bias_at, 0);
    need(a.f[0], m * k, "a"), need(a.f[1], n * k, "w");
    if (i8) need(a.f[2], 1, "a_scale");
    SAMP_REQUIRE(a.epilogue >= 0 && a.epilogue <= 3, SAMP_INVALID, "Expected an epilogue in 0..3");
    if (a.epilogue != 0) {
      SAMP_REQUIRE(a.f.size() == bias_at + 1, SAMP_INVALID, "Expected a bias for this epilogue");
      need(a.f[bias_at], n, "bias");
    }
    return m * n;
  }
  if (a.op == "embedding_layernorm") {
    dims(2);
    const int64_t t = a.dims[0], h = a.dims[1];
    operands(5, 3);
    for (const auto& v : a.i) need_i(v, t, "ids, types and positions");
    for (int x = 0; x < 3; ++x)
      SAMP_REQUIRE(a.f[x].size() % h == 0 && !a.f[x].empty(), SAMP_INVALID, "Expected [rows, hidden] tables");
    need_range(a.i[0], static_cast<int64_t>(a.f[0].size()) / h, "ids");
    need_range(a.i[1], static_cast<int64_t>(a.f[2].size()) / h, "types");
    need_range(a.i[2], static_cast<int64_t>(a.f[1].size()) / h, "positions");
    need(a.f[3], h, "gamma"), need(a.f[4], h, "beta");
    return t * h;
  }
  if (a.op == "add_layernorm") {
    dims(2);
    const int64_t t = a.dims[0], h = a.dims[1];
    operands(4, 0);
    SAMP_REQUIRE(a.f.size() <= 5, SAMP_INVALID, "Wrong operand count for add_layernorm");
    need(a.f[0], t * h, "x"), need(a.f[1], t * h, "residual"), need(a.f[2], h, "gamma"), need(a.f[3], h, "beta");
    if (a.f.size() == 5) need(a.f[4], h, "x bias");
    return t * h;
  }
  if (a.op == "attention") {
    const bool q8 = a.f.size() == 3;  // QKV read 8-bit: its scale after the bias, its type in a fourth dim
    dims(q8 ? 4 : 3);
    const int64_t b = a.dims[0], heads = a.dims[1], d = a.dims[2];
    operands(1, 1);
    SAMP_REQUIRE(a.f.size() <= 3, SAMP_INVALID, "Wrong operand count for attention");
    const int64_t tokens = static_cast<int64_t>(a.f[0].size()) / (3 * heads * d);
    need(a.f[0], tokens * 3 * heads * d, "qkv");
    if (a.f.size() >= 2) need(a.f[1], 3 * heads * d, "qkv bias");
    if (q8) {
      need(a.f[2], 1, "the 8-bit QKV scale");
      SAMP_REQUIRE(a.f[2][0] > 0.0f && std::isfinite(a.f[2][0]), SAMP_INVALID,
                   "Expected a positive, finite 8-bit QKV scale");
      SAMP_REQUIRE(a.dims[3] == 1 || a.dims[3] == 2, SAMP_INVALID, "Expected the 8-bit QKV type: 1 int8, 2 fp8");
    }
    need_offsets(a.i[0], b, tokens);
    return tokens * heads * d;
  }
  if (a.op == "pooler") {
    dims(2);
    const int64_t b = a.dims[0], h = a.dims[1];
    operands(3, 1);
    const int64_t tokens = static_cast<int64_t>(a.f[0].size()) / h;
    need(a.f[0], tokens * h, "hidden"), need(a.f[1], h * h, "w"), need(a.f[2], h, "bias");
    need_offsets(a.i[0], b, tokens);
    return b * h;
  }
  if (a.op == "bias_columns") {  // a bias carried in E4M3 columns of the reduction, as the GEMM then adds it
    dims(1);
    operands(2, 0);
    need(a.f[0], a.dims[0], "bias"), need(a.f[1], a.dims[0], "unit");
    return a.dims[0];
  }
  SAMP_REQUIRE(false, SAMP_UNSUPPORTED, "Unknown op \"" + a.op + "\"");
}

}  // namespace samp
