// samp bench: times the encoder's forward (device side: inputs resident) on random tokens, for a model directory
// or the built-in random-weight BERT-base.
import { Encoder, type PrecisionOption, randomBertWeights, randomCalibration, randomTokenInputs, readPlanFile } from '@samp/encoder';
import type { EncoderShape } from '@samp/kernels-cuda';
import type { BenchArgs } from './args.js';
import { planSummary } from './plan-summary.js';

/** BERT-base (Chinese vocabulary), the shape of the paper's and the anchors' benchmarks. */
export const BERT_BASE: EncoderShape = {
  vocab: 21128, hidden: 768, layers: 12, heads: 12, ffn: 3072, maxPositions: 512, typeVocab: 2, eps: 1e-12, hasPooler: true,
};

export interface BenchResult {
  model: string;
  device: string;
  plan: string;
  dtype8: string | null;
  batch: number;
  seq: number;
  iters: number;
  median_ms: number;
  p10_ms: number;
  p90_ms: number;
  mean_ms: number;
  sequences_per_s: number;
  tokens_per_s: number;
  date: string;
}

function precisionOf(args: BenchArgs): PrecisionOption | undefined {
  if (args.plan !== undefined) return readPlanFile(args.plan);
  if (args.precision === undefined) return args.dtype8 === undefined ? undefined : { default: 'auto', dtype8: args.dtype8 };
  return args.dtype8 === undefined ? args.precision : { default: args.precision, dtype8: args.dtype8 };
}

/** The built-in model: random weights, calibrated (max clips) on random tokens when the plan quantizes. */
function bertBase(args: BenchArgs, precision: PrecisionOption | undefined): Encoder {
  const weights = randomBertWeights(BERT_BASE, 1);
  const calibration = randomCalibration(BERT_BASE, weights, args.seq);
  return Encoder.fromWeights(BERT_BASE, weights, { device: args.device, precision, calibration });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchCommand(args: BenchArgs): Promise<BenchResult> {
  const precision = precisionOf(args);
  const encoder = args.model === 'bert-base' ? bertBase(args, precision) : await Encoder.load(args.model, { device: args.device, precision });
  try {
    const inputs = randomTokenInputs(encoder.shape.vocab, args.batch, args.seq, 1);
    const { ms } = encoder.benchmark(inputs, args.warmup, args.iters);
    const sorted = [...ms].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    const dtypes = [...new Set(encoder.layers.flatMap((l) => (l.dtype8 ? [l.dtype8] : [])))];
    return {
      model: args.model,
      device: encoder.device.name,
      plan: planSummary(encoder.plan),
      dtype8: dtypes.length > 0 ? dtypes.join(',') : null,
      batch: args.batch,
      seq: args.seq,
      iters: args.iters,
      median_ms: median,
      p10_ms: quantile(sorted, 0.1),
      p90_ms: quantile(sorted, 0.9),
      mean_ms: ms.reduce((a, b) => a + b, 0) / ms.length,
      sequences_per_s: (args.batch * 1000) / median,
      tokens_per_s: (args.batch * args.seq * 1000) / median,
      date: new Date().toISOString(),
    };
  } finally {
    encoder.dispose();
  }
}
