// Kernel launches that may overlap the previous kernel on the stream (programmatic dependent launch, sm_90+): the
// launch is queued and its blocks are placed on SMs while the previous kernel finishes, instead of after it; the
// kernel calls wait_for_previous_kernel() before it reads anything (the wait returns once the previous kernel has
// completed and its writes are visible). Elsewhere, and with SAMP_CUDA_PDL=0, an ordinary launch. Captured into
// CUDA graphs as programmatic edges.
#pragma once
#include <cuda_runtime.h>

#include <utility>

#include "cuda/check.h"
#include "cuda/kernels.cuh"

namespace samp::cuda {

__device__ __forceinline__ void wait_for_previous_kernel() {
#if __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
#endif
}

template <typename... Params, typename... Args>
void launch_overlapped(void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem, cudaStream_t stream,
                       Args&&... args) {
  cudaLaunchAttribute overlap[1] = {};
  overlap[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  overlap[0].val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = grid, config.blockDim = block, config.dynamicSmemBytes = smem, config.stream = stream;
  config.attrs = overlap, config.numAttrs = current_device_overlaps_launches() ? 1 : 0;
  SAMP_CUDA_CHECK(cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...));
}

}  // namespace samp::cuda
