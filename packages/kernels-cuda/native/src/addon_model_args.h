// The Node-API arguments of NativeModel, parsed and checked: the model's shape, its fp32 weights (views of the JS
// arrays), a layer's precision plan, and a forward's inputs (copied, for the worker thread).
#pragma once
#include <napi.h>

#include <cstdint>
#include <vector>

#include "common/model.h"

namespace samp::addon {

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

/** The model's shape, validated (model_config_validate). */
ModelConfig parse_config(const Napi::Object& o);
/** Views of the weights' Float32Arrays, checked for length against c. */
ModelWeights parse_weights(const Napi::Object& o, const ModelConfig& c);
/** A plan entry: a mode name, or { mode, dtype8, clips: { input, ctx, ffnIn, ffnMid, qkv? } }. */
LayerPlan parse_layer_plan(const Napi::Value& v);
/** info[0]: { batch, seq, ids, types?, mask? }. */
InputCopy parse_inputs(const Napi::CallbackInfo& info);

}  // namespace samp::addon
