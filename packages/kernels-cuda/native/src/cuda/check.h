// CUDA error checks for host code: a failing call becomes a samp::Error naming the call and its location.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "common/error.h"

#define SAMP_CUDA_CHECK(call)                                                                               \
  do {                                                                                                      \
    const cudaError_t samp_err_ = (call);                                                                   \
    if (samp_err_ != cudaSuccess)                                                                           \
      ::samp::fail(samp_err_ == cudaErrorMemoryAllocation ? SAMP_OOM : SAMP_CUDA_ERROR,                     \
                   std::string(#call) + " failed: " + cudaGetErrorName(samp_err_) + ": " +                  \
                       cudaGetErrorString(samp_err_),                                                       \
                   __FILE__, __LINE__);                                                                     \
  } while (0)

/** After a kernel launch: reports a bad launch configuration at the launch site. */
#define SAMP_CUDA_LAUNCHED() SAMP_CUDA_CHECK(cudaGetLastError())

namespace samp::cuda {

/** p is a multiple of `bytes` (null counts as aligned): for the launchers' checks of vectorized kernels. */
inline bool aligned_to(const void* p, uintptr_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

}  // namespace samp::cuda
