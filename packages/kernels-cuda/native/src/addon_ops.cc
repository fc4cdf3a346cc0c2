// runOp(device, {op, dtype, f, i, dims, epilogue, eps, deviceIndex}): one kernel on host data, for op tests.
#include <napi.h>

#include "addon.h"
#include "addon_util.h"
#include "common/op_args.h"
#include "cuda/cuda_api.h"

namespace samp::addon {
namespace {

OpArgs parse_op(const Napi::Object& o) {
  OpArgs a;
  a.op = o.Get("op").ToString().Utf8Value();
  a.dtype = o.Get("dtype").ToString().Utf8Value();
  const Napi::Array f = o.Get("f").As<Napi::Array>();
  for (uint32_t x = 0; x < f.Length(); ++x) {
    const Napi::Value v = f.Get(x);
    SAMP_REQUIRE(v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array, SAMP_INVALID,
                 "Expected Float32Array operands in f");
    auto arr = v.As<Napi::Float32Array>();
    a.f.emplace_back(arr.Data(), arr.Data() + arr.ElementLength());
  }
  const Napi::Array i = o.Get("i").As<Napi::Array>();
  for (uint32_t x = 0; x < i.Length(); ++x) {
    const Napi::Value v = i.Get(x);
    SAMP_REQUIRE(v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array, SAMP_INVALID,
                 "Expected Int32Array operands in i");
    auto arr = v.As<Napi::Int32Array>();
    a.i.emplace_back(arr.Data(), arr.Data() + arr.ElementLength());
  }
  const Napi::Array dims = o.Get("dims").As<Napi::Array>();
  for (uint32_t x = 0; x < dims.Length(); ++x) a.dims.push_back(dims.Get(x).As<Napi::Number>().Int64Value());
  if (o.Has("epilogue")) a.epilogue = o.Get("epilogue").As<Napi::Number>().Int32Value();
  if (o.Has("eps")) a.eps = o.Get("eps").As<Napi::Number>().FloatValue();
  if (o.Has("deviceIndex")) a.device = o.Get("deviceIndex").As<Napi::Number>().Int32Value();
  return a;
}

Napi::Value run_op(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    SAMP_REQUIRE(info.Length() == 2 && info[0].IsString() && info[1].IsObject(), SAMP_INVALID,
                 "Expected runOp(device, op)");
    const std::string device = info[0].As<Napi::String>().Utf8Value();
    const OpArgs args = parse_op(info[1].As<Napi::Object>());
    std::vector<float> out;
    if (device == "cpu") {
      out = cpu_run_op(args);
    } else if (device == "cuda") {
#if SAMP_WITH_CUDA
      out = cuda_run_op(args);
#else
      SAMP_REQUIRE(false, SAMP_DEVICE_UNAVAILABLE, "This build has no CUDA backend");
#endif
    } else {
      SAMP_REQUIRE(false, SAMP_INVALID, "Expected device cpu or cuda but received \"" + device + "\"");
    }
    auto result = Napi::Float32Array::New(info.Env(), out.size());
    std::copy(out.begin(), out.end(), result.Data());
    return result;
  });
}

}  // namespace

void register_ops(Napi::Env env, Napi::Object exports) { exports.Set("runOp", Napi::Function::New(env, run_op)); }

}  // namespace samp::addon
