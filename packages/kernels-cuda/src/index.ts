// @samp/kernels-cuda: samp's compute core. Devices, ops on every backend, and encoder models on a device.
export { SampError, SampErrorCode, describeValue, invalidArgument } from './errors.js';
export {
  type Device,
  type DeviceSpec,
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
} from './model.js';
