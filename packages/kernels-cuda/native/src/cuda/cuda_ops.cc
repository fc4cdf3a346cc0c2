// Runs one CUDA op on host fp32 data for the cross-backend op test: upload, convert to the dtype, run, convert
// back. Allocates per call; this is a test path, not the model's.
#include <vector>

#include "common/error.h"
#include "cuda/check.h"
#include "cuda/cuda_api.h"
#include "cpu/gemm_i8.h"
#include "cpu/q8.h"
#include "cuda/device_buffer.h"
#include "cuda/gemm8.h"
#include "cuda/gemm_lt.h"
#include "cuda/kernels.cuh"

namespace samp {
namespace {

using cuda::DeviceBuffer;
using cuda::DType;

struct Staged {
  std::vector<DeviceBuffer> keep;
  cudaStream_t stream = nullptr;

  /** Host floats to the device, in dt (or fp32 when as_f32). */
  void* floats(const std::vector<float>& v, DType dt, bool as_f32 = false) {
    DeviceBuffer f32(v.size() * sizeof(float));
    SAMP_CUDA_CHECK(cudaMemcpyAsync(f32.get(), v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice, stream));
    if (as_f32 || dt == DType::f32) {
      keep.push_back(std::move(f32));
      return keep.back().get();
    }
    DeviceBuffer typed(v.size() * cuda::dtype_size(dt));
    cuda::launch_convert_from_f32(dt, static_cast<const float*>(f32.get()), typed.get(),
                                  static_cast<int64_t>(v.size()), stream);
    keep.push_back(std::move(f32));
    keep.push_back(std::move(typed));
    return keep.back().get();
  }
  /** Host bytes to the device, as they are. */
  void* bytes(const void* src, size_t size) {
    keep.emplace_back(size);
    SAMP_CUDA_CHECK(cudaMemcpyAsync(keep.back().get(), src, size, cudaMemcpyHostToDevice, stream));
    return keep.back().get();
  }
  int32_t* ints(const std::vector<int32_t>& v) {
    return static_cast<int32_t*>(bytes(v.data(), v.size() * sizeof(int32_t)));
  }
  void* out(int64_t n, DType dt) {
    keep.emplace_back(static_cast<size_t>(n) * cuda::dtype_size(dt));
    SAMP_CUDA_CHECK(cudaMemsetAsync(keep.back().get(), 0, keep.back().size(), stream));
    return keep.back().get();
  }
};

}  // namespace

std::vector<float> cuda_run_op(const OpArgs& a) {
  const int64_t n_out = op_args_validate(a);
  const DType dt = cuda::dtype_from_string(a.dtype);
  SAMP_CUDA_CHECK(cudaSetDevice(a.device));
  Staged s;
  SAMP_CUDA_CHECK(cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking));
  struct StreamGuard {
    cudaStream_t st;
    ~StreamGuard() { cudaStreamDestroy(st); }
  } guard{s.stream};
  const auto& d = a.dims;
  void* out = nullptr;
  bool out_is_f32 = false;
  if (a.op == "gemm") {
    SAMP_REQUIRE(a.epilogue != 3, SAMP_UNSUPPORTED, "The cuda gemm has no tanh epilogue (the pooler has its own kernel)");
    cuda::LtGemm gemm;
    out = s.out(n_out, dt);
    gemm.run(dt, s.floats(a.f[0], dt), s.floats(a.f[1], dt), a.epilogue ? s.floats(a.f[2], dt) : nullptr, out, d[0],
             d[1], d[2], static_cast<cuda::GemmEpilogue>(a.epilogue), s.stream);
    SAMP_CUDA_CHECK(cudaStreamSynchronize(s.stream));
  } else if (a.op == "gemm_i8") {
    // the CPU's quantization on the host, then the tensor-core kernel with an fp32 output
    const int64_t m = d[0], n = d[1], k = d[2];
    std::vector<int8_t> a8(static_cast<size_t>(m * k)), w8(static_cast<size_t>(n * k));
    std::vector<float> alpha(static_cast<size_t>(n));
    cpu::quantize_s8(a.f[0].data(), m * k, a.f[2][0], a8.data());
    cpu::quantize_weight(a.f[1].data(), n, k, w8.data(), alpha.data());
    for (float& x : alpha) x *= a.f[2][0];
    const auto* da = static_cast<const int8_t*>(s.bytes(a8.data(), a8.size()));
    const auto* dw = static_cast<const int8_t*>(s.bytes(w8.data(), w8.size()));
    const auto* dalpha = static_cast<const float*>(s.bytes(alpha.data(), sizeof(float) * alpha.size()));
    const auto* dbias = a.epilogue ? static_cast<const float*>(s.floats(a.f[3], dt, true)) : nullptr;
    out = s.out(n_out, DType::f32);
    out_is_f32 = true;
    cuda::Gemm8Out o;
    o.f = out, o.f_type = DType::f32;
    cuda::launch_gemm8(Dtype8::int8, da, dw, dalpha, dbias, m, n, k, a.epilogue == 2, o, s.stream);
    SAMP_CUDA_CHECK(cudaStreamSynchronize(s.stream));
  } else if (a.op == "embedding_layernorm") {
    out = s.out(n_out, dt);
    cuda::launch_embedding_layernorm(dt, s.ints(a.i[0]), s.ints(a.i[1]), s.ints(a.i[2]), d[0], s.floats(a.f[0], dt),
                                     s.floats(a.f[1], dt), s.floats(a.f[2], dt),
                                     static_cast<float*>(s.floats(a.f[3], dt, true)),
                                     static_cast<float*>(s.floats(a.f[4], dt, true)), d[1], a.eps, out, cuda::Q8Store{},
                                     s.stream);
  } else if (a.op == "add_layernorm") {
    out = s.floats(a.f[0], dt);
    auto* gamma = static_cast<float*>(s.floats(a.f[2], dt, true));
    auto* beta = static_cast<float*>(s.floats(a.f[3], dt, true));
    if (a.f.size() == 5) {  // with the x bias: the row kernel the model uses
      SAMP_REQUIRE(cuda::add_layernorm_q8_width(d[1]), SAMP_UNSUPPORTED,
                   "add_layernorm with an x bias needs a width that is a multiple of 8, at most 1024");
      cuda::launch_add_layernorm_q8(dt, out, static_cast<float*>(s.floats(a.f[4], dt, true)), s.floats(a.f[1], dt),
                                    cuda::Q8Load{}, d[0], gamma, beta, d[1], a.eps, out, cuda::Q8Store{}, nullptr,
                                    nullptr, s.stream);
    } else {
      cuda::launch_add_layernorm(dt, out, s.floats(a.f[1], dt), d[0], gamma, beta, d[1], a.eps, s.stream);
    }
  } else if (a.op == "attention") {
    out = s.out(n_out, dt);
    int64_t max_len = 0;
    for (int64_t b = 0; b < d[0]; ++b) max_len = std::max<int64_t>(max_len, a.i[0][b + 1] - a.i[0][b]);
    const float* bias = a.f.size() >= 2 ? static_cast<float*>(s.floats(a.f[1], dt, true)) : nullptr;
    cuda::Q8Load in8;
    if (a.f.size() == 3) {  // read 8-bit: the CPU's encoding on the host
      std::vector<int8_t> codes(a.f[0].size());
      const Dtype8 t = d[3] == 2 ? Dtype8::fp8 : Dtype8::int8;
      cpu::q8_encode_row(a.f[0].data(), static_cast<int64_t>(codes.size()), a.f[2][0], t, codes.data());
      in8 = cuda::Q8Load{static_cast<const int8_t*>(s.bytes(codes.data(), codes.size())), a.f[2][0], t == Dtype8::fp8};
    }
    cuda::launch_attention(dt, in8.data ? nullptr : s.floats(a.f[0], dt), in8, bias, s.ints(a.i[0]), d[0], d[1], d[2],
                           max_len, out, cuda::Q8Store{}, s.stream);
  } else if (a.op == "pooler") {
    out = s.out(n_out, DType::f32);
    out_is_f32 = true;
    cuda::launch_pooler(dt, s.floats(a.f[0], dt), s.ints(a.i[0]), d[0], d[1], s.floats(a.f[1], dt),
                        s.floats(a.f[2], dt), static_cast<float*>(out), s.stream);
  } else {
    SAMP_REQUIRE(false, SAMP_UNSUPPORTED, "The cuda device has no op \"" + a.op + "\"");
  }
  std::vector<float> host(static_cast<size_t>(n_out));
  float* result = static_cast<float*>(out);
  if (!out_is_f32 && dt != DType::f32) {
    result = static_cast<float*>(s.out(n_out, DType::f32));
    cuda::launch_convert_to_f32(dt, out, result, n_out, s.stream);
  }
  SAMP_CUDA_CHECK(cudaMemcpyAsync(host.data(), result, sizeof(float) * n_out, cudaMemcpyDeviceToHost, s.stream));
  SAMP_CUDA_CHECK(cudaStreamSynchronize(s.stream));
  return host;
}

}  // namespace samp
