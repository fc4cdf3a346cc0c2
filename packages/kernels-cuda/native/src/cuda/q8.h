// 8-bit activations between CUDA kernels: a buffer of INT8 values or E4M3 codes, its per-tensor scale (real value
// = scale * decoded value) and its type. The arithmetic matches the CPU backend's (cpu/q8.h): encode x as
// clamp(round-half-even(x * (1 / scale)), +-127), or E4M3 with round-to-nearest-even, saturating to +-448.
#pragma once
#include <cstdint>

#include "common/model_config.h"

namespace samp::cuda {

struct Q8Tensor {
  int8_t* data = nullptr;
  float scale = 1.0f;
  Dtype8 type = Dtype8::int8;
  /** Bias columns after each row's values (0, or cpu::kBiasColumns where the next GEMM carries its bias in its
   * reduction: the rows are then `width + pad` apart and their writer fills the columns, cpu/bias_columns.h). */
  int32_t pad = 0;
};

/** A Q8Tensor for a clip value (scale = clip / 127 for INT8, clip / 448 for E4M3), as the CPU computes it. */
inline Q8Tensor q8_tensor(int8_t* data, float clip, Dtype8 type) {
  return Q8Tensor{data, clip / (type == Dtype8::fp8 ? 448.0f : 127.0f), type};
}

/** What a kernel needs to write 8-bit values: the buffer, 1 / scale, and whether the codes are E4M3. */
struct Q8Store {
  int8_t* data = nullptr;
  float inv_scale = 1.0f;
  bool fp8 = false;
  int32_t pad = 0;  // Q8Tensor::pad (only the LayerNorm kernels write padded rows)
};

/** What a kernel needs to read 8-bit values. */
struct Q8Load {
  const int8_t* data = nullptr;
  float scale = 1.0f;
  bool fp8 = false;
  int32_t pad = 0;  // Q8Tensor::pad (only the LayerNorm kernels read padded rows)
};

inline Q8Store q8_store(const Q8Tensor& t) { return Q8Store{t.data, 1.0f / t.scale, t.type == Dtype8::fp8, t.pad}; }
inline Q8Load q8_load(const Q8Tensor& t) { return Q8Load{t.data, t.scale, t.type == Dtype8::fp8, t.pad}; }

}  // namespace samp::cuda
