// The bias in the reduction (see bias_columns.h).
#include "cpu/bias_columns.h"

#include <cmath>

#include "cpu/q8.h"

namespace samp::cpu {

bool encode_bias_columns(const float* bias, const float* unit, int64_t n, int8_t* out, int64_t ld) {
  for (int64_t j = 0; j < n; ++j) {
    const double target = static_cast<double>(bias[j]) / unit[j];
    if (!std::isfinite(target)) return false;
    double left = target;
    int8_t* codes = out + j * ld;
    for (int c = 0; c < kBiasColumns; ++c) {
      const double value = e4m3_decode(kBiasColumnCodes[c]);
      const uint8_t code = e4m3_encode(static_cast<float>(left / value));
      codes[c] = static_cast<int8_t>(code);
      left -= static_cast<double>(e4m3_decode(code)) * value;
    }
    if (std::fabs(left) > std::fmax(1e-6 * std::fabs(target), 1e-3)) return false;
  }
  return true;
}

float decode_bias_columns(const int8_t* codes, float unit) {
  double sum = 0.0;
  for (int c = 0; c < kBiasColumns; ++c)
    sum += static_cast<double>(e4m3_decode(static_cast<uint8_t>(codes[c]))) * e4m3_decode(kBiasColumnCodes[c]);
  return static_cast<float>(sum * unit);
}

}  // namespace samp::cpu
