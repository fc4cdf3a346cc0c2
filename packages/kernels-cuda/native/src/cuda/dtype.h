// Element types of the CUDA backend's tensors.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace samp::cuda {

enum class DType : int32_t { f32 = 0, f16 = 1, bf16 = 2 };

inline size_t dtype_size(DType t) { return t == DType::f32 ? 4 : 2; }
inline const char* dtype_name(DType t) { return t == DType::f32 ? "fp32" : (t == DType::f16 ? "fp16" : "bf16"); }
DType dtype_from_string(const std::string& name);

}  // namespace samp::cuda
