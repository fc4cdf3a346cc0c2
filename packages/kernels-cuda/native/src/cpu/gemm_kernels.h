// The micro-kernels behind cpu::gemm: C[mr, nr] (+)= A_panel[kc, mr]^T * B_panel[kc, nr], one per ISA.
#pragma once
#include <cstdint>

#include "cpu/gemm.h"

namespace samp::cpu {

using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate);

/** c[i, j0 + j] = act(c[i, j0 + j] + bias[j0 + j]) over rows x cols, as cpu::gemm's epilogue says. */
using EpilogueKernel = void (*)(float* c, int64_t ldc, int64_t rows, int64_t j0, int64_t cols, const float* bias,
                                Epilogue ep);

/** The micro-kernel reading A in place: row r of the tile at a + r * lda, k along the row; `rows` (1 to mr) rows of
 * A read and of C written, so that a last, partial panel needs no packing. */
using DirectMicroKernel = void (*)(int64_t kc, const float* a, int64_t lda, const float* b, float* c, int64_t ldc,
                                   bool accumulate, int rows);

struct GemmKernel {
  const char* isa;
  int mr, nr;
  MicroKernel micro;
  EpilogueKernel epilogue = nullptr;  // null: the portable one in gemm.cc
  DirectMicroKernel direct = nullptr;  // null: A is always packed
};

GemmKernel gemm_kernel_scalar();
GemmKernel gemm_kernel_avx2();    // call only where AVX2 and FMA are present
GemmKernel gemm_kernel_avx512();  // call only where AVX-512F is present

}  // namespace samp::cpu
