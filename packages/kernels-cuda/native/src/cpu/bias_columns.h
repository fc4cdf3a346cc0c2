// A GEMM's bias carried in its reduction instead of its epilogue: every input row ends in kBiasColumns fixed E4M3
// values (kBiasColumnCodes, written by the kernel that writes the row) and every weight row in kBiasColumns E4M3
// codes chosen so that their dot product with those values is bias[j] / unit[j] (unit: the GEMM's scale, a_scale *
// w_scale[j]). The GEMM then adds the bias by itself, to within 1e-6 of it, and runs without a bias epilogue.
#pragma once
#include <cstdint>

namespace samp::cpu {

constexpr int kBiasColumns = 16;

/** The input columns' E4M3 codes, largest first: 256 (0x78) six times, 16 (0x58) four times, 1 (0x38) and 1/16
 * (0x18) three times each. Bias / unit values up to about 6.5e5 in magnitude fit. */
constexpr uint8_t kBiasColumnCodes[kBiasColumns] = {0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x58, 0x58,
                                                    0x58, 0x58, 0x38, 0x38, 0x38, 0x18, 0x18, 0x18};

/** The kBiasColumnCodes bytes as four little-endian words, for one 16-byte store. */
constexpr uint32_t bias_column_word(int w) {
  return uint32_t{kBiasColumnCodes[4 * w]} | uint32_t{kBiasColumnCodes[4 * w + 1]} << 8 |
         uint32_t{kBiasColumnCodes[4 * w + 2]} << 16 | uint32_t{kBiasColumnCodes[4 * w + 3]} << 24;
}

/** Writes the kBiasColumns weight codes of each of n output channels to out + j * ld (greedily, largest column
 * first, each code the E4M3 rounding of what is left). False, with out partly written, where some bias / unit is
 * not finite or is not met to within max(1e-6 of it, 1e-3): the GEMM then needs its bias epilogue. */
bool encode_bias_columns(const float* bias, const float* unit, int64_t n, int8_t* out, int64_t ld);

/** What the GEMM adds for one channel's codes: unit * sum of decode(code[c]) * decode(kBiasColumnCodes[c]). */
float decode_bias_columns(const int8_t* codes, float unit);

}  // namespace samp::cpu
