// The micro-kernels behind cpu::gemm: C[mr, nr] (+)= A_panel[kc, mr]^T * B_panel[kc, nr], one per ISA.
#pragma once
#include <cstdint>

namespace samp::cpu {

using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);

struct GemmKernel {
  const char* isa;
  int mr, nr;
  MicroKernel micro;
};

GemmKernel gemm_kernel_scalar();
GemmKernel gemm_kernel_avx2();    // call only where AVX2 and FMA are present
GemmKernel gemm_kernel_avx512();  // call only where AVX-512F is present

}  // namespace samp::cpu
