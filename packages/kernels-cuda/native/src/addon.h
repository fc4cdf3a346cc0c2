// Registration functions of the addon's parts.
#pragma once
#include <napi.h>

namespace samp::addon {

void register_ops(Napi::Env env, Napi::Object exports);
void register_model(Napi::Env env, Napi::Object exports);

}  // namespace samp::addon
