// Variable-length packing on the device: the last hidden state scattered back to the padded [batch, seq] layout.
#include "cuda/check.h"
#include "cuda/device_math.cuh"
#include "cuda/kernels.cuh"

namespace samp::cuda {
namespace {

// ---- kernels ----
template <typename T>
__global__ void unpack_kernel(const T* packed, const int32_t* source, int64_t width, float* out) {
  const int32_t dst = source[blockIdx.x];
  if (dst < 0) return;  // a row added to round the token count up
  const T* row = packed + blockIdx.x * width;
  float* o = out + int64_t{dst} * width;
  for (int64_t j = threadIdx.x; j < width; j += blockDim.x) o[j] = to_f32<T>(row[j]);
}

}  // namespace

// ---- launchers ----
void launch_unpack(DType dt, const void* packed, const int32_t* source, int64_t tokens, int64_t width, float* out,
                   cudaStream_t stream) {
  SAMP_REQUIRE(tokens > 0 && tokens < (int64_t{1} << 31), SAMP_INVALID, "unpack: bad token count");
  SAMP_DISPATCH_DTYPE(dt, T,
                      unpack_kernel<T><<<static_cast<unsigned>(tokens), 256, 0, stream>>>(
                          static_cast<const T*>(packed), source, width, out));
  SAMP_CUDA_LAUNCHED();
}

}  // namespace samp::cuda
