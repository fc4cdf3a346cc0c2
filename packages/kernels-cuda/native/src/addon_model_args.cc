// Parsing of NativeModel's arguments (see addon_model_args.h).
#include "addon_model_args.h"

#include "addon_util.h"

namespace samp::addon {

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

namespace {

float clip_field(const Napi::Object& o, const char* name) {
  const Napi::Value v = o.Get(name);
  return v.IsNumber() ? v.As<Napi::Number>().FloatValue() : 0.0f;
}

}  // namespace

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

}  // namespace samp::addon
