// 8-bit activations between CPU kernels: INT8 (symmetric, per tensor) or FP8 E4M3 (per-tensor scale; FP8 on
// the CPU is emulated, for checks against the CUDA backend). A Q8 names a buffer, its scale and its type.
#pragma once
#include <cstdint>

#include "common/model_config.h"

namespace samp::cpu {

struct Q8 {
  int8_t* data = nullptr;  // INT8 values, or E4M3 codes
  float scale = 1.0f;      // real value = scale * decoded value
  Dtype8 dtype = Dtype8::int8;
};

/** The largest magnitude of a type: 127 for INT8, 448 for E4M3. The scale of a clip c is c / q8_max(type). */
float q8_max(Dtype8 dtype);

/** E4M3 code of v: round to nearest even, saturating to +-448 (NaN gives the NaN code 0x7f). */
uint8_t e4m3_encode(float v);
float e4m3_decode(uint8_t code);

/** out[j] = encode(x[j] / scale) for j < n (INT8: round to nearest even, clamped to [-127, 127]). */
void q8_encode_row(const float* x, int64_t n, float scale, Dtype8 dtype, int8_t* out);

/** out[j] = scale * decode(q[j]) for j < n. */
void q8_decode_row(const int8_t* q, int64_t n, float scale, Dtype8 dtype, float* out);

}  // namespace samp::cpu
