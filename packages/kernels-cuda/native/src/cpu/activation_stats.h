// Calibration statistics: a histogram of |x| per quantization point, its range doubled (bins merged pairwise)
// whenever a larger value arrives, so one pass over the calibration data suffices for max, percentile and MSE.
#pragma once
#include <cstdint>
#include <vector>

namespace samp::cpu {

class Histogram {
 public:
  static constexpr int64_t kBins = 2048;

  /** Adds |x[i]| for i < n (multi-threaded). */
  void add(const float* x, int64_t n);

  double amax() const { return amax_; }
  /** Upper edge of the last bin (0 until a non-zero value arrives). */
  double range() const { return range_; }
  const std::vector<double>& counts() const { return counts_; }

 private:
  void grow_to(double amax);

  double amax_ = 0.0, range_ = 0.0;
  std::vector<double> counts_ = std::vector<double>(kBins, 0.0);
};

/** The points of each layer, in this order: input, ctx, ffn_in, ffn_mid, qkv (the QKV GEMM's output before its
 * bias). */
constexpr int kStatPoints = 5;

}  // namespace samp::cpu
