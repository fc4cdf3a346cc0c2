// Histogram of |x| with a doubling range.
#include "cpu/activation_stats.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "common/error.h"
#include "cpu/thread_pool.h"

namespace samp::cpu {
namespace {

constexpr int64_t kChunk = 1 << 16;

}  // namespace

void Histogram::grow_to(double amax) {
  if (range_ == 0.0) {
    range_ = std::exp2(std::ceil(std::log2(amax)));  // a power of two, so merged bins stay aligned
    if (range_ < amax) range_ *= 2.0;
    return;
  }
  while (range_ < amax) {
    for (int64_t b = 0; b < kBins / 2; ++b) counts_[static_cast<size_t>(b)] = counts_[2 * b] + counts_[2 * b + 1];
    std::fill(counts_.begin() + kBins / 2, counts_.end(), 0.0);
    range_ *= 2.0;
  }
}

void Histogram::add(const float* x, int64_t n) {
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<float> chunk_max(static_cast<size_t>(chunks), 0.0f);
  cpu_parallel_for(chunks, [&](int64_t c) {
    float m = 0.0f;
    for (int64_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) m = std::max(m, std::fabs(x[i]));
    chunk_max[static_cast<size_t>(c)] = m;
  });
  float batch_max = 0.0f;
  for (float m : chunk_max) batch_max = std::max(batch_max, m);
  SAMP_REQUIRE(std::isfinite(batch_max), SAMP_INVALID, "Calibration met a non-finite activation");
  if (batch_max == 0.0f) {
    counts_[0] += static_cast<double>(n);
    return;
  }
  amax_ = std::max(amax_, static_cast<double>(batch_max));
  grow_to(amax_);
  const double per_bin = static_cast<double>(kBins) / range_;
  std::mutex merge;
  cpu_parallel_for(chunks, [&](int64_t c) {
    std::vector<int64_t> local(static_cast<size_t>(kBins), 0);
    for (int64_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
      const int64_t b = static_cast<int64_t>(std::fabs(x[i]) * per_bin);
      ++local[static_cast<size_t>(std::min(b, kBins - 1))];
    }
    std::lock_guard<std::mutex> lock(merge);
    for (int64_t b = 0; b < kBins; ++b) counts_[static_cast<size_t>(b)] += static_cast<double>(local[static_cast<size_t>(b)]);
  });
}

}  // namespace samp::cpu
