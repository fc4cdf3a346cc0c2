// samp recommend: find the per-layer precision plan that meets an accuracy or latency requirement, and write the
// model directory with it plus the reports.
import { basename } from 'node:path';
import { type RecommendResult, devExample, recommend } from '@samp/recommender';
import { toBatchInput } from '@samp/targets';
import { readRecords } from './jsonl.js';
import { type Progress, progress } from './progress.js';
import type { RecommendArgs } from './recommend-args.js';

/** A one-line summary of the outcome, JSON (the last stdout line). */
export interface RecommendSummary {
  met: boolean;
  chosen: string | null;
  plan: unknown;
  metric: number | null;
  drop: number | null;
  latency_ms: number | null;
  speedup_fp32: number | null;
  speedup_fp16: number | null;
  closest: string[];
  out: string;
}

export async function recommendCommand(args: RecommendArgs, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Promise<{ result: RecommendResult; summary: RecommendSummary }> {
  const calib = await readRecords(args.calib, 'Calibration', (x) => toBatchInput(args.task, x));
  const dev = await readRecords(args.dev, 'Dev', (x) => devExample(args.task, x));
  let stage = '';
  let bar: Progress | undefined;
  let last = 0;
  const result = await recommend({
    model: args.model, task: args.task, calib, dev, out: args.out,
    maxDrop: args.maxDrop, minMetric: args.minMetric, maxLatencyMs: args.maxLatencyMs,
    device: args.device, batch: args.batch, seq: args.seq, dtype8: args.dtype8, devSamples: args.devSamples,
    calibSamples: args.samples, method: args.method, granularity: args.granularity, maxLength: args.maxLength,
    iters: args.iters, seed: args.seed,
    onProgress: (p) => {
      if (p.stage !== stage) {
        bar?.end(last);
        stage = p.stage;
        bar = progress(stderr, p.stage === 'calibrate' ? `samp recommend: calibrating (${basename(args.calib)})` : 'samp recommend: measuring plans', true, p.total, p.stage === 'calibrate' ? 'inputs' : 'plans');
      }
      last = p.done;
      bar!.tick(p.done);
    },
  });
  bar?.end(last);
  const c = result.chosen;
  const r = result.report;
  if (c) {
    const x16 = c.speedupFp16 !== undefined ? `, ${c.speedupFp16.toFixed(2)}x fp16` : '';
    stderr.write(`samp recommend: ${args.out}: ${c.label} (${JSON.stringify(c.spec)}): metric ${c.metric.toFixed(4)} (fp32 ${r.fp32Metric.toFixed(4)}, drop ${(100 * c.drop).toFixed(2)} pt), ${c.latencyMs.toFixed(2)} ms at ${r.batch}x${r.seq}, ${c.speedupFp32.toFixed(2)}x fp32${x16}; ${r.rule}\n`);
  } else {
    stderr.write(`samp recommend: no plan meets the requirement (${r.rule}); closest: ${r.closest.join('; ')}. See ${args.out}/report.md; no model was written.\n`);
  }
  const summary: RecommendSummary = {
    met: result.met,
    chosen: c?.label ?? null,
    plan: c?.spec ?? null,
    metric: c?.metric ?? null,
    drop: c?.drop ?? null,
    latency_ms: c?.latencyMs ?? null,
    speedup_fp32: c?.speedupFp32 ?? null,
    speedup_fp16: c?.speedupFp16 ?? null,
    closest: r.closest,
    out: args.out,
  };
  return { result, summary };
}
