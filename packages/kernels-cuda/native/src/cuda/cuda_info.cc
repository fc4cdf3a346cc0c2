// What the CUDA runtime sees: devices and their compute capability, or why none can be used; the current device's
// SM count for launch sizes.
#include <atomic>

#include "cuda/check.h"
#include "cuda/cuda_api.h"
#include "cuda/kernels.cuh"

namespace samp {

namespace cuda {

int current_sm_count() {
  constexpr int kDevices = 64;
  static std::atomic<int> known[kDevices] = {};
  int device = 0;
  SAMP_CUDA_CHECK(cudaGetDevice(&device));
  if (device >= 0 && device < kDevices && known[device].load(std::memory_order_relaxed) > 0)
    return known[device].load(std::memory_order_relaxed);
  int sms = 0;
  SAMP_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  if (device >= 0 && device < kDevices) known[device].store(sms, std::memory_order_relaxed);
  return sms;
}

}  // namespace cuda

CudaInfo cuda_info() {
  CudaInfo info;
  info.compiled = true;
  int count = 0;
  const cudaError_t st = cudaGetDeviceCount(&count);
  if (st != cudaSuccess) {
    info.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorName(st) + ": " + cudaGetErrorString(st);
    cudaGetLastError();  // clear the sticky error state of the runtime
    return info;
  }
  if (count == 0) info.reason = "no CUDA device found";
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    CudaDeviceInfo x;
    x.name = p.name;
    x.major = p.major, x.minor = p.minor, x.sm_count = p.multiProcessorCount;
    x.memory = static_cast<int64_t>(p.totalGlobalMem);
    if (x.major < 8) continue;  // the kernels are built for sm_80 and newer
    info.devices.push_back(x);
  }
  if (count > 0 && info.devices.empty()) info.reason = "no CUDA device of compute capability 8.0 or newer";
  return info;
}

}  // namespace samp
