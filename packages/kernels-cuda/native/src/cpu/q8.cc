// INT8 / E4M3 encoding and decoding of activation rows.
#include "cpu/q8.h"

#include <array>
#include <cmath>

#include "cpu/simd.h"

namespace samp::cpu {
namespace {

std::array<float, 256> make_e4m3_table() {
  std::array<float, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const int exp = (c >> 3) & 0xf, mant = c & 7;
    float v = exp == 0 ? std::ldexp(static_cast<float>(mant), -9) : std::ldexp(1.0f + mant / 8.0f, exp - 7);
    if ((c & 0x7f) == 0x7f) v = NAN;
    t[static_cast<size_t>(c)] = (c & 0x80) ? -v : v;
  }
  return t;
}

const std::array<float, 256>& e4m3_table() {
  static const std::array<float, 256> table = make_e4m3_table();
  return table;
}

SAMP_VECTOR_CLONES
void encode_int8(const float* x, int64_t n, float inv, int8_t* out) {
  for (int64_t j = 0; j < n; ++j) {
    const float r = std::nearbyint(x[j] * inv);
    out[j] = static_cast<int8_t>(r > 127.0f ? 127.0f : (r < -127.0f ? -127.0f : r));
  }
}

}  // namespace

float q8_max(Dtype8 dtype) { return dtype == Dtype8::fp8 ? 448.0f : 127.0f; }

uint8_t e4m3_encode(float v) {
  if (std::isnan(v)) return 0x7f;
  const uint8_t sign = std::signbit(v) ? 0x80 : 0x00;
  const float a = std::fabs(v);
  if (a >= 448.0f) return sign | 0x7e;
  if (a < 0.015625f) {  // subnormals: steps of 2^-9; 8 steps is the smallest normal, code 0x08
    return sign | static_cast<uint8_t>(std::nearbyint(a * 512.0f));
  }
  int e2 = 0;
  std::frexp(a, &e2);  // a = f * 2^e2, f in [0.5, 1)
  int exp = e2 - 1;    // a = 1.m * 2^exp, exp in [-6, 8]
  int mant = static_cast<int>(std::nearbyint((std::ldexp(a, -exp) - 1.0f) * 8.0f));
  if (mant == 8) {  // rounded up into the next binade
    mant = 0;
    ++exp;
  }
  return sign | static_cast<uint8_t>(((exp + 7) << 3) | mant);
}

float e4m3_decode(uint8_t code) { return e4m3_table()[code]; }

void q8_encode_row(const float* x, int64_t n, float scale, Dtype8 dtype, int8_t* out) {
  const float inv = 1.0f / scale;
  if (dtype == Dtype8::int8) {
    encode_int8(x, n, inv, out);
    return;
  }
  for (int64_t j = 0; j < n; ++j) out[j] = static_cast<int8_t>(e4m3_encode(x[j] * inv));
}

void q8_decode_row(const int8_t* q, int64_t n, float scale, Dtype8 dtype, float* out) {
  if (dtype == Dtype8::int8) {
    for (int64_t j = 0; j < n; ++j) out[j] = scale * static_cast<float>(q[j]);
    return;
  }
  const std::array<float, 256>& t = e4m3_table();
  for (int64_t j = 0; j < n; ++j) out[j] = scale * t[static_cast<uint8_t>(q[j])];
}

}  // namespace samp::cpu
