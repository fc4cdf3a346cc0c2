// What every backend's encoder model offers: a forward over padded inputs, and a timed forward for benchmarks.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/model_config.h"
#include "common/packing.h"

namespace samp {

/** A histogram of |x| at one quantization point (see cpu/activation_stats.h): bins of width range / size. */
struct PointStats {
  double amax = 0.0, range = 0.0;
  std::vector<double> counts;
};

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
  /** Runs a forward recording the activation statistics of every layer's quantization points (fp32 cpu
   * models only; others throw SAMP_UNSUPPORTED). */
  virtual void calibrate(const ForwardInputs& in);
  /** The statistics recorded since the last call (layers x 4: input, ctx, ffn_in, ffn_mid), then cleared. */
  virtual std::vector<PointStats> take_stats();
  /** Bytes of weights the model holds on its device. */
  virtual int64_t weight_bytes() const = 0;
  /** Releases device memory now (the destructor does it too). */
  virtual void release() = 0;
};

std::unique_ptr<Model> cpu_model_create(const ModelConfig& config, const ModelWeights& weights,
                                        const std::vector<LayerPlan>& plan);

#if SAMP_WITH_CUDA
std::unique_ptr<Model> cuda_model_create(const ModelConfig& config, const ModelWeights& weights,
                                         const std::vector<LayerPlan>& plan, int32_t device);
#endif

inline void Model::calibrate(const ForwardInputs&) {
  fail(SAMP_UNSUPPORTED, "Calibration runs on an fp32 model on the cpu device", __FILE__, __LINE__);
}

inline std::vector<PointStats> Model::take_stats() {
  fail(SAMP_UNSUPPORTED, "Calibration runs on an fp32 model on the cpu device", __FILE__, __LINE__);
}

}  // namespace samp
