// BERT pooler on the CPU.
#pragma once
#include <cstdint>

#include "cpu/gemm.h"

namespace samp::cpu {

/** out[b] = tanh(W * hidden[offsets[b]] + bias), hidden packed [tokens, width]. */
void cpu_pooler(const float* hidden, const int32_t* offsets, int64_t batch, int64_t width, const PackedWeight& w,
                const float* bias, float* out);

}  // namespace samp::cpu
