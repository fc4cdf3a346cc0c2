// recommend(): calibrate once, measure every layer's sensitivity in each 8-bit mode, trace the decay curves that
// quantize more layers in order of least harm, measure their latency, and choose the plan the requirement asks
// for. Writes the model directory (with the chosen plan in samp.json) and the reports.
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CalibrationMethod, type Dtype8Option, type PlanSpec, QUANT_FILE, autoDtype8, writeQuantFile } from '@samp/encoder';
import { type Device, type DeviceSpec, SampError, SampErrorCode, invalidArgument, resolveDevice } from '@samp/kernels-cuda';
import { quantizeModel } from '@samp/targets';
import type { BatchInput, Granularity } from '@samp/tokenizer';
import { type Candidate, LATENCY_TIE, type Requirement, choose } from './choose.js';
import { type DevExample, type MetricTask, spreadEvenly } from './dev-set.js';
import { type MeasureContext, type Measurement, measurePlan } from './measure.js';
import { flipRate } from './metric.js';
import { type CandidatePlan, QUANT_MODES, type QuantMode, baselinePlan, curvePlan, harmOrder, mixedPlan, planSpec, singleLayerPlan } from './plans.js';
import { type Report, type SensitivityRow, writeReports } from './report.js';

export interface RecommendOptions {
  /** The model directory (HF layout, float weights). */
  model: string;
  task: MetricTask;
  /** Calibration inputs (the train split; see toBatchInput). */
  calib: readonly BatchInput[];
  /** Labelled dev examples (see devExample). */
  dev: readonly DevExample[];
  /** Where the model directory with the chosen plan and the reports go (not the model directory itself). */
  out: string;
  /** Give at most one: the largest metric loss against fp32 (0.01 = one point), a metric floor, or a latency
   * ceiling in ms at (batch, seq). With none, the knee of the frontier. */
  maxDrop?: number;
  minMetric?: number;
  maxLatencyMs?: number;
  /** Default `cpu`. */
  device?: DeviceSpec | Device;
  /** The shape latency is measured at (default 8 x 128). */
  batch?: number;
  seq?: number;
  /** Default `auto`: the device's faster native 8-bit type. */
  dtype8?: Dtype8Option;
  /** Dev examples measured, spread evenly over `dev` (default 2000). */
  devSamples?: number;
  /** Calibration inputs used (default 512) and the clip method (default percentile). */
  calibSamples?: number;
  method?: CalibrationMethod;
  granularity?: Granularity;
  maxLength?: number;
  /** Timed forwards per plan; default: as many as fit in `budgetMs` (default 1500 on cpu, 500 on cuda; at
   * least 6), after `warmup` forwards (default 1 on cpu, 10 on cuda). */
  iters?: number;
  budgetMs?: number;
  warmup?: number;
  /** Seed of the random tokens latency is timed on (default 1). */
  seed?: number;
  onProgress?: (p: { stage: 'calibrate' | 'measure'; done: number; total: number; what: string }) => void;
}

export interface RecommendResult {
  /** The chosen plan (absent when nothing meets the requirement: see `report.closest`). */
  plan?: PlanSpec;
  met: boolean;
  chosen?: Candidate;
  /** The Pareto frontier, fastest first. */
  frontier: Candidate[];
  report: Report;
}

function requirementOf(o: RecommendOptions): Requirement {
  const given = (['maxDrop', 'minMetric', 'maxLatencyMs'] as const).filter((k) => o[k] !== undefined);
  if (given.length > 1) throw new SampError(SampErrorCode.InvalidArgument, `Give at most one of maxDrop, minMetric and maxLatencyMs (received ${given.join(', ')})`);
  const check = (name: string, v: number, lo: number, hi: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) invalidArgument(name, `a number in [${lo}, ${hi}]`, v);
    return v;
  };
  if (o.maxDrop !== undefined) return { kind: 'max-drop', value: check('maxDrop', o.maxDrop, 0, 1) };
  if (o.minMetric !== undefined) return { kind: 'min-metric', value: check('minMetric', o.minMetric, 0, 1) };
  if (o.maxLatencyMs !== undefined) return { kind: 'max-latency-ms', value: check('maxLatencyMs', o.maxLatencyMs, 0, Number.MAX_VALUE) };
  return { kind: 'knee' };
}

function positive(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) invalidArgument(name, 'a positive integer', v);
  return v;
}

function checkDirs(model: string, out: string): void {
  if (!existsSync(model)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${model} does not exist`);
  if (existsSync(out) && realpathSync(out) === realpathSync(model)) {
    throw new SampError(SampErrorCode.InvalidArgument, `--out must be a new directory, not the model directory ${model} (the recommendation writes a model directory of its own)`);
  }
}

/** Measures each candidate once (a plan measured without latency is measured again when latency is asked). */
class Measurer {
  readonly #cache = new Map<string, Measurement>();
  done = 0;
  constructor(
    readonly ctx: MeasureContext,
    readonly total: number,
    readonly onProgress: RecommendOptions['onProgress'],
  ) {}

  async get(plan: CandidatePlan, latency: boolean): Promise<Measurement> {
    const key = plan.modes.join(',');
    let m = this.#cache.get(key);
    if (!m || (latency && m.latencyMs === undefined)) {
      this.onProgress?.({ stage: 'measure', done: this.done, total: this.total, what: plan.label });
      m = await measurePlan(this.ctx, plan, latency);
      this.#cache.set(key, m);
    }
    this.done++;
    this.onProgress?.({ stage: 'measure', done: this.done, total: this.total, what: plan.label });
    return m;
  }
}

/** Finds the per-layer plan the requirement asks for (see the package README for the search and the rules). */
export async function recommend(o: RecommendOptions): Promise<RecommendResult> {
  const started = performance.now();
  const requirement = requirementOf(o);
  if (!['classify', 'match', 'tag'].includes(o.task)) invalidArgument('task', '"classify", "match" or "tag"', o.task);
  if (o.dev.length === 0) throw new SampError(SampErrorCode.InvalidArgument, 'Expected at least one dev example');
  checkDirs(o.model, o.out);
  const device = resolveDevice(o.device ?? 'cpu');
  const cuda = device.kind === 'cuda';
  const dtype8 = o.dtype8 ?? 'auto';
  const dev = spreadEvenly(o.dev, positive('devSamples', o.devSamples, 2000));
  const ctx: MeasureContext = {
    dir: o.out, task: o.task, device, dtype8, dev, granularity: o.granularity, maxLength: o.maxLength,
    batch: positive('batch', o.batch, 8), seq: positive('seq', o.seq, 128),
    iters: o.iters === undefined ? undefined : positive('iters', o.iters, 1), budgetMs: o.budgetMs ?? (cuda ? 500 : 1500),
    warmup: o.warmup ?? (cuda ? 10 : 1), seed: o.seed ?? 1,
  };

  const modelFiles = readdirSync(o.model).filter((f) => f !== QUANT_FILE && statSync(join(o.model, f)).isFile());
  // what the calibration copies into `out`; removed again unless a plan is chosen (no model that claims one)
  const removeModel = () => [...modelFiles, QUANT_FILE].forEach((f) => rmSync(join(o.out, f), { force: true }));
  let result: RecommendResult;
  try {
    result = await search(o, ctx, requirement, device, started);
  } catch (error) {
    removeModel();
    throw error;
  }
  if (!result.met) removeModel();
  return result;
}

/** Calibrates into `out`, measures the candidates, chooses, and writes the plan and the reports. */
async function search(o: RecommendOptions, ctx: MeasureContext, requirement: Requirement, device: Device, started: number): Promise<RecommendResult> {
  const dtype8 = ctx.dtype8;
  const dev = ctx.dev;
  const q = await quantizeModel({
    model: o.model, task: o.task, calib: o.calib, out: o.out, mode: 'fully-quant', dtype8, method: o.method,
    samples: o.calibSamples, granularity: o.granularity, maxLength: o.maxLength,
    onProgress: (done, total) => o.onProgress?.({ stage: 'calibrate', done, total, what: 'calibration' }),
  });
  const L = q.quant.clips.int8.length;
  const baselines = [baselinePlan('fp32', L), ...(device.modes.includes('fp16') ? [baselinePlan('fp16', L)] : [])];
  const total = baselines.length + 2 * L + (3 * L - 1);
  const m = new Measurer(ctx, total, o.onProgress);

  const measured = new Map<CandidatePlan, Measurement>();
  for (const b of baselines) measured.set(b, await m.get(b, true));
  const fp32 = measured.get(baselines[0]!)!;
  const reference = measured.get(baselines[baselines.length - 1]!)!; // the device's float default
  const sensitivity: SensitivityRow[] = [];
  for (const mode of QUANT_MODES) {
    for (let l = 0; l < L; l++) {
      const r = await m.get(singleLayerPlan(mode, l, L), false);
      sensitivity.push({ mode, layer: l, metric: r.metric, drop: fp32.metric - r.metric, flips: flipRate(r.predictions, reference.predictions) });
    }
  }
  const orders = Object.fromEntries(QUANT_MODES.map((mode) => [mode, harmOrder(sensitivity.filter((s) => s.mode === mode))])) as Record<QuantMode, number[]>;
  const curves: CandidatePlan[] = [];
  for (const mode of QUANT_MODES) for (let k = 1; k <= L; k++) curves.push(curvePlan(mode, orders[mode], k));
  for (let k = 1; k < L; k++) curves.push(mixedPlan(orders['fully-quant'], k));
  for (const c of curves) measured.set(c, await m.get(c, true));

  const fp16 = baselines[1] ? measured.get(baselines[1])!.latencyMs : undefined;
  const notes = new Set<string>();
  const candidates: Candidate[] = [...measured.entries()].map(([plan, r]) => {
    r.notes.forEach((n) => notes.add(n));
    return {
      ...plan,
      spec: planSpec(plan, dtype8),
      metric: r.metric,
      drop: fp32.metric - r.metric,
      flips: flipRate(r.predictions, reference.predictions),
      latencyMs: r.latencyMs!,
      iters: r.iters!,
      speedupFp32: fp32.latencyMs! / r.latencyMs!,
      ...(fp16 !== undefined ? { speedupFp16: fp16 / r.latencyMs! } : {}),
      pareto: false,
    };
  });
  const choice = choose(candidates, requirement, fp32.metric, LATENCY_TIE[device.kind]);
  const frontier = candidates.filter((c) => c.pareto).sort((a, b) => a.latencyMs - b.latencyMs);

  if (choice.chosen) {
    writeQuantFile(o.out, { plan: choice.chosen.spec, calibration: q.quant.calibration, clips: q.quant.clips });
  }
  const report: Report = {
    model: o.model,
    task: o.task,
    device: device.name,
    deviceKind: device.kind,
    dtype8: dtype8 === 'auto' ? (autoDtype8(device) ?? 'none') : dtype8,
    batch: ctx.batch,
    seq: ctx.seq,
    budgetMs: ctx.iters === undefined ? ctx.budgetMs : null,
    seed: ctx.seed,
    devSamples: dev.length,
    devTotal: o.dev.length,
    calibration: q.quant.calibration,
    requirement,
    rule: choice.rule,
    met: choice.met,
    chosen: choice.chosen?.label ?? null,
    plan: choice.chosen?.spec ?? null,
    closest: choice.closest.map((c) => c.label),
    fp32Metric: fp32.metric,
    sensitivity,
    orders,
    candidates,
    notes: [...notes],
    elapsedS: (performance.now() - started) / 1000,
    date: new Date().toISOString(),
  };
  await writeReports(o.out, report);
  return { plan: choice.chosen?.spec, met: choice.met, chosen: choice.chosen, frontier, report };
}
