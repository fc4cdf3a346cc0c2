// Choosing among measured plans: the Pareto frontier of metric against latency, and the plan a requirement
// asks for (or, with none, the knee of the frontier).
import type { PlanSpec } from '@samp/encoder';
import type { CandidatePlan } from './plans.js';

/** A candidate plan with what was measured for it. */
export interface Candidate extends CandidatePlan {
  spec: PlanSpec;
  metric: number;
  /** fp32's metric minus this one's (in metric units: 0.01 is one point). */
  drop: number;
  /** Share of dev predictions that differ from the float default's. */
  flips: number;
  latencyMs: number;
  /** The forwards `latencyMs` is the median of. */
  iters: number;
  speedupFp32: number;
  /** Absent where the device has no fp16. */
  speedupFp16?: number;
  /** On the Pareto frontier: no other plan is both at least as accurate and faster. */
  pareto: boolean;
}

/** What the user asks for. `drop` and metrics are fractions (0.01 = one point of accuracy or F1). */
export type Requirement =
  | { kind: 'max-drop'; value: number }
  | { kind: 'min-metric'; value: number }
  | { kind: 'max-latency-ms'; value: number }
  | { kind: 'knee' };

export interface Choice {
  /** Absent when no plan meets the requirement. */
  chosen?: Candidate;
  met: boolean;
  /** The rule that chose, in words. */
  rule: string;
  /** When nothing meets the requirement: the plans closest to it (best first). */
  closest: Candidate[];
}

/** The lowest metric a requirement accepts, given fp32's (none for a latency requirement or the knee). */
export function metricFloor(req: Requirement, fp32Metric: number): number | undefined {
  if (req.kind === 'max-drop') return fp32Metric - req.value;
  if (req.kind === 'min-metric') return req.value;
  return undefined;
}

/** Latencies within this fraction of each other count as equal (timing noise), by device kind; the tie goes to
 * the metric. CPU timings on a busy host wander by a few percent; CUDA graph replays by well under one. */
export const LATENCY_TIE = { cpu: 0.03, cuda: 0.01 } as const;
const EPS = 1e-9;

/** Marks and returns the Pareto frontier (fastest first). */
export function paretoFront(cands: Candidate[]): Candidate[] {
  const sorted = [...cands].sort((a, b) => a.latencyMs - b.latencyMs || b.metric - a.metric);
  const front: Candidate[] = [];
  let best = -Infinity;
  for (const c of sorted) {
    c.pareto = c.metric > best + EPS;
    if (c.pareto) {
      front.push(c);
      best = c.metric;
    }
  }
  return front;
}

/** The fastest of `ok`, where plans within `tie` of the fastest tie and the more accurate wins. */
function fastest(ok: readonly Candidate[], tie: number): Candidate {
  const min = Math.min(...ok.map((c) => c.latencyMs));
  return ok.filter((c) => c.latencyMs <= min * (1 + tie)).sort((a, b) => b.metric - a.metric || a.latencyMs - b.latencyMs)[0]!;
}

/** The most accurate of `ok`; equal metrics go to the faster plan. */
const mostAccurate = (ok: readonly Candidate[]) => [...ok].sort((a, b) => b.metric - a.metric || a.latencyMs - b.latencyMs)[0]!;

/** The knee of the frontier: with speedup and metric each scaled to [0, 1] over the frontier, the plan with the
 * largest sum (the Kneedle difference curve of a decreasing curve); ties go to the faster plan. */
export function knee(front: readonly Candidate[]): Candidate {
  const s = front.map((c) => c.speedupFp32);
  const m = front.map((c) => c.metric);
  const scale = (v: number, xs: number[]) => (Math.max(...xs) - Math.min(...xs) < EPS ? 1 : (v - Math.min(...xs)) / (Math.max(...xs) - Math.min(...xs)));
  const score = (c: Candidate) => scale(c.speedupFp32, s) + scale(c.metric, m);
  return [...front].sort((a, b) => score(b) - score(a) || a.latencyMs - b.latencyMs)[0]!;
}

/** The plan `req` asks for among `cands` (the baselines included), given fp32's metric; latencies within `tie`
 * (a fraction) of each other count as equal. */
export function choose(cands: Candidate[], req: Requirement, fp32Metric: number, tie: number = LATENCY_TIE.cpu): Choice {
  const front = paretoFront(cands);
  if (req.kind === 'knee') {
    return { chosen: knee(front), met: true, rule: 'no requirement: the knee of the frontier (largest scaled speedup + scaled metric)', closest: [] };
  }
  let ok: Candidate[];
  let rule: string;
  let closest: Candidate[];
  if (req.kind === 'max-latency-ms') {
    ok = cands.filter((c) => c.latencyMs <= req.value);
    rule = `the most accurate plan within ${req.value} ms`;
    closest = [...cands].sort((a, b) => a.latencyMs - b.latencyMs).slice(0, 3);
  } else {
    const floor = metricFloor(req, fp32Metric)!;
    ok = cands.filter((c) => c.metric >= floor - EPS);
    rule = req.kind === 'max-drop' ? `the fastest plan that loses at most ${(req.value * 100).toFixed(2)} points against fp32` : `the fastest plan with a metric of at least ${req.value}`;
    closest = [...cands].sort((a, b) => b.metric - a.metric || a.latencyMs - b.latencyMs).slice(0, 3);
  }
  if (ok.length === 0) return { met: false, rule, closest };
  return { chosen: req.kind === 'max-latency-ms' ? mostAccurate(ok) : fastest(ok, tie), met: true, rule, closest: [] };
}
