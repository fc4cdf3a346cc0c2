// Weight upload (see weight_upload.h). The 8-bit quantization is the CPU backend's, so both run the same codes.
#include "cuda/weight_upload.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "cpu/bias_columns.h"
#include "cpu/gemm_i8.h"
#include "cuda/check.h"
#include "cuda/kernels.cuh"

namespace samp::cuda {

void* WeightUploader::bytes(const void* src, size_t n) {
  void* dst = carve_.take(n);
  if (upload_) SAMP_CUDA_CHECK(cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice));
  return dst;
}

void* WeightUploader::floats(const float* src, int64_t n, const char* what, bool keep_f32) {
  return typed(src, n, keep_f32 ? DType::f32 : dt_, what);
}

void* WeightUploader::typed(const float* src, int64_t n, DType as, const char* what) {
  SAMP_REQUIRE(src != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
  void* dst = carve_.take(static_cast<size_t>(n) * dtype_size(as));
  if (!upload_) return nullptr;
  if (as == DType::f32) {
    SAMP_CUDA_CHECK(cudaMemcpyAsync(dst, src, sizeof(float) * n, cudaMemcpyHostToDevice, stream_));
    return dst;
  }
  if (staging_.size() < sizeof(float) * n) {
    SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));
    staging_ = DeviceBuffer(sizeof(float) * n);
  }
  SAMP_CUDA_CHECK(cudaMemcpyAsync(staging_.get(), src, sizeof(float) * n, cudaMemcpyHostToDevice, stream_));
  launch_convert_from_f32(as, static_cast<const float*>(staging_.get()), dst, n, stream_);
  SAMP_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the staging buffer is reused by the next weight
  return dst;
}

float* WeightUploader::scalar(float v) { return static_cast<float*>(bytes(&v, sizeof v)); }

Gemm8Weights WeightUploader::gemm8(const float* w, const float* bias, int64_t n, int64_t k, Dtype8 type,
                                   float in_scale, bool with_bias16, const char* what, bool bias_in_k) {
  SAMP_REQUIRE(w != nullptr && bias != nullptr, SAMP_INVALID, std::string("Expected the weight ") + what);
  Gemm8Weights g;
  g.n = n, g.k = k;
  std::vector<int8_t> codes;
  std::vector<float> alpha;
  // bias columns are decided in the measuring pass too (they change the layout): quantized in both
  bias_in_k = bias_in_k && type == Dtype8::fp8;
  if (upload_ || bias_in_k) {
    codes.resize(static_cast<size_t>(n * k));
    alpha.resize(static_cast<size_t>(n));
    cpu::quantize_weight(w, n, k, codes.data(), alpha.data(), type);
    for (float& a : alpha) a = in_scale * a;  // the CPU's epilogue scale: a_scale * w_scale[j]
  }
  if (bias_in_k) {
    const int64_t kb = k + cpu::kBiasColumns;
    std::vector<int8_t> wide(static_cast<size_t>(n * kb));
    for (int64_t j = 0; j < n; ++j) std::copy_n(codes.data() + j * k, k, wide.data() + j * kb);
    if (cpu::encode_bias_columns(bias, alpha.data(), n, wide.data() + k, kb)) {
      codes.swap(wide);
      g.k = kb, g.bias_in_k = true;
    }
  }
  g.w = static_cast<const int8_t*>(bytes(codes.data(), static_cast<size_t>(n * g.k)));
  g.alpha = static_cast<const float*>(bytes(alpha.data(), sizeof(float) * n));
  g.bias = static_cast<const float*>(typed(bias, n, DType::f32, what));
  if (with_bias16) g.bias16 = typed(bias, n, DType::f16, what);
  return g;
}

}  // namespace samp::cuda
