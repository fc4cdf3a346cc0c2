// @samp/encoder: BERT encoders from HF directories on CPU or CUDA, precision plans and calibration.
export { Encoder, type EncoderLoadOptions } from './encoder.js';
export { type BertConfig, readBertConfig } from './config.js';
export { Checkpoint } from './checkpoint.js';
export { SafetensorsFile, type TensorInfo, widenToFloat32 } from './safetensors.js';
export { shardFiles } from './shard-index.js';
export { type TensorToWrite, writeSafetensors } from './safetensors-write.js';
export { floatToHalf } from './half.js';
export { bertConfigJson, bertTensors, type WriteBertModelOptions, writeBertModel } from './model-write.js';
export {
  type CalibrationClips,
  type Dtype8Option,
  type PlanSpec,
  type PrecisionOption,
  type ResolvedPlan,
  autoDtype8,
  planModes,
  resolvePlan,
} from './precision.js';
export { type CalibrationMethod, type ClipOptions, clipOf, clipsFromStats } from './calibration.js';
export { type CalibrationInfo, QUANT_FILE, type QuantFile, readQuantFile, writeQuantFile } from './quant-file.js';
export { readPlanFile } from './plan-file.js';
export { encoderPrefix, encoderShape, readEncoderWeights } from './weights.js';
export { randomBertWeights } from './random.js';
export { randomCalibration, randomTokenInputs } from './random-calibration.js';
export type { EncoderInputs, EncoderOutputs, EncoderShape, EncoderWeights } from '@samp/kernels-cuda';
