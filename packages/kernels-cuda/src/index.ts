// @samp/kernels-cuda: samp's compute core. Devices, ops on every backend, and encoder models on a device.
export { SampError, SampErrorCode, describeValue, invalidArgument } from './errors.js';
export {
  type Device,
  type DeviceSpec,
  type Dtype8,
  type EightBitSupport,
  LayerMode,
  isQuantized,
  type Op,
  Ops,
  Precision,
  cudaStatus,
  listDevices,
  resolveDevice,
} from './device.js';
export { Epilogue, type OpCall, runOp } from './ops.js';
export {
  type BenchmarkTimings,
  EncoderModel,
  type EncoderInputs,
  type EncoderOutputs,
  type EncoderShape,
  type EncoderWeights,
  type LayerWeights,
  type PointStats,
} from './model.js';
export { type LayerClips, type LayerPlan, checkLayerPlan } from './layer-plan.js';
