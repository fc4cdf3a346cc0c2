// An encoder resident on a device: weights uploaded once, forward over padded id / type / mask matrices.
import { SampError, SampErrorCode, fromNative, invalidArgument } from './errors.js';
import { type Device, type DeviceSpec, type LayerMode, resolveDevice } from './device.js';
import { type LayerPlan, checkLayerPlan } from './layer-plan.js';
import { native, type NativeModelHandle } from './native.js';

/** The shape of a BERT encoder. */
export interface EncoderShape {
  vocab: number;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  maxPositions: number;
  typeVocab: number;
  eps: number;
  hasPooler: boolean;
}

/** Host fp32 weights, row-major as in HF checkpoints; per layer, query, key and value stacked into `qkvW`. */
export interface EncoderWeights {
  word: Float32Array;
  position: Float32Array;
  tokenType: Float32Array;
  embLnG: Float32Array;
  embLnB: Float32Array;
  layers: LayerWeights[];
  poolW?: Float32Array;
  poolB?: Float32Array;
}

/** One layer's weights (row-major [out, in] matrices as in HF's Linear; query, key and value stacked). */
export interface LayerWeights {
  qkvW: Float32Array;
  qkvB: Float32Array;
  attnOutW: Float32Array;
  attnOutB: Float32Array;
  ln1G: Float32Array;
  ln1B: Float32Array;
  ffn1W: Float32Array;
  ffn1B: Float32Array;
  ffn2W: Float32Array;
  ffn2B: Float32Array;
  ln2G: Float32Array;
  ln2B: Float32Array;
}

/** A padded batch: row-major [batch, seq] matrices (as the tokenizer's encodeBatch returns). */
export interface EncoderInputs {
  inputIds: Int32Array;
  tokenTypeIds?: Int32Array;
  attentionMask?: Int32Array;
  batch: number;
  seqLen: number;
}

/** Last hidden state [batch, seq, hidden] (zero where the mask is 0) and pooled output [batch, hidden]. */
export interface EncoderOutputs {
  lastHiddenState: Float32Array;
  pooled: Float32Array | null;
  batch: number;
  seqLen: number;
  hidden: number;
}

/** Calibration statistics of one quantization point: a histogram of |x| over [0, range) and the largest |x|. */
export interface PointStats {
  amax: number;
  range: number;
  counts: Float64Array;
}

/** Timings of the device-side forward (inputs resident, outputs left on the device), in ms. */
export interface BenchmarkTimings {
  ms: number[];
  tokens: number;
}

function checkMatrix(name: string, m: unknown, length: number, optional: boolean): void {
  if (m === undefined && optional) return;
  if (!(m instanceof Int32Array)) invalidArgument(name, 'an Int32Array', m);
  if (m.length !== length) invalidArgument(name, `an Int32Array of batch * seqLen = ${length} values`, `${m.length} values`);
}

/** An encoder on one device. Create with {@link EncoderModel.create}; free with {@link EncoderModel.dispose}. */
export class EncoderModel {
  readonly device: Device;
  readonly shape: Readonly<EncoderShape>;
  /** Mode of each layer. */
  readonly plan: readonly LayerMode[];
  /** Each layer's full plan (8-bit type and clips of the quantized ones). */
  readonly layers: readonly LayerPlan[];
  #handle: NativeModelHandle | undefined;

  private constructor(device: Device, shape: EncoderShape, layers: LayerPlan[], handle: NativeModelHandle) {
    this.device = device;
    this.shape = Object.freeze({ ...shape });
    this.layers = Object.freeze(layers.map((l) => Object.freeze(l)));
    this.plan = Object.freeze(layers.map((l) => l.mode));
    this.#handle = handle;
  }

  /** Uploads the weights to the device (quantizing those of 8-bit layers). `plan` gives each layer's mode, or
   * its {@link LayerPlan}; the device must run it. */
  static create(device: Device | DeviceSpec, shape: EncoderShape, weights: EncoderWeights, plan: readonly (LayerMode | LayerPlan)[]): EncoderModel {
    const d = resolveDevice(device);
    if (!Array.isArray(plan) || plan.length !== shape.layers) invalidArgument('plan', `${shape.layers} layer plans`, plan);
    const layers = plan.map((p, i) => checkLayerPlan(p, i, d));
    try {
      return new EncoderModel(d, shape, layers, new (native().NativeModel)(d.kind, d.index, shape, weights, layers));
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Runs the encoder on a worker thread. */
  async forward(inputs: EncoderInputs, options: { pooled?: boolean } = {}): Promise<EncoderOutputs> {
    const handle = this.#live();
    const n = this.#check(inputs);
    try {
      const out = await handle.forward(n, options.pooled ?? true);
      return this.#outputs(inputs, out.hidden, out.pooled);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Runs the encoder on the calling thread (blocks the event loop). */
  forwardSync(inputs: EncoderInputs, options: { pooled?: boolean } = {}): EncoderOutputs {
    const handle = this.#live();
    const n = this.#check(inputs);
    try {
      const out = handle.forwardSync(n, options.pooled ?? true);
      return this.#outputs(inputs, out.hidden, out.pooled);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Times `iters` device-side forwards after `warmup` (CUDA events on cuda, wall clock on cpu). */
  benchmark(inputs: EncoderInputs, warmup = 10, iters = 50): BenchmarkTimings {
    const handle = this.#live();
    const n = this.#check(inputs);
    try {
      return handle.benchmark(n, warmup, iters);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Runs a forward recording activation statistics at every layer's quantization points (fp32 models on the
   * cpu device only). Take them with {@link EncoderModel.calibrationStats}. */
  calibrate(inputs: EncoderInputs): void {
    const handle = this.#live();
    const n = this.#check(inputs);
    try {
      handle.calibrate(n);
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** The statistics recorded since the last call, layers x 5 points (input, ctx, ffnIn, ffnMid, qkv); then
   * cleared. */
  calibrationStats(): PointStats[] {
    try {
      return this.#live().calibrationStats();
    } catch (error) {
      throw fromNative(error);
    }
  }

  /** Bytes of weights held on the device. */
  get weightBytes(): number {
    return this.#live().weightBytes();
  }

  /** Frees the device memory now. Later calls throw SAMP_DISPOSED. */
  dispose(): void {
    this.#handle?.release();
    this.#handle = undefined;
  }

  #live(): NativeModelHandle {
    if (!this.#handle) throw new SampError(SampErrorCode.Disposed, 'This encoder was disposed; load it again');
    return this.#handle;
  }

  #check(inputs: EncoderInputs) {
    const { batch, seqLen } = inputs;
    if (!Number.isInteger(batch) || batch < 1) invalidArgument('batch', 'a positive integer (the batch must not be empty)', batch);
    if (!Number.isInteger(seqLen) || seqLen < 1) invalidArgument('seqLen', 'a positive integer', seqLen);
    if (seqLen > this.shape.maxPositions) {
      throw new SampError(
        SampErrorCode.InvalidArgument,
        `Expected seqLen <= ${this.shape.maxPositions} (the model's max_position_embeddings) but received ${seqLen}; truncate the inputs`,
      );
    }
    const n = batch * seqLen;
    checkMatrix('inputIds', inputs.inputIds, n, false);
    checkMatrix('tokenTypeIds', inputs.tokenTypeIds, n, true);
    checkMatrix('attentionMask', inputs.attentionMask, n, true);
    return { ids: inputs.inputIds, types: inputs.tokenTypeIds, mask: inputs.attentionMask, batch, seq: seqLen };
  }

  #outputs(inputs: EncoderInputs, hidden: Float32Array, pooled: Float32Array | null): EncoderOutputs {
    return { lastHiddenState: hidden, pooled, batch: inputs.batch, seqLen: inputs.seqLen, hidden: this.shape.hidden };
  }
}
