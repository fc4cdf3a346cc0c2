// The CUDA backend as plain C++ (no CUDA types), for the addon and the models. Defined only with SAMP_WITH_CUDA;
// cuda_info() exists in every build.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/op_args.h"

namespace samp {

struct CudaDeviceInfo {
  std::string name;
  int32_t major = 0, minor = 0, sm_count = 0;
  int64_t memory = 0;
};

struct CudaInfo {
  bool compiled = false;
  std::string reason;  // why the backend is absent or unusable
  std::vector<CudaDeviceInfo> devices;
};

CudaInfo cuda_info();

/** One op of the CUDA backend on host fp32 data: inputs converted to args.dtype on the device, output back
 * to fp32. For tests that compare every CUDA op with the CPU op. */
std::vector<float> cuda_run_op(const OpArgs& args);

}  // namespace samp
