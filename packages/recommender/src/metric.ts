// The dev metric of a task's results: accuracy for classify and match, entity micro F1 (exact start, end and
// type) for tag; and a key per prediction, to count the predictions a plan changes.
import type { Classification, PipelineResult, Tagging } from '@samp/targets';
import type { DevExample, GoldSpan, MetricTask } from './dev-set.js';

const spanKey = (s: GoldSpan) => `${s.start}:${s.end}:${s.type}`;

/** Accuracy (classify, match) or entity micro F1 (tag) of `results` against the gold answers, in [0, 1]. */
export function devMetric(task: MetricTask, dev: readonly DevExample[], results: readonly PipelineResult[]): number {
  if (dev.length === 0) return 0;
  if (task !== 'tag') return results.filter((r, i) => (r as Classification).labelId === dev[i]!.label).length / dev.length;
  let tp = 0;
  let predicted = 0;
  let expected = 0;
  results.forEach((r, i) => {
    const want = new Set(dev[i]!.spans!.map(spanKey));
    const got = new Set((r as Tagging).entities.map(spanKey));
    for (const k of got) if (want.has(k)) tp++;
    predicted += got.size;
    expected += want.size;
  });
  if (tp === 0) return 0;
  const p = tp / predicted;
  const r = tp / expected;
  return (2 * p * r) / (p + r);
}

/** One string per result that is equal exactly when the prediction is (the label, or the sorted entity set). */
export function predictionKeys(task: MetricTask, results: readonly PipelineResult[]): string[] {
  if (task !== 'tag') return results.map((r) => String((r as Classification).labelId));
  return results.map((r) => (r as Tagging).entities.map(spanKey).sort().join('|'));
}

/** The share of predictions that differ between two runs over the same inputs. */
export function flipRate(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n / a.length;
}
