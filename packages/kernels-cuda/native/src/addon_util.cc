// Argument checks for the bindings: every pointer handed to a kernel is checked against the length it needs.
#include "addon_util.h"

namespace samp::addon {

Napi::Error make_error(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

namespace {

template <class T, napi_typedarray_type Kind>
const T* typed_field(const Napi::Object& obj, const char* key, int64_t min_len, bool optional, const char* type) {
  const Napi::Value v = obj.Get(key);
  if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
  SAMP_REQUIRE(v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == Kind, SAMP_INVALID,
               std::string("Expected a ") + type + " for " + key);
  auto arr = v.As<Napi::TypedArrayOf<T>>();
  SAMP_REQUIRE(static_cast<int64_t>(arr.ElementLength()) >= min_len, SAMP_INVALID,
               std::string("Expected at least ") + std::to_string(min_len) + " values in " + key + " but received " +
                   std::to_string(arr.ElementLength()));
  return arr.Data();
}

}  // namespace

const float* f32_field(const Napi::Object& obj, const char* key, int64_t min_len, bool optional) {
  return typed_field<float, napi_float32_array>(obj, key, min_len, optional, "Float32Array");
}

const int32_t* i32_field(const Napi::Object& obj, const char* key, int64_t min_len, bool optional) {
  return typed_field<int32_t, napi_int32_array>(obj, key, min_len, optional, "Int32Array");
}

int64_t typed_length(const Napi::Object& obj, const char* key) {
  const Napi::Value v = obj.Get(key);
  SAMP_REQUIRE(v.IsTypedArray(), SAMP_INVALID, std::string("Expected a typed array for ") + key);
  return static_cast<int64_t>(v.As<Napi::TypedArray>().ElementLength());
}

int64_t int_field(const Napi::Object& obj, const char* key) {
  const Napi::Value v = obj.Get(key);
  SAMP_REQUIRE(v.IsNumber(), SAMP_INVALID, std::string("Expected a number for ") + key);
  const double d = v.As<Napi::Number>().DoubleValue();
  SAMP_REQUIRE(d == static_cast<double>(static_cast<int64_t>(d)) && d >= 0 && d < 9.0e15, SAMP_INVALID,
               std::string("Expected a non-negative integer for ") + key);
  return static_cast<int64_t>(d);
}

}  // namespace samp::addon
