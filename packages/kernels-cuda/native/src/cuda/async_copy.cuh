// Shared-memory staging helpers of the tensor-core kernels: 16-byte cp.async copies (zero-filling where the source
// is out of range), their commit / wait, and ldmatrix fragment loads. No-ops below sm_80 (never launched there).
#pragma once
#include <cstdint>

namespace samp::cuda {

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

/** Copies 16 bytes from src to shared address dst, or writes 16 zero bytes when !valid (src is not read). */
__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool valid) {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(valid ? 16 : 0));
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

/** Waits until at most Pending committed groups are still in flight. */
template <int Pending>
__device__ __forceinline__ void cp_async_wait() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;\n" ::"n"(Pending));
#endif
}

// ldmatrix of four 8x8 matrices, `variant` "" or ".trans" (adjacent string literals join into one instruction)
#define SAMP_LDMATRIX_X4(variant, r, addr)                                                   \
  asm volatile("ldmatrix.sync.aligned.m8n8.x4" variant ".shared.b16 {%0, %1, %2, %3}, [%4];\n" \
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])                             \
               : "r"(addr))

/** Four 8x8 matrices of 16-bit elements (8 rows of 16 bytes each); lane i gives the row address of matrix i / 8.
 * kTrans: each matrix transposed on the way (lane i then holds column i / 4's two values). */
template <bool kTrans = false>
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], uint32_t addr) {
#if __CUDA_ARCH__ >= 800
  if constexpr (kTrans) {
    SAMP_LDMATRIX_X4(".trans", r, addr);
  } else {
    SAMP_LDMATRIX_X4("", r, addr);
  }
#endif
}

}  // namespace samp::cuda
