// Branch-free float approximations (exp, erf, tanh) written so that compilers vectorize loops over them.
#pragma once
#include <cstdint>
#include <cstring>

namespace samp::cpu {

/** exp(x), relative error below 2e-7 on [-87, 88]; clamps outside. */
inline float vm_exp(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
  const float k = __builtin_floorf(x * 1.44269504f + 0.5f);
  const float r = x - k * 0.693145751953125f - k * 1.428606765330187e-06f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/** erf(x), absolute error below 3e-7 (Abramowitz & Stegun 7.1.26). */
inline float vm_erf(float x) {
  const float sign = x < 0.0f ? -1.0f : 1.0f;
  const float a = x * sign > 4.0f ? 4.0f : x * sign;  // erf is 1.0f from 3.9 on; exp(-a * a) stays normal
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  const float poly =
      t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  return sign * (1.0f - poly * vm_exp(-a * a));
}

/** GELU with erf, as BERT defines it. */
inline float vm_gelu(float x) { return 0.5f * x * (1.0f + vm_erf(x * 0.70710678118654752f)); }

inline float vm_tanh(float x) {
  const float e = vm_exp(-2.0f * (x < 0.0f ? -x : x));
  const float t = (1.0f - e) / (1.0f + e);
  return x < 0.0f ? -t : t;
}

}  // namespace samp::cpu
