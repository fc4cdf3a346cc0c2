// What the CUDA runtime sees: devices and their compute capability, or why none can be used; the current device's
// SM count for launch sizes, and whether its launches may overlap (programmatic dependent launch).
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "cuda/check.h"
#include "cuda/cuda_api.h"
#include "cuda/kernels.cuh"

namespace samp {

namespace cuda {
namespace {

constexpr int kDevices = 64;

/** A value of the current device, computed once by get(device) (never 0) and cached per device. */
template <typename Get>
int per_device(std::atomic<int> (&known)[kDevices], Get get) {
  int device = 0;
  SAMP_CUDA_CHECK(cudaGetDevice(&device));
  const bool cacheable = device >= 0 && device < kDevices;
  const int seen = cacheable ? known[device].load(std::memory_order_relaxed) : 0;
  if (seen != 0) return seen;
  const int v = get(device);
  if (cacheable) known[device].store(v, std::memory_order_relaxed);
  return v;
}

}  // namespace

int current_sm_count() {
  static std::atomic<int> known[kDevices] = {};
  return per_device(known, [](int device) {
    int sms = 0;
    SAMP_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
    return sms;
  });
}

bool current_device_overlaps_launches() {
  static std::atomic<int> known[kDevices] = {};
  return per_device(known, [](int device) {
    int major = 0;
    SAMP_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    const char* env = std::getenv("SAMP_CUDA_PDL");
    return major >= 9 && !(env && std::strcmp(env, "0") == 0) ? 1 : -1;
  }) > 0;
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
