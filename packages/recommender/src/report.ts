// The reports of a recommendation: report.json (everything measured), report.md (the frontier and the decay
// curves as tables, the per-layer sensitivity) and chart.svg (metric against speedup, the chosen plan marked).
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CalibrationInfo, PlanSpec } from '@samp/encoder';
import { renderChart } from './chart.js';
import { type Candidate, type Requirement, metricFloor } from './choose.js';
import type { MetricTask } from './dev-set.js';
import type { QuantMode } from './plans.js';

/** One layer quantized alone in one mode. */
export interface SensitivityRow {
  mode: QuantMode;
  layer: number;
  metric: number;
  drop: number;
  flips: number;
}

export interface Report {
  model: string;
  task: MetricTask;
  device: string;
  deviceKind: 'cpu' | 'cuda';
  dtype8: string;
  batch: number;
  seq: number;
  /** The time each latency was measured over (null: a fixed number of forwards, see each candidate's iters). */
  budgetMs: number | null;
  seed: number;
  devSamples: number;
  devTotal: number;
  calibration: CalibrationInfo;
  requirement: Requirement;
  rule: string;
  met: boolean;
  chosen: string | null;
  plan: PlanSpec | null;
  /** When nothing meets the requirement: the closest plans' labels. */
  closest: string[];
  fp32Metric: number;
  sensitivity: SensitivityRow[];
  /** Layers by least harm, per mode: the order the decay curves quantize them in. */
  orders: Record<QuantMode, number[]>;
  candidates: Candidate[];
  notes: string[];
  elapsedS: number;
  date: string;
}

export const REPORT_FILES = { json: 'report.json', markdown: 'report.md', chart: 'chart.svg' } as const;

const FAMILY_ORDER = ['fp32', 'fp16', 'quant-ffn-only', 'fully-quant', 'mixed'];
const pt = (x: number) => (100 * x).toFixed(2);
export const metricName = (task: MetricTask) => (task === 'tag' ? 'entity F1' : 'accuracy');

function requirementText(r: Requirement): string {
  if (r.kind === 'max-drop') return `at most ${pt(r.value)} points below fp32`;
  if (r.kind === 'min-metric') return `a metric of at least ${r.value}`;
  if (r.kind === 'max-latency-ms') return `at most ${r.value} ms per forward`;
  return 'none (the knee of the frontier)';
}

function candidateRow(c: Candidate, chosen: string | null): string {
  const mark = c.label === chosen ? '**chosen**' : c.pareto ? 'frontier' : '';
  const x16 = c.speedupFp16 === undefined ? 'n/a' : `${c.speedupFp16.toFixed(2)}x`;
  return `| ${c.label} | ${c.metric.toFixed(4)} | ${pt(c.drop)} | ${pt(c.flips)} | ${c.latencyMs.toFixed(2)} | ${c.speedupFp32.toFixed(2)}x | ${x16} | ${mark} |`;
}

/** The markdown report. */
export function reportMarkdown(r: Report): string {
  const chosen = r.candidates.find((c) => c.label === r.chosen);
  const lines = [
    `# samp recommend: ${r.model} (${r.task})`,
    '',
    `- Device: ${r.device}; 8-bit type: ${r.dtype8}; latency: the forward at batch ${r.batch} x seq ${r.seq}, the lowest median of three blocks (${r.budgetMs !== null ? `as many forwards as fit in ${r.budgetMs / 1000} s, at least 6` : 'a fixed number of forwards'}; random tokens, seed ${r.seed}).`,
    `- Dev: ${r.devSamples} of ${r.devTotal} examples; metric: ${metricName(r.task)} (fp32: ${r.fp32Metric.toFixed(4)}).`,
    `- Calibration: ${r.calibration.samples} inputs, ${r.calibration.method}${r.calibration.percentile !== undefined ? ` ${r.calibration.percentile}` : ''}.`,
    `- Requirement: ${requirementText(r.requirement)}. Rule: ${r.rule}.`,
    chosen
      ? `- **Chosen: ${chosen.label}**: ${metricName(r.task)} ${chosen.metric.toFixed(4)} (drop ${pt(chosen.drop)} points), ${chosen.latencyMs.toFixed(2)} ms, ${chosen.speedupFp32.toFixed(2)}x fp32${chosen.speedupFp16 !== undefined ? `, ${chosen.speedupFp16.toFixed(2)}x fp16` : ''}. Plan: \`${JSON.stringify(chosen.spec)}\``
      : `- **No plan meets the requirement.** Closest: ${r.closest.join('; ')}. No model was written.`,
    '',
    '## Plans measured (decay curves and baselines)',
    '',
    `Drop and flips are in points against fp32 and against the ${r.deviceKind === 'cuda' ? 'fp16' : 'fp32'} predictions. "frontier": no other plan is both as accurate and faster.`,
    '',
    `| plan | ${metricName(r.task)} | drop (pt) | flips (%) | latency (ms) | vs fp32 | vs fp16 | |`,
    '|---|---|---|---|---|---|---|---|',
    ...[...r.candidates].sort((a, b) => FAMILY_ORDER.indexOf(a.family) - FAMILY_ORDER.indexOf(b.family) || a.k - b.k).map((c) => candidateRow(c, r.chosen)),
    '',
    '## Per-layer sensitivity (one layer quantized, the others float)',
    '',
    '| layer | fully-quant drop (pt) | fully-quant flips (%) | quant-ffn-only drop (pt) | quant-ffn-only flips (%) |',
    '|---|---|---|---|---|',
  ];
  const layers = r.orders['fully-quant'].length;
  for (let l = 0; l < layers; l++) {
    const fq = r.sensitivity.find((s) => s.mode === 'fully-quant' && s.layer === l)!;
    const qf = r.sensitivity.find((s) => s.mode === 'quant-ffn-only' && s.layer === l)!;
    lines.push(`| ${l} | ${pt(fq.drop)} | ${pt(fq.flips)} | ${pt(qf.drop)} | ${pt(qf.flips)} |`);
  }
  lines.push('', `Order of least harm: fully-quant ${r.orders['fully-quant'].join(', ')}; quant-ffn-only ${r.orders['quant-ffn-only'].join(', ')}.`);
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- Note: ${n}`));
  lines.push('', `Measured ${r.date} in ${r.elapsedS.toFixed(0)} s.`, '');
  return lines.join('\n');
}

/** Writes report.json, report.md and chart.svg into `dir`. */
export async function writeReports(dir: string, r: Report): Promise<void> {
  writeFileSync(join(dir, REPORT_FILES.json), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(join(dir, REPORT_FILES.markdown), reportMarkdown(r));
  const floor = metricFloor(r.requirement, r.fp32Metric);
  const title = `${basename(r.model)} (${r.task}) on ${r.device}, batch ${r.batch} x seq ${r.seq}`;
  writeFileSync(join(dir, REPORT_FILES.chart), await renderChart({ title, metricName: metricName(r.task), candidates: r.candidates, chosen: r.chosen, fp32Metric: r.fp32Metric, floor }));
}
