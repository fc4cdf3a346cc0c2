// Puts a model's host fp32 weights into one device allocation, laid out by a measuring pass (upload = false) and
// then filled (upload = true): floats in the model's dtype or fp32, and 8-bit GEMM weights quantized (INT8 per output
// channel, FP8 per tensor) with their epilogue scales.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "common/model_config.h"
#include "cuda/device_buffer.h"
#include "cuda/dtype.h"

namespace samp::cuda {

/** An 8-bit GEMM's weights on the device: codes [n, k], alpha[j] = input scale * weight scale[j], bias in fp32,
 * and (for cuBLASLt FP8) the bias in fp16. bias_in_k: the last cpu::kBiasColumns of k carry the bias
 * (cpu/bias_columns.h): the input's rows must end in those columns, and the GEMM adds no bias of its own. */
struct Gemm8Weights {
  const int8_t* w = nullptr;
  const float* alpha = nullptr;
  const float* bias = nullptr;
  const void* bias16 = nullptr;
  int64_t n = 0, k = 0;
  bool bias_in_k = false;
};

class WeightUploader {
 public:
  WeightUploader(Carver& carve, bool upload, DType dt, cudaStream_t stream, DeviceBuffer& staging)
      : carve_(carve), upload_(upload), dt_(dt), stream_(stream), staging_(staging) {}

  /** n floats in the model's dtype (or fp32 where keep_f32). */
  void* floats(const float* src, int64_t n, const char* what, bool keep_f32 = false);
  /** A [n, k] weight and its [n] bias as an 8-bit GEMM whose input has scale in_scale. bias_in_k (FP8): the bias
   * in kBiasColumns more columns of k, where every bias fits them (Gemm8Weights::bias_in_k says whether it did). */
  Gemm8Weights gemm8(const float* w, const float* bias, int64_t n, int64_t k, Dtype8 type, float in_scale,
                     bool with_bias16, const char* what, bool bias_in_k = false);
  /** One fp32 value. */
  float* scalar(float v);

 private:
  void* bytes(const void* src, size_t n);
  /** n floats converted to `as`. */
  void* typed(const float* src, int64_t n, DType as, const char* what);

  Carver& carve_;
  bool upload_;
  DType dt_;
  cudaStream_t stream_;
  DeviceBuffer& staging_;
};

}  // namespace samp::cuda
