// Labelled dev examples: the checked input of the task and its gold answer (a label id, or entity spans).
import { invalidArgument } from '@samp/kernels-cuda';
import { toBatchInput } from '@samp/targets';
import type { BatchInput } from '@samp/tokenizer';

/** The tasks the recommender measures a metric for. */
export type MetricTask = 'classify' | 'match' | 'tag';

/** A gold entity: UTF-16 offsets into the text, `end` exclusive (as `samp run` writes them). */
export interface GoldSpan {
  start: number;
  end: number;
  type: string;
}

/** One dev example: `label` for classify and match, `spans` for tag. */
export interface DevExample {
  input: BatchInput;
  label?: number;
  spans?: GoldSpan[];
}

function checkSpan(s: unknown, where: string): GoldSpan {
  const o = s as Record<string, unknown> | null;
  const ok =
    typeof o === 'object' && o !== null && Number.isInteger(o.start) && Number.isInteger(o.end) &&
    typeof o.type === 'string' && (o.start as number) >= 0 && (o.end as number) > (o.start as number);
  if (!ok) invalidArgument(where, 'a span { "start": int, "end": int > start, "type": string }', s);
  return { start: o.start as number, end: o.end as number, type: o.type as string };
}

/** Checks a dev record (a line of the task's JSONL: `{text, label}`, `{text_a, text_b, label}` or
 * `{text, spans}`) and turns it into a {@link DevExample}. */
export function devExample(task: MetricTask, record: unknown): DevExample {
  const input = toBatchInput(task, record);
  const o = record as Record<string, unknown>;
  if (task === 'tag') {
    if (!Array.isArray(o.spans)) invalidArgument('spans', 'an array of gold entity spans', o.spans);
    return { input, spans: o.spans.map((s, i) => checkSpan(s, `spans[${i}]`)) };
  }
  if (!Number.isInteger(o.label) || (o.label as number) < 0) invalidArgument('label', 'a label id (an integer >= 0)', o.label);
  return { input, label: o.label as number };
}

/** `n` examples spread evenly over the list (deterministic; keeps the data's own mix), or all of them. */
export function spreadEvenly<T>(items: readonly T[], n: number): T[] {
  if (n >= items.length) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}
