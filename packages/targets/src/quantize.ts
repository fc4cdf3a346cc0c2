// Post-training quantization of a model directory: calibrate on the task's own inputs (tokenized as the
// Pipeline does), pick activation clips, and write a model directory with a samp.json sidecar.
import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CalibrationMethod,
  type Dtype8Option,
  Encoder,
  type PlanSpec,
  QUANT_FILE,
  type QuantFile,
  clipsFromStats,
  readQuantFile,
  writeQuantFile,
} from '@samp/encoder';
import { SampError, SampErrorCode, invalidArgument } from '@samp/kernels-cuda';
import type { BatchInput, Granularity } from '@samp/tokenizer';
import type { PipelineTask } from './pipeline.js';
import { tokenizerForModel } from './tokenizer-for-model.js';

export interface QuantizeOptions {
  /** The model directory (HF layout). */
  model: string;
  task: PipelineTask;
  /** Calibration inputs, checked (see toBatchInput): texts, or [text_a, text_b] pairs for `match`. */
  calib: readonly BatchInput[];
  /** Where the quantized model directory goes (created; may be `model` itself: then only samp.json is written). */
  out: string;
  /** Default `fully-quant`. */
  mode?: 'fully-quant' | 'quant-ffn-only';
  /** The layers to quantize (default all); the others run in the device's float default. */
  layers?: readonly number[] | 'all';
  /** Default `auto`: the faster 8-bit type of the device that runs the model. */
  dtype8?: Dtype8Option;
  /** Default `percentile` (99.99). */
  method?: CalibrationMethod;
  percentile?: number;
  /** Inputs used, drawn evenly from `calib` (default 512, at most all). */
  samples?: number;
  granularity?: Granularity;
  /** Tokens per input (default: the tokenizer's truncation, else the position table). */
  maxLength?: number;
  batchSize?: number;
  /** Called after each calibration batch with inputs done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Recorded in samp.json as where the inputs came from. */
  source?: string;
}

export interface QuantizeResult {
  out: string;
  quant: QuantFile;
}

/** `samples` inputs spread evenly over the list (deterministic; keeps the data's own mix of labels and lengths). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

function copyModel(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const path = join(from, name);
    if (name === QUANT_FILE || !statSync(path).isFile()) continue;
    copyFileSync(path, join(to, name));
  }
}

function planOf(mode: 'fully-quant' | 'quant-ffn-only', layers: readonly number[] | 'all', count: number, dtype8: Dtype8Option): PlanSpec {
  if (layers === 'all') return { default: mode, dtype8 };
  for (const l of layers) if (!Number.isInteger(l) || l < 0 || l >= count) invalidArgument('layers', `layer indices in 0..${count - 1}`, l);
  return { default: 'auto', layers: Object.fromEntries([...new Set(layers)].sort((a, b) => a - b).map((l) => [String(l), mode])), dtype8 };
}

/** Calibrates `model` on `calib` and writes the quantized model directory. */
export async function quantizeModel(o: QuantizeOptions): Promise<QuantizeResult> {
  const mode = o.mode ?? 'fully-quant';
  if (mode !== 'fully-quant' && mode !== 'quant-ffn-only') invalidArgument('mode', '"fully-quant" or "quant-ffn-only"', mode);
  const dtype8 = o.dtype8 ?? 'auto';
  if (!['int8', 'fp8', 'auto'].includes(dtype8)) invalidArgument('dtype8', '"int8", "fp8" or "auto"', dtype8);
  const method = o.method ?? 'percentile';
  const samples = o.samples ?? 512;
  if (!Number.isInteger(samples) || samples < 1) invalidArgument('samples', 'a positive integer', samples);
  const batchSize = o.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) invalidArgument('batchSize', 'a positive integer', batchSize);
  if (o.calib.length === 0) throw new SampError(SampErrorCode.InvalidArgument, 'Expected at least one calibration input');
  if (!existsSync(o.model)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${o.model} does not exist`);

  const tokenizer = tokenizerForModel(o.model, { granularity: o.granularity });
  const encoder = await Encoder.load(o.model, { device: 'cpu', precision: 'fp32' });
  try {
    const limit = encoder.shape.maxPositions;
    const maxLength = o.maxLength ?? Math.min(tokenizer.config.truncation?.maxLength ?? limit, limit);
    if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > limit) invalidArgument('maxLength', `an integer in [2, ${limit}]`, maxLength);
    const plan = planOf(mode, o.layers ?? 'all', encoder.shape.layers, dtype8);
    const inputs = spread(o.calib, samples);
    let tokens = 0;
    for (let i = 0; i < inputs.length; i += batchSize) {
      const e = tokenizer.encodeBatch(inputs.slice(i, i + batchSize), { maxLength });
      encoder.calibrate({ inputIds: e.ids, tokenTypeIds: e.typeIds, attentionMask: e.attentionMask, batch: e.batchSize, seqLen: e.seqLen });
      tokens += e.attentionMask.reduce((a, b) => a + b, 0);
      o.onProgress?.(Math.min(i + batchSize, inputs.length), inputs.length);
      await new Promise((resolve) => setImmediate(resolve)); // let a progress bar draw
    }
    const clips = clipsFromStats(encoder.calibrationStats(), encoder.shape.layers, { method, percentile: o.percentile });
    const same = existsSync(o.out) && realpathSync(o.out) === realpathSync(o.model);
    if (!same) copyModel(o.model, o.out);
    writeQuantFile(o.out, {
      plan,
      calibration: {
        method,
        task: o.task,
        ...(method === 'percentile' ? { percentile: o.percentile ?? 99.99 } : {}),
        samples: inputs.length,
        tokens,
        ...(o.source !== undefined ? { source: o.source } : {}),
        created: new Date().toISOString(),
      },
      clips,
    });
    return { out: o.out, quant: readQuantFile(o.out, encoder.shape.layers)! };
  } finally {
    encoder.dispose();
  }
}
