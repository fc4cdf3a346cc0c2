// samp's C++ error: a stable code plus a message naming the failing call and its source location.
// Errors never cross the Node-API boundary as C++ exceptions; addon.cc turns them into JS errors.
#pragma once
#include <stdexcept>
#include <string>

namespace samp {

struct Error : std::runtime_error {
  std::string code;
  Error(std::string code_, const std::string& message) : std::runtime_error(message), code(std::move(code_)) {}
};

[[noreturn]] void fail(const char* code, const std::string& message, const char* file, int line);

}  // namespace samp

#define SAMP_REQUIRE(cond, code, message)                             \
  do {                                                                \
    if (!(cond)) ::samp::fail((code), (message), __FILE__, __LINE__); \
  } while (0)

#define SAMP_INVALID "SAMP_INVALID_ARGUMENT"
#define SAMP_INTERNAL "SAMP_INTERNAL"
#define SAMP_CUDA_ERROR "SAMP_CUDA_ERROR"
#define SAMP_OOM "SAMP_OUT_OF_MEMORY"
#define SAMP_UNSUPPORTED "SAMP_UNSUPPORTED_OP"
#define SAMP_DEVICE_UNAVAILABLE "SAMP_DEVICE_UNAVAILABLE"
