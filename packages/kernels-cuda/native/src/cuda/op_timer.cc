// OpTimer: events between ops of an eager forward, for finding where the time goes.
#include "cuda/op_timer.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "cuda/check.h"

namespace samp::cuda {

OpTimer::OpTimer() {
  const char* env = std::getenv("SAMP_CUDA_OP_TIMES");
  enabled_ = env && std::strcmp(env, "1") == 0;
}

void OpTimer::mark(cudaStream_t stream, const char* name) {
  if (!enabled_) return;
  cudaEvent_t e;
  SAMP_CUDA_CHECK(cudaEventCreate(&e));
  SAMP_CUDA_CHECK(cudaEventRecord(e, stream));
  marks_.emplace_back(name, e);
}

void OpTimer::discard() {
  for (auto& m : marks_) cudaEventDestroy(m.second);
  marks_.clear();
}

void OpTimer::report(cudaStream_t stream, int32_t forwards) {
  if (!enabled_ || marks_.empty()) return;
  SAMP_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::map<std::string, double> total;
  for (size_t i = 1; i < marks_.size(); ++i) {
    float ms = 0.0f;
    if (std::strcmp(marks_[i].first, "start") != 0 &&
        cudaEventElapsedTime(&ms, marks_[i - 1].second, marks_[i].second) == cudaSuccess)
      total[marks_[i].first] += ms;
  }
  discard();
  for (const auto& t : total) std::fprintf(stderr, "  op %-16s %8.4f ms per forward\n", t.first.c_str(), t.second / forwards);
}

}  // namespace samp::cuda
