// NativeModel: an encoder on one device. forward() runs on a libuv worker thread and resolves a Promise.
#include <napi.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "addon.h"
#include "addon_util.h"
#include "common/model.h"

namespace samp::addon {
namespace {

ModelConfig parse_config(const Napi::Object& o) {
  ModelConfig c;
  c.vocab = static_cast<int32_t>(int_field(o, "vocab"));
  c.hidden = static_cast<int32_t>(int_field(o, "hidden"));
  c.layers = static_cast<int32_t>(int_field(o, "layers"));
  c.heads = static_cast<int32_t>(int_field(o, "heads"));
  c.ffn = static_cast<int32_t>(int_field(o, "ffn"));
  c.max_positions = static_cast<int32_t>(int_field(o, "maxPositions"));
  c.type_vocab = static_cast<int32_t>(int_field(o, "typeVocab"));
  c.eps = o.Get("eps").As<Napi::Number>().FloatValue();
  c.has_pooler = o.Get("hasPooler").ToBoolean().Value();
  model_config_validate(c);
  return c;
}

ModelWeights parse_weights(const Napi::Object& o, const ModelConfig& c) {
  const int64_t H = c.hidden, F = c.ffn;
  ModelWeights w;
  w.word = f32_field(o, "word", int64_t{c.vocab} * H);
  w.position = f32_field(o, "position", int64_t{c.max_positions} * H);
  w.token_type = f32_field(o, "tokenType", int64_t{c.type_vocab} * H);
  w.emb_ln_g = f32_field(o, "embLnG", H);
  w.emb_ln_b = f32_field(o, "embLnB", H);
  const Napi::Value layers_value = o.Get("layers");
  SAMP_REQUIRE(layers_value.IsArray(), SAMP_INVALID, "Expected an array of layer weights");
  const Napi::Array layers = layers_value.As<Napi::Array>();
  SAMP_REQUIRE(layers.Length() == static_cast<uint32_t>(c.layers), SAMP_INVALID, "Expected one weight set per layer");
  for (uint32_t i = 0; i < layers.Length(); ++i) {
    const Napi::Object l = layers.Get(i).As<Napi::Object>();
    LayerWeights x;
    x.qkv_w = f32_field(l, "qkvW", 3 * H * H), x.qkv_b = f32_field(l, "qkvB", 3 * H);
    x.attn_out_w = f32_field(l, "attnOutW", H * H), x.attn_out_b = f32_field(l, "attnOutB", H);
    x.ln1_g = f32_field(l, "ln1G", H), x.ln1_b = f32_field(l, "ln1B", H);
    x.ffn1_w = f32_field(l, "ffn1W", F * H), x.ffn1_b = f32_field(l, "ffn1B", F);
    x.ffn2_w = f32_field(l, "ffn2W", H * F), x.ffn2_b = f32_field(l, "ffn2B", H);
    x.ln2_g = f32_field(l, "ln2G", H), x.ln2_b = f32_field(l, "ln2B", H);
    w.layers.push_back(x);
  }
  if (c.has_pooler) w.pool_w = f32_field(o, "poolW", H * H), w.pool_b = f32_field(o, "poolB", H);
  return w;
}

float clip_field(const Napi::Object& o, const char* name) {
  const Napi::Value v = o.Get(name);
  return v.IsNumber() ? v.As<Napi::Number>().FloatValue() : 0.0f;
}

/** A plan entry: a mode name, or { mode, dtype8, clips: { input, ctx, ffnIn, ffnMid, qkv? } }. */
LayerPlan parse_layer_plan(const Napi::Value& v) {
  LayerPlan p;
  if (v.IsString()) {
    p.mode = layer_mode_from_string(v.As<Napi::String>().Utf8Value());
    return p;
  }
  SAMP_REQUIRE(v.IsObject(), SAMP_INVALID, "Expected a plan entry: a mode name or { mode, dtype8, clips }");
  const Napi::Object o = v.As<Napi::Object>();
  p.mode = layer_mode_from_string(o.Get("mode").ToString().Utf8Value());
  if (o.Get("dtype8").IsString()) p.dtype8 = dtype8_from_string(o.Get("dtype8").As<Napi::String>().Utf8Value());
  if (o.Get("clips").IsObject()) {
    const Napi::Object c = o.Get("clips").As<Napi::Object>();
    p.clips.input = clip_field(c, "input"), p.clips.ctx = clip_field(c, "ctx");
    p.clips.ffn_in = clip_field(c, "ffnIn"), p.clips.ffn_mid = clip_field(c, "ffnMid");
    p.clips.qkv = clip_field(c, "qkv");
  }
  return p;
}

/** Inputs copied out of the JS arrays, so the worker thread never touches JS memory it does not own. */
struct InputCopy {
  std::vector<int32_t> ids, types, mask;
  int32_t batch = 0, seq = 0;
  ForwardInputs view() const {
    ForwardInputs in;
    in.ids = ids.data();
    in.types = types.empty() ? nullptr : types.data();
    in.mask = mask.empty() ? nullptr : mask.data();
    in.batch = batch, in.seq = seq;
    return in;
  }
};

InputCopy parse_inputs(const Napi::CallbackInfo& info) {
  SAMP_REQUIRE(info.Length() >= 1 && info[0].IsObject(), SAMP_INVALID, "Expected an inputs object");
  const Napi::Object o = info[0].As<Napi::Object>();
  InputCopy in;
  in.batch = static_cast<int32_t>(int_field(o, "batch"));
  in.seq = static_cast<int32_t>(int_field(o, "seq"));
  const int64_t n = int64_t{in.batch} * in.seq;
  SAMP_REQUIRE(n > 0, SAMP_INVALID, "Expected a non-empty batch");
  const int32_t* ids = i32_field(o, "ids", n);
  in.ids.assign(ids, ids + n);
  if (const int32_t* t = i32_field(o, "types", n, true)) in.types.assign(t, t + n);
  if (const int32_t* m = i32_field(o, "mask", n, true)) in.mask.assign(m, m + n);
  return in;
}

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
