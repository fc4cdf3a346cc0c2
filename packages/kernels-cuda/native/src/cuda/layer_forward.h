// The encoder layers of a CUDA forward, enqueued over one part of the packed rows (all of them, or one half of a
// split forward) on one stream. Each layer runs its plan's mode: 8-bit layers follow the CPU backend's numerics
// (cpu/cpu_layer.cc): the embedding / previous LayerNorm writes a fully-quant layer's input 8-bit, attention writes
// its context 8-bit, LayerNorm 1 writes the FFN input 8-bit, the FFN1 epilogue applies GELU and writes 8-bit, and
// the residuals of a fully-quant layer are the 8-bit tensors; with a qkv clip the QKV GEMM writes 8-bit too (before
// its bias) and attention reads it.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "common/model_config.h"
#include "cuda/cuda_layer.h"
#include "cuda/dtype.h"
#include "cuda/forward_split.h"
#include "cuda/gemm_lt.h"
#include "cuda/op_timer.h"

namespace samp::cuda {

/** Where one part of the forward runs: its stream and the cuBLASLt instance (workspace) that stream uses. */
struct Lane {
  cudaStream_t stream;
  LtGemm& gemm;
};

/** The model's activation buffers (whole; each part takes its rows; the 8-bit ones null in a float model), its
 * packed-input ints and its outputs. */
struct ForwardBuffers {
  void *h = nullptr, *ctx = nullptr, *a = nullptr, *qkv = nullptr, *f = nullptr;
  int8_t *h8 = nullptr, *ctx8 = nullptr, *a8 = nullptr, *f8 = nullptr, *qkv8 = nullptr;  // a8: room for bias columns
  int32_t* ints = nullptr;       // ids, types, positions, source rows (rows each), then the sequence offsets
  float* hidden_out = nullptr;   // the unpacked fp32 output the last LayerNorm writes
  float* pooled_out = nullptr;   // the pooler's
};

/** What every layer's kernels share: the model's shape and dtype and how its GEMMs run. */
struct ForwardSettings {
  ModelConfig config;
  DType dt = DType::f32;
  bool lt_fp8 = false;          // FP8 GEMMs through cuBLASLt (fp16 models)
  bool fp8_fast_accum = true;   // cuBLASLt FP8 GEMMs with fast accumulation (SAMP_CUDA_FP8_FAST_ACCUM=0: exact)
  bool fold_bias = false;       // attention and LayerNorm add the biases of the GEMMs before them (BERT widths)
  bool ln_q8_only = false;      // LayerNorms that write only 8-bit take their own instances (SAMP_CUDA_LN_Q8_ONLY=1)
  const float* one = nullptr;   // cuBLASLt FP8's activation scale: 1, the activation scale is folded into alpha
};

/** Enqueues the layers over `part`'s rows and sequences on its lane. all_rows: the forward's packed row count (the
 * layout of `ints`). after_first_gemm: an event recorded on the stream after the first layer's QKV GEMM (or null). */
void enqueue_layers(const ForwardSettings& s, const std::vector<CudaLayer>& layers, const ForwardBuffers& b,
                    const Lane& on, const ForwardPart& part, int64_t seq, int64_t all_rows,
                    cudaEvent_t after_first_gemm, OpTimer& timer);

}  // namespace samp::cuda
