// A persistent pool of worker threads; the calling thread works too. One job runs at a time.
#pragma once
#include <cstdint>
#include <functional>

namespace samp::cpu {

/** Threads used by CPU kernels: SAMP_NUM_THREADS if set, else the hardware concurrency. */
int cpu_num_threads();

/** Runs fn(i) for i in [0, n), spread over the pool; rethrows the first exception. Nested calls run inline. */
void cpu_parallel_for(int64_t n, const std::function<void(int64_t)>& fn);

}  // namespace samp::cpu
