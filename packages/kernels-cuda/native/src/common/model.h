// What every backend's encoder model offers: a forward over padded inputs, and a timed forward for benchmarks.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/model_config.h"
#include "common/packing.h"

namespace samp {

struct BenchmarkResult {
  std::vector<double> ms;  // one entry per timed iteration
  int32_t tokens = 0;      // packed tokens per forward
};

class Model {
 public:
  virtual ~Model() = default;
  /** Runs the encoder; concurrent calls on one model are serialized. */
  virtual void forward(const ForwardInputs& in, ForwardOutputs& out) = 0;
  /** Times `iters` forwards after `warmup` (device-side forward only: inputs resident, outputs left on device). */
  virtual BenchmarkResult benchmark(const ForwardInputs& in, int32_t warmup, int32_t iters) = 0;
  /** Bytes of weights the model holds on its device. */
  virtual int64_t weight_bytes() const = 0;
  /** Releases device memory now (the destructor does it too). */
  virtual void release() = 0;
};

std::unique_ptr<Model> cpu_model_create(const ModelConfig& config, const ModelWeights& weights,
                                        const std::vector<LayerMode>& plan);

#if SAMP_WITH_CUDA
std::unique_ptr<Model> cuda_model_create(const ModelConfig& config, const ModelWeights& weights,
                                         const std::vector<LayerMode>& plan, int32_t device);
#endif

}  // namespace samp
