// The CUDA graphs of a model's forwards, one per bucket (batch, seq, rows, split row). A bucket seen for the first
// time runs eagerly (and warms cuBLASLt); one seen before is captured, and replayed from then on. Token counts vary
// from batch to batch, so many buckets are seen once: capturing only on the second sight keeps them from paying for
// a graph they never replay.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

#include "cuda/check.h"

namespace samp::cuda {

class GraphCache {
 public:
  using Key = std::tuple<int64_t, int64_t, int64_t, int64_t>;

  GraphCache() = default;
  GraphCache(const GraphCache&) = delete;
  GraphCache& operator=(const GraphCache&) = delete;
  ~GraphCache() { clear(); }

  /** Runs the forward of `key` on stream: replays its graph, or runs `enqueue` (which enqueues the forward on
   * stream, and on streams forked from it) eagerly or under capture. */
  template <class Enqueue>
  void run(const Key& key, cudaStream_t stream, Enqueue&& enqueue) {
    auto found = graphs_.find(key);
    if (found != graphs_.end()) {
      SAMP_CUDA_CHECK(cudaGraphLaunch(found->second, stream));
      return;
    }
    if (seen_.insert(key).second) {
      if (seen_.size() > kMaxSeen) seen_ = {key};
      return enqueue();
    }
    if (graphs_.size() >= kMaxGraphs) clear();
    cudaGraph_t graph = nullptr;
    SAMP_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    try {
      enqueue();
    } catch (...) {
      cudaStreamEndCapture(stream, &graph);
      if (graph) cudaGraphDestroy(graph);
      throw;
    }
    SAMP_CUDA_CHECK(cudaStreamEndCapture(stream, &graph));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t st = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    SAMP_CUDA_CHECK(st);
    graphs_.emplace(key, exec);
    SAMP_CUDA_CHECK(cudaGraphLaunch(exec, stream));
  }

  /** Destroys every graph (they hold the addresses of buffers about to be freed). */
  void clear() {
    for (auto& g : graphs_) cudaGraphExecDestroy(g.second);
    graphs_.clear();
  }

 private:
  static constexpr size_t kMaxGraphs = 64;
  static constexpr size_t kMaxSeen = 4096;
  std::map<Key, cudaGraphExec_t> graphs_;
  std::set<Key> seen_;
};

}  // namespace samp::cuda
