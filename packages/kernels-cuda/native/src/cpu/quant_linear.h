// A Linear layer run on 8-bit inputs: INT8 through gemm_i8 (weights per-channel s8), or FP8 E4M3 emulated
// (inputs decoded, weights rounded to E4M3 with one scale per tensor, fp32 GEMM) so the CPU can check the CUDA FP8
// path.
#pragma once
#include <cstdint>
#include <vector>

#include "cpu/gemm.h"
#include "cpu/gemm_i8.h"
#include "cpu/q8.h"

namespace samp::cpu {

class QuantLinear {
 public:
  QuantLinear() = default;
  /** Quantizes a row-major [n, k] weight for `dtype`. */
  QuantLinear(const float* w, int64_t n, int64_t k, Dtype8 dtype);

  /** out = epilogue(dequant(a) * W^T + bias) for m rows: to fp32 `out_f` (row stride n), or to `out_q` (8-bit of
   * the same type, row stride n) when given. */
  void run(const Q8& a, int64_t m, const float* bias, Epilogue ep, float* out_f, const Q8* out_q) const;

  int64_t bytes() const;

 private:
  Dtype8 dtype_ = Dtype8::int8;
  int64_t n_ = 0, k_ = 0;
  PackedWeightI8 i8_;
  PackedWeight f8_;  // FP8: the E4M3-rounded weights, dequantized, packed for the fp32 GEMM
};

}  // namespace samp::cpu
