// FP32 GEMM for the CPU backend: C[m, n] = A[m, k] * W[n, k]^T (+ bias, then an activation).
// W is packed once (at model load) into panels of the micro-kernel's width.
#pragma once
#include <cstdint>
#include <vector>

namespace samp::cpu {

enum class Epilogue : int32_t { none = 0, bias = 1, bias_gelu = 2, bias_tanh = 3 };

struct PackedWeight {
  int64_t n = 0, k = 0;
  int nr = 0;               // panel width of the kernel it was packed for
  std::vector<float> data;  // panel p: k rows of nr values
};

/** Packs a row-major [n, k] weight (the layout of an HF Linear) for the selected kernel. */
PackedWeight gemm_pack_weight(const float* w, int64_t n, int64_t k);

/** C = A * W^T with the epilogue; bias has n values (ignored for Epilogue::none). Multi-threaded. */
void gemm(const float* a, int64_t m, int64_t lda, const PackedWeight& w, const float* bias, Epilogue epilogue,
          float* c, int64_t ldc);

/** The instruction set the GEMM runs on here: "avx512", "avx2" or "scalar" (SAMP_CPU_ISA may lower it). */
const char* gemm_isa();

}  // namespace samp::cpu
