// Encoder: an HF BERT directory loaded onto a device, ready to run padded batches.
import {
  type BenchmarkTimings,
  type Device,
  type DeviceSpec,
  EncoderModel,
  type EncoderInputs,
  type EncoderOutputs,
  type EncoderShape,
  type EncoderWeights,
  type LayerMode,
  type LayerPlan,
  type PointStats,
  resolveDevice,
} from '@samp/kernels-cuda';
import { Checkpoint } from './checkpoint.js';
import { type BertConfig, readBertConfig } from './config.js';
import { type CalibrationClips, type PrecisionOption, resolvePlan } from './precision.js';
import { type QuantFile, readQuantFile } from './quant-file.js';
import { encoderShape, readEncoderWeights } from './weights.js';

/** Options of {@link Encoder.load}. */
export interface EncoderLoadOptions {
  /** `cpu`, `cuda`, `cuda:N` or `auto` (default: cuda when it works, else cpu with one warning). */
  device?: DeviceSpec | Device;
  /** Default: the plan of the model's `samp.json` if it has one, else `auto` (fp16 on cuda, fp32 on cpu). */
  precision?: PrecisionOption;
  /** Activation clips for 8-bit layers; default: those of the model's `samp.json`. */
  calibration?: CalibrationClips;
}

const warned = new Set<string>();

function warnOnce(notes: readonly string[]): void {
  for (const note of notes) {
    if (warned.has(note)) continue;
    warned.add(note);
    process.emitWarning(`samp: ${note}`, { code: 'SAMP_PLAN_FALLBACK' });
  }
}

/** A BERT encoder on a device. */
export class Encoder {
  readonly config: BertConfig | undefined;
  readonly shape: Readonly<EncoderShape>;
  readonly device: Device;
  /** The mode each layer runs in (after any fallback). */
  readonly plan: readonly LayerMode[];
  /** Each layer's full plan: mode, and the 8-bit type and clips of quantized layers. */
  readonly layers: readonly LayerPlan[];
  /** One line per fallback the device took (e.g. fp16 on the cpu runs fp32). */
  readonly planNotes: readonly string[];
  /** The model's quantization sidecar, if it has one. */
  readonly quantization: QuantFile | undefined;
  #model: EncoderModel;

  private constructor(model: EncoderModel, config: BertConfig | undefined, notes: string[], quant: QuantFile | undefined) {
    this.#model = model;
    this.config = config;
    this.shape = model.shape;
    this.device = model.device;
    this.plan = model.plan;
    this.layers = model.layers;
    this.planNotes = Object.freeze([...notes]);
    this.quantization = quant;
  }

  /** Loads `config.json`, the safetensors weights and any `samp.json` of `dir`; the weights go to the device once
   * (quantized for the plan's 8-bit layers). */
  static async load(dir: string, options: EncoderLoadOptions = {}): Promise<Encoder> {
    const device = resolveDevice(options.device ?? 'auto');
    const config = readBertConfig(dir);
    const ckpt = Checkpoint.open(dir);
    try {
      const shape = encoderShape(config, ckpt);
      const quant = readQuantFile(dir, shape.layers);
      const resolved = resolvePlan(options.precision ?? quant?.plan, device, shape.layers, options.calibration ?? quant?.clips);
      warnOnce(resolved.notes);
      const weights = readEncoderWeights(ckpt, shape);
      return new Encoder(EncoderModel.create(device, shape, weights, resolved.layers), config, resolved.notes, quant);
    } finally {
      ckpt.close();
    }
  }

  /** An encoder from weights already in memory (e.g. random weights for benchmarks). */
  static fromWeights(shape: EncoderShape, weights: EncoderWeights, options: EncoderLoadOptions = {}): Encoder {
    const device = resolveDevice(options.device ?? 'auto');
    const resolved = resolvePlan(options.precision, device, shape.layers, options.calibration);
    warnOnce(resolved.notes);
    return new Encoder(EncoderModel.create(device, shape, weights, resolved.layers), undefined, resolved.notes, undefined);
  }

  /** Runs a padded batch (row-major [batch, seqLen] Int32Array matrices) on a worker thread. */
  forward(inputs: EncoderInputs, options?: { pooled?: boolean }): Promise<EncoderOutputs> {
    return this.#model.forward(inputs, options);
  }

  /** Like {@link Encoder.forward}, on the calling thread. */
  forwardSync(inputs: EncoderInputs, options?: { pooled?: boolean }): EncoderOutputs {
    return this.#model.forwardSync(inputs, options);
  }

  /** Device-side forward timings (see EncoderModel.benchmark). */
  benchmark(inputs: EncoderInputs, warmup?: number, iters?: number): BenchmarkTimings {
    return this.#model.benchmark(inputs, warmup, iters);
  }

  /** Records activation statistics for calibration (an fp32 encoder on the cpu; see EncoderModel.calibrate). */
  calibrate(inputs: EncoderInputs): void {
    this.#model.calibrate(inputs);
  }

  /** The statistics recorded since the last call (see EncoderModel.calibrationStats). */
  calibrationStats(): PointStats[] {
    return this.#model.calibrationStats();
  }

  /** Frees the device memory. */
  dispose(): void {
    this.#model.dispose();
  }
}
