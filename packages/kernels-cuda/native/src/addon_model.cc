// NativeModel: an encoder on one device. forward() runs on a libuv worker thread and resolves a Promise.
#include <napi.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "addon.h"
#include "addon_model_args.h"
#include "addon_util.h"
#include "common/model.h"

namespace samp::addon {
namespace {

class NativeModel : public Napi::ObjectWrap<NativeModel> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeModel",
                       {InstanceMethod("forward", &NativeModel::forward),
                        InstanceMethod("forwardSync", &NativeModel::forward_sync),
                        InstanceMethod("benchmark", &NativeModel::benchmark),
                        InstanceMethod("calibrate", &NativeModel::calibrate),
                        InstanceMethod("calibrationStats", &NativeModel::calibration_stats),
                        InstanceMethod("weightBytes", &NativeModel::weight_bytes),
                        InstanceMethod("release", &NativeModel::release)});
  }

  explicit NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
    guarded(info.Env(), [&] {
      SAMP_REQUIRE(info.Length() == 5 && info[0].IsString() && info[1].IsNumber() && info[2].IsObject() &&
                       info[3].IsObject() && info[4].IsArray(),
                   SAMP_INVALID, "Expected new NativeModel(device, deviceIndex, config, weights, plan)");
      const std::string device = info[0].As<Napi::String>().Utf8Value();
      const ModelConfig c = parse_config(info[2].As<Napi::Object>());
      const ModelWeights w = parse_weights(info[3].As<Napi::Object>(), c);
      const Napi::Array plan_js = info[4].As<Napi::Array>();
      std::vector<LayerPlan> plan;
      for (uint32_t i = 0; i < plan_js.Length(); ++i) plan.push_back(parse_layer_plan(plan_js.Get(i)));
      config_ = c;
      if (device == "cpu") {
        model_ = cpu_model_create(c, w, plan);
      } else if (device == "cuda") {
#if SAMP_WITH_CUDA
        model_ = cuda_model_create(c, w, plan, info[1].As<Napi::Number>().Int32Value());
#else
        SAMP_REQUIRE(false, SAMP_DEVICE_UNAVAILABLE, "This build has no CUDA backend");
#endif
      } else {
        SAMP_REQUIRE(false, SAMP_INVALID, "Expected device cpu or cuda but received \"" + device + "\"");
      }
      return 0;
    });
  }

  std::shared_ptr<Model> model() const {
    SAMP_REQUIRE(model_ != nullptr, "SAMP_DISPOSED", "This model was disposed; load it again");
    return model_;
  }
  const ModelConfig& config() const { return config_; }

 private:
  Napi::Value forward(const Napi::CallbackInfo& info);
  Napi::Value forward_sync(const Napi::CallbackInfo& info);

  Napi::Value benchmark(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const InputCopy in = parse_inputs(info);
      SAMP_REQUIRE(info.Length() == 3 && info[1].IsNumber() && info[2].IsNumber(), SAMP_INVALID,
                   "Expected benchmark(inputs, warmup, iters)");
      const BenchmarkResult r = model()->benchmark(in.view(), info[1].As<Napi::Number>().Int32Value(),
                                                   info[2].As<Napi::Number>().Int32Value());
      Napi::Object out = Napi::Object::New(info.Env());
      Napi::Array ms = Napi::Array::New(info.Env(), r.ms.size());
      for (size_t i = 0; i < r.ms.size(); ++i) ms.Set(static_cast<uint32_t>(i), r.ms[i]);
      out.Set("ms", ms);
      out.Set("tokens", r.tokens);
      return out;
    });
  }

  Napi::Value calibrate(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const InputCopy in = parse_inputs(info);
      model()->calibrate(in.view());
      return info.Env().Undefined();
    });
  }

  Napi::Value calibration_stats(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const std::vector<PointStats> stats = model()->take_stats();
      Napi::Array out = Napi::Array::New(info.Env(), stats.size());
      for (size_t i = 0; i < stats.size(); ++i) {
        Napi::Object o = Napi::Object::New(info.Env());
        o.Set("amax", stats[i].amax);
        o.Set("range", stats[i].range);
        Napi::Float64Array counts = Napi::Float64Array::New(info.Env(), stats[i].counts.size());
        std::copy(stats[i].counts.begin(), stats[i].counts.end(), counts.Data());
        o.Set("counts", counts);
        out.Set(static_cast<uint32_t>(i), o);
      }
      return out;
    });
  }

  Napi::Value weight_bytes(const Napi::CallbackInfo& info) {
    return guarded(info.Env(),
                   [&]() -> Napi::Value { return Napi::Number::New(info.Env(), double(model()->weight_bytes())); });
  }

  Napi::Value release(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      if (model_) model_->release();
      model_.reset();
      return info.Env().Undefined();
    });
  }

  ModelConfig config_;
  std::shared_ptr<Model> model_;
};

/** The output arrays, made on the JS thread before the forward and filled in place by the model (no copy). */
struct Outputs {
  Napi::Float32Array hidden;
  Napi::Value pooled;  // a Float32Array, or null
};

Outputs make_outputs(Napi::Env env, const ModelConfig& c, const InputCopy& in, bool pooled) {
  Outputs out;
  out.hidden = Napi::Float32Array::New(env, static_cast<size_t>(int64_t{in.batch} * in.seq * c.hidden));
  out.pooled = pooled && c.has_pooler
                   ? Napi::Value(Napi::Float32Array::New(env, static_cast<size_t>(int64_t{in.batch} * c.hidden)))
                   : env.Null();
  return out;
}

ForwardOutputs view_of(Outputs out) {
  ForwardOutputs o;
  o.hidden = out.hidden.Data();
  o.pooled = out.pooled.IsNull() ? nullptr : out.pooled.As<Napi::Float32Array>().Data();
  return o;
}

Napi::Value outputs_to_js(Napi::Env env, const Outputs& out) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hidden", out.hidden);
  o.Set("pooled", out.pooled);
  return o;
}

bool want_pooled(const Napi::CallbackInfo& info) { return info.Length() < 2 || info[1].ToBoolean().Value(); }

class ForwardWorker : public Napi::AsyncWorker {
 public:
  ForwardWorker(Napi::Env env, Napi::Object self, std::shared_ptr<Model> model, ModelConfig config, InputCopy in,
                bool pooled)
      : Napi::AsyncWorker(env, "samp.forward"),
        deferred_(Napi::Promise::Deferred::New(env)),
        self_(Napi::Persistent(self)),
        model_(std::move(model)),
        in_(std::move(in)) {
    const Outputs out = make_outputs(env, config, in_, pooled);
    hidden_ = Napi::Persistent(out.hidden);
    if (!out.pooled.IsNull()) pooled_ = Napi::Persistent(out.pooled.As<Napi::Float32Array>());
    view_ = view_of(out);  // the arrays stay alive (persistent references) and unseen by JS until resolved
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      model_->forward(in_.view(), view_);
    } catch (const samp::Error& e) {
      code_ = e.code, SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = SAMP_OOM, SetError("Out of host memory");
    } catch (const std::exception& e) {
      code_ = SAMP_INTERNAL, SetError(e.what());
    }
  }
  void OnOK() override {
    const Napi::Value pooled = pooled_.IsEmpty() ? Env().Null() : Napi::Value(pooled_.Value());
    deferred_.Resolve(outputs_to_js(Env(), Outputs{hidden_.Value(), pooled}));
  }
  void OnError(const Napi::Error& e) override {
    deferred_.Reject(make_error(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference self_;  // keeps the JS model alive while the work runs
  std::shared_ptr<Model> model_;
  InputCopy in_;
  Napi::Reference<Napi::Float32Array> hidden_;
  Napi::Reference<Napi::Float32Array> pooled_;  // empty without a pooled output
  ForwardOutputs view_;
  std::string code_ = SAMP_INTERNAL;
};

Napi::Value NativeModel::forward(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    auto* worker = new ForwardWorker(info.Env(), info.This().As<Napi::Object>(), model(), config_,
                                     parse_inputs(info), want_pooled(info));
    Napi::Promise promise = worker->promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value NativeModel::forward_sync(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const InputCopy in = parse_inputs(info);
    const Outputs out = make_outputs(info.Env(), config_, in, want_pooled(info));
    ForwardOutputs view = view_of(out);
    model()->forward(in.view(), view);
    return outputs_to_js(info.Env(), out);
  });
}

}  // namespace

void register_model(Napi::Env env, Napi::Object exports) { exports.Set("NativeModel", NativeModel::define(env)); }

}  // namespace samp::addon
