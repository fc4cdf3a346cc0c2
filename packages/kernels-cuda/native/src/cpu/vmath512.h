// AVX-512 forms of vmath.h's exp, erf-GELU and tanh: the same formulas and constants, 16 lanes at a time.
// Include only from files compiled with -mavx512f.
#pragma once
#include <immintrin.h>

namespace samp::cpu {

inline __m512 vm512_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.7f));
  const __m512 k = _mm512_roundscale_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504f), _mm512_set1_ps(0.5f)),
                                        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  const __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428606765330187e-06f), _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), x));
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(k), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

/** x with the sign of s. */
inline __m512 vm512_copysign(__m512 x, __m512 s) {
  const __m512i m = _mm512_set1_epi32(0x7fffffff);
  return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(m, _mm512_castps_si512(x), _mm512_castps_si512(s), 0xca));  // m ? x : s
}

inline __m512 vm512_erf(__m512 x) {
  const __m512 a = _mm512_min_ps(_mm512_abs_ps(x), _mm512_set1_ps(4.0f));  // erf is 1.0f from 3.9 on
  // t = 1 / d by rcp14 and one Newton step (relative error ~2^-28; a division costs several times more)
  const __m512 d = _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1.0f));
  const __m512 t0 = _mm512_rcp14_ps(d);
  const __m512 t = _mm512_mul_ps(t0, _mm512_fnmadd_ps(d, t0, _mm512_set1_ps(2.0f)));
  __m512 poly = _mm512_fmadd_ps(t, _mm512_set1_ps(1.061405429f), _mm512_set1_ps(-1.453152027f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(1.421413741f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(-0.284496736f));
  poly = _mm512_fmadd_ps(poly, t, _mm512_set1_ps(0.254829592f));
  poly = _mm512_mul_ps(poly, t);
  const __m512 e = vm512_exp(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), a), a));
  return vm512_copysign(_mm512_fnmadd_ps(poly, e, _mm512_set1_ps(1.0f)), x);
}

/** GELU with erf, as BERT defines it. */
inline __m512 vm512_gelu(__m512 x) {
  const __m512 erf = vm512_erf(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f)));
  return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), x), _mm512_add_ps(_mm512_set1_ps(1.0f), erf));
}

inline __m512 vm512_tanh(__m512 x) {
  const __m512 e = vm512_exp(_mm512_mul_ps(_mm512_set1_ps(-2.0f), _mm512_abs_ps(x)));
  const __m512 one = _mm512_set1_ps(1.0f);
  return vm512_copysign(_mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e)), x);
}

}  // namespace samp::cpu
