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
  type Precision,
  resolveDevice,
} from '@samp/kernels-cuda';
import { Checkpoint } from './checkpoint.js';
import { type BertConfig, readBertConfig } from './config.js';
import { type PrecisionOption, resolvePlan } from './precision.js';
import { encoderShape, readEncoderWeights } from './weights.js';

/** Options of {@link Encoder.load}. */
export interface EncoderLoadOptions {
  /** `cpu`, `cuda`, `cuda:N` or `auto` (default: cuda when it works, else cpu with one warning). */
  device?: DeviceSpec | Device;
  /** Default `auto`: fp16 on cuda, fp32 on cpu. */
  precision?: PrecisionOption;
}

/** A BERT encoder on a device. */
export class Encoder {
  readonly config: BertConfig | undefined;
  readonly shape: Readonly<EncoderShape>;
  readonly device: Device;
  readonly plan: readonly Precision[];
  #model: EncoderModel;

  private constructor(model: EncoderModel, config: BertConfig | undefined) {
    this.#model = model;
    this.config = config;
    this.shape = model.shape;
    this.device = model.device;
    this.plan = model.plan;
  }

  /** Loads `config.json` and the safetensors weights of `dir`; the weights go to the device once. */
  static async load(dir: string, options: EncoderLoadOptions = {}): Promise<Encoder> {
    const device = resolveDevice(options.device ?? 'auto');
    const config = readBertConfig(dir);
    const ckpt = Checkpoint.open(dir);
    try {
      const shape = encoderShape(config, ckpt);
      const plan = resolvePlan(options.precision, device, shape.layers);
      const weights = readEncoderWeights(ckpt, shape);
      return new Encoder(EncoderModel.create(device, shape, weights, plan), config);
    } finally {
      ckpt.close();
    }
  }

  /** An encoder from weights already in memory (e.g. random weights for benchmarks). */
  static fromWeights(shape: EncoderShape, weights: EncoderWeights, options: EncoderLoadOptions = {}): Encoder {
    const device = resolveDevice(options.device ?? 'auto');
    const plan = resolvePlan(options.precision, device, shape.layers);
    return new Encoder(EncoderModel.create(device, shape, weights, plan), undefined);
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

  /** Frees the device memory. */
  dispose(): void {
    this.#model.dispose();
  }
}
