// Helpers for the Node-API bindings: typed-array arguments checked for type and length, and errors that keep
// samp's stable codes when they reach JavaScript.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "common/error.h"

namespace samp::addon {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message);

/** Runs fn, turning samp::Error and C++ exceptions into JS errors with a `code`. */
template <class F>
auto guarded(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const samp::Error& e) {
    throw make_error(env, e.code, e.what());
  } catch (const std::bad_alloc&) {
    throw make_error(env, SAMP_OOM, "Out of host memory");
  } catch (const std::exception& e) {
    throw make_error(env, SAMP_INTERNAL, e.what());
  }
}

/** The Float32Array at obj[key], of at least min_len elements (null if optional and absent). */
const float* f32_field(const Napi::Object& obj, const char* key, int64_t min_len, bool optional = false);
const int32_t* i32_field(const Napi::Object& obj, const char* key, int64_t min_len, bool optional = false);
int64_t int_field(const Napi::Object& obj, const char* key);
int64_t typed_length(const Napi::Object& obj, const char* key);

}  // namespace samp::addon
