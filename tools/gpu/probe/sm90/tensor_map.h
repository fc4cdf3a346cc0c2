// TMA tensor maps (sm_90) for byte matrices, encoded through the driver's entry point (reached via the runtime, so
// nothing links libcuda), for the Hopper GEMMs kept with the probes.
#pragma once
#include <cuda.h>

#include <cstdint>

namespace samp::cuda {

/** Whether the driver offers cuTensorMapEncodeTiled. */
bool tensor_maps_available();

/** A row-major [rows, cols] matrix of bytes (rows 16-byte aligned), read in boxes of 128 bytes x box_rows with the
 * 128-byte swizzle (the layout wgmma's descriptors and the swizzled reads expect); out-of-range rows read as zero.
 * Throws SAMP_CUDA_ERROR where the driver refuses it. */
CUtensorMap byte_tensor_map(const void* base, int64_t rows, int64_t cols, int box_rows);

}  // namespace samp::cuda
