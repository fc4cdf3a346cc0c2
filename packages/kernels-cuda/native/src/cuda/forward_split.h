// Where a forward splits its batch into two halves that run on two streams (branches of one CUDA graph): while
// one half is in a kernel that leaves SMs idle (attention, a LayerNorm, a GEMM's last partial wave, the gap before
// a cuBLASLt launch), the other half's kernels take them. The halves are whole sequences (attention reads only its
// own), so the split lies at a sequence boundary of the packed rows.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <vector>

namespace samp::cuda {

/** The rows and sequences one stream of a forward runs: rows [row0, row0 + rows), sequences [seq0, seq0 + batch). */
struct ForwardPart {
  int64_t row0 = 0, rows = 0, seq0 = 0, batch = 0;
};

/** A split setting from the environment: SAMP_CUDA_SPLIT_ROWS (the fewest rows a forward needs before it splits;
 * 0: never) or SAMP_CUDA_SPLIT_SMS (the halves' GEMMs' SM count target; 0: the device's), else `fallback`. */
inline int64_t split_setting(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

/** The first row of the second half (0: no split): the boundary of sequence batch / 2 in the packed offsets, where
 * the forward has at least min_rows rows and every buffer the second half starts at (rows of each width in
 * `widths`, in bytes per row) stays 256-byte aligned (cuBLASLt's algorithms assume that alignment). */
inline int64_t split_row(const std::vector<int32_t>& offsets, int64_t batch, int64_t rows, int64_t min_rows,
                         std::initializer_list<int64_t> widths) {
  if (min_rows <= 0 || batch < 2 || rows < min_rows || offsets.size() < static_cast<size_t>(batch) + 1) return 0;
  const int64_t row = offsets[static_cast<size_t>(batch / 2)];
  if (row <= 0 || row >= rows) return 0;
  for (const int64_t w : widths)
    if (row * w % 256 != 0) return 0;
  return row;
}

}  // namespace samp::cuda
