// The samp_kernels addon: backend information, op runner and the encoder model.
#include <napi.h>

#include "addon.h"
#include "addon_util.h"
#include "cpu/gemm.h"
#include "cpu/gemm_i8.h"
#include "cpu/thread_pool.h"
#include "cuda/cuda_api.h"
#include "samp_build_info.h"


namespace samp::addon {
namespace {

Napi::Value backends(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    Napi::Object cpu = Napi::Object::New(env);
    cpu.Set("isa", cpu::gemm_isa());
    cpu.Set("isa8", cpu::gemm_i8_isa());
    cpu.Set("threads", cpu::cpu_num_threads());
    out.Set("cpu", cpu);
    Napi::Object cuda = Napi::Object::New(env);
#if SAMP_WITH_CUDA
    const CudaInfo ci = cuda_info();
    cuda.Set("compiled", true);
    cuda.Set("reason", ci.reason);
    Napi::Array devices = Napi::Array::New(env, ci.devices.size());
    for (size_t i = 0; i < ci.devices.size(); ++i) {
      Napi::Object d = Napi::Object::New(env);
      d.Set("name", ci.devices[i].name);
      d.Set("major", ci.devices[i].major);
      d.Set("minor", ci.devices[i].minor);
      d.Set("smCount", ci.devices[i].sm_count);
      d.Set("memory", static_cast<double>(ci.devices[i].memory));
      devices.Set(static_cast<uint32_t>(i), d);
    }
    cuda.Set("devices", devices);
#else
    cuda.Set("compiled", false);
    cuda.Set("reason", std::string("the addon was built without the CUDA backend: ") + SAMP_CUDA_SKIP_REASON);
    cuda.Set("devices", Napi::Array::New(env, 0));
#endif
    out.Set("cuda", cuda);
    return out;
  });
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("backends", Napi::Function::New(env, backends));
  register_ops(env, exports);
  register_model(env, exports);
  return exports;
}

}  // namespace samp::addon

static Napi::Object samp_kernels_init(Napi::Env env, Napi::Object exports) { return samp::addon::init(env, exports); }

NODE_API_MODULE(samp_kernels, samp_kernels_init)
