// Measuring a plan on the target device: its dev metric and predictions through the Pipeline, and the median
// latency of the encoder's forward at the requested (batch, seq), timed on the device (the lowest of three block
// medians).
import { type Dtype8Option, randomTokenInputs } from '@samp/encoder';
import type { Device } from '@samp/kernels-cuda';
import { Pipeline } from '@samp/targets';
import type { Granularity } from '@samp/tokenizer';
import type { DevExample, MetricTask } from './dev-set.js';
import { devMetric, predictionKeys } from './metric.js';
import { type CandidatePlan, planSpec } from './plans.js';

/** What every measurement of one recommendation shares. */
export interface MeasureContext {
  /** The calibrated model directory (with samp.json clips). */
  dir: string;
  task: MetricTask;
  device: Device;
  dtype8: Dtype8Option;
  dev: readonly DevExample[];
  granularity?: Granularity;
  maxLength?: number;
  batch: number;
  seq: number;
  warmup: number;
  /** Timed forwards per plan; absent: as many as fit in `budgetMs` (at least 6, at most 1000). */
  iters?: number;
  budgetMs: number;
  seed: number;
}

export interface Measurement {
  metric: number;
  /** One key per dev example (see predictionKeys). */
  predictions: string[];
  /** Forward time in ms at (batch, seq): the lowest median of three blocks of forwards; absent when not asked
   * for. */
  latencyMs?: number;
  /** The forwards the median is over. */
  iters?: number;
  /** Fallback notes of the device for this plan. */
  notes: readonly string[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs the dev set under `plan` (and times the forward when `latency` is set). */
export async function measurePlan(ctx: MeasureContext, plan: CandidatePlan, latency: boolean): Promise<Measurement> {
  const p = await Pipeline.load(ctx.dir, {
    task: ctx.task,
    device: ctx.device,
    precision: planSpec(plan, ctx.dtype8),
    granularity: ctx.granularity,
    maxLength: ctx.maxLength,
  });
  try {
    const results = await p.runChecked(ctx.dev.map((d) => d.input));
    const out: Measurement = { metric: devMetric(ctx.task, ctx.dev, results), predictions: predictionKeys(ctx.task, results), notes: p.encoder.planNotes };
    if (latency) {
      const inputs = randomTokenInputs(p.encoder.shape.vocab, ctx.batch, ctx.seq, ctx.seed);
      const probe = median(p.encoder.benchmark(inputs, ctx.warmup, 2).ms);
      out.iters = ctx.iters ?? Math.min(1000, Math.max(5, Math.ceil(ctx.budgetMs / Math.max(probe, 1e-3))));
      // the lowest of three block medians: a burst of other work on the machine spoils one block, not the figure
      const block = Math.max(2, Math.ceil(out.iters / 3));
      out.latencyMs = Math.min(...[0, 1, 2].map(() => median(p.encoder.benchmark(inputs, 0, block).ms)));
      out.iters = 3 * block;
    }
    return out;
  } finally {
    p.dispose();
  }
}
