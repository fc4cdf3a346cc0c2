// What the CUDA runtime sees: devices and their compute capability, or why none can be used.
#include "cuda/check.h"
#include "cuda/cuda_api.h"

namespace samp {

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
