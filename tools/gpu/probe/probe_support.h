// What the probes that link samp's CUDA sources need from the rest of the addon: its error hook (print and exit)
// and the device queries the launchers use; and the probes' timing of a CUDA graph of launches. Include in exactly
// one translation unit of a probe.
#pragma once
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#define CK(x)                                                                                   \
  do {                                                                                          \
    const cudaError_t st_ = (x);                                                                \
    if (st_ != cudaSuccess) {                                                                   \
      std::fprintf(stderr, "%s failed: %s at line %d\n", #x, cudaGetErrorString(st_), __LINE__); \
      std::exit(1);                                                                             \
    }                                                                                           \
  } while (0)

namespace samp {
void fail(const char* code, const std::string& message, const char* file, int line) {
  std::fprintf(stderr, "%s: %s (%s:%d)\n", code, message.c_str(), file, line);
  std::exit(1);
}
namespace cuda {
int current_sm_count() {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  return sms;
}
bool current_device_overlaps_launches() { return true; }
}  // namespace cuda
}  // namespace samp

/** us per launch: a graph of `reps` x enqueue(), replayed 15 times, median of the replays. */
inline float time_graph(cudaStream_t s, const std::function<void()>& enqueue, int reps) {
  cudaGraph_t g;
  CK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
  for (int i = 0; i < reps; ++i) enqueue();
  CK(cudaStreamEndCapture(s, &g));
  cudaGraphExec_t ge;
  CK(cudaGraphInstantiate(&ge, g, 0));
  cudaEvent_t a, z;
  CK(cudaEventCreate(&a));
  CK(cudaEventCreate(&z));
  std::vector<float> ms;
  for (int i = 0; i < 17; ++i) {
    CK(cudaEventRecord(a, s));
    CK(cudaGraphLaunch(ge, s));
    CK(cudaEventRecord(z, s));
    CK(cudaEventSynchronize(z));
    float m = 0;
    CK(cudaEventElapsedTime(&m, a, z));
    if (i >= 2) ms.push_back(m);
  }
  std::sort(ms.begin(), ms.end());
  cudaGraphExecDestroy(ge);
  cudaGraphDestroy(g);
  return ms[ms.size() / 2] * 1000.0f / reps;
}

