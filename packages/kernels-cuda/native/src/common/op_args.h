// One kernel invocation described as data, so that tests can run the same op on every backend and compare.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace samp {

/** Ops and their operands (f: float inputs, i: int inputs, dims: sizes), all in this order:
 *  gemm                 dims {m, n, k}                       f {a, w, bias?}   epilogue
 *  gemm_i8              dims {m, n, k}                       f {a, w, a_scale, bias?}   epilogue   (cpu)
 *                       a quantized per tensor with a_scale, w per output channel; fp32 out
 *  embedding_layernorm  dims {tokens, hidden}                i {ids, types, positions}
 *                                                            f {word, position, type, gamma, beta}   eps
 *  add_layernorm        dims {tokens, hidden}                f {x, residual, gamma, beta, x_bias?}  eps
 *  attention            dims {batch, heads, head_dim}        f {qkv, qkv_bias?}  i {offsets}
 *                       or dims {batch, heads, head_dim, type8}  f {qkv, qkv_bias, scale}: qkv read 8-bit
 *                       (encoded with scale; type8 1 int8, 2 fp8)
 *  pooler               dims {batch, hidden}                 f {hidden, w, bias}  i {offsets}
 */
struct OpArgs {
  std::string op, dtype = "fp32";
  std::vector<std::vector<float>> f;
  std::vector<std::vector<int32_t>> i;
  std::vector<int64_t> dims;
  int32_t epilogue = 0;
  float eps = 1e-12f;
  int32_t device = 0;
};

/** Checks every operand's length against the dims (and index operands against their tables); returns the
 * output length. Throws SAMP_INVALID_ARGUMENT or SAMP_UNSUPPORTED_OP. */
int64_t op_args_validate(const OpArgs& args);

std::vector<float> cpu_run_op(const OpArgs& args);

}  // namespace samp
