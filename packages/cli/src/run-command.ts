// samp run: JSON lines through a Pipeline, one output line per input line, in order; a bad line becomes an
// error record and the run goes on.
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { readPlanFile } from '@samp/encoder';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { Pipeline, type PipelineResult, toBatchInput } from '@samp/targets';
import type { BatchInput } from '@samp/tokenizer';
import type { RunArgs } from './args.js';
import { type ErrorInfo, errorInfo } from './error-info.js';
import { readJsonLines } from './jsonl.js';
import { resultRecord } from './result-record.js';
import { planSummary } from './plan-summary.js';
import { progress } from './progress.js';

type Extra = Record<string, unknown>;
type Slot =
  | { line: number; input: BatchInput; extra: Extra }
  | { line: number; error: ErrorInfo; extra: Extra };

const INPUT_KEYS = new Set(['text', 'text_a', 'text_b']);
/** Lines read ahead, in batches: inputs within this window are sorted by length into batches. */
const WINDOW = 8;

/** The input's other fields (such as `id`), copied to its output line. */
function extraOf(value: unknown): Extra {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([k]) => !INPUT_KEYS.has(k)));
}

function errorOf(line: number, error: unknown, extra: Extra): Slot {
  return { line, error: errorInfo(error), extra };
}

function record(slot: Slot, result?: PipelineResult): string {
  if ('error' in slot) return JSON.stringify({ ...slot.extra, line: slot.line, error: slot.error });
  return JSON.stringify({ ...slot.extra, ...resultRecord(result!) });
}

export interface RunSummary {
  lines: number;
  errors: number;
}

export async function runCommand(args: RunArgs, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Promise<RunSummary> {
  if (args.input !== '-' && !existsSync(args.input)) {
    throw new SampError(SampErrorCode.FileNotFound, `Input file ${args.input} does not exist`);
  }
  const pipeline = await Pipeline.load(args.model, {
    task: args.task,
    device: args.device,
    ...(args.plan !== undefined ? { plan: readPlanFile(args.plan) } : { precision: args.precision }),
    matching: args.task === 'match' ? args.matching : undefined,
    maxLength: args.maxLength,
    batchSize: args.batchSize,
    granularity: args.granularity,
    pooling: args.pooling,
    normalize: args.normalize,
  });
  stderr.write(`samp run: ${args.model} on ${pipeline.encoder.device.name}, ${planSummary(pipeline.encoder.plan)}, max length ${pipeline.maxLength}\n`);
  const toStdout = args.output === '-';
  const out = toStdout ? process.stdout : createWriteStream(args.output, { encoding: 'utf8' });
  const bar = progress(stderr, 'samp run', args.input !== '-');
  const summary: RunSummary = { lines: 0, errors: 0 };
  let slots: Slot[] = [];
  let pending = 0;

  const write = async (text: string) => {
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  };
  /** The results of a window's inputs; one bad input must not take the window down: then one by one. */
  const compute = async (window: Slot[]): Promise<(PipelineResult | Slot)[]> => {
    const inputs = window.flatMap((s) => ('input' in s ? [s.input] : []));
    try {
      return await pipeline.runChecked(inputs);
    } catch {
      const results: (PipelineResult | Slot)[] = [];
      for (const s of window) {
        if (!('input' in s)) continue;
        try {
          results.push((await pipeline.runTokenized([s.input]))[0]!);
        } catch (error) {
          results.push(errorOf(s.line, error, s.extra));
        }
      }
      return results;
    }
  };
  const emit = async (window: Slot[], results: (PipelineResult | Slot)[]) => {
    let k = 0;
    for (const s of window) {
      const r = 'input' in s ? results[k++]! : s;
      if ('error' in r) summary.errors++;
      await write('error' in r ? record(r as Slot) : record(s, r as PipelineResult));
    }
    summary.lines += window.length;
    bar.tick(summary.lines);
  };
  // A window computes while the next one is read and the previous one written: `written` is the chain of writes,
  // in input order; reading waits for the window before last, so at most two are in flight.
  let written: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const window = slots;
    slots = [];
    pending = 0;
    const computed = compute(window);
    const before = written;
    written = (async () => {
      const results = await computed;
      await before;
      await emit(window, results);
    })();
    return before;
  };

  try {
    for await (const item of readJsonLines(args.input)) {
      if ('error' in item) {
        slots.push({ line: item.line, error: { code: SampErrorCode.InvalidArgument, message: item.error }, extra: {} });
      } else {
        try {
          slots.push({ line: item.line, input: toBatchInput(args.task, item.value), extra: extraOf(item.value) });
          pending++;
        } catch (error) {
          slots.push(errorOf(item.line, error, extraOf(item.value)));
        }
      }
      if (pending >= args.batchSize * WINDOW) await flush();
    }
    if (slots.length > 0) await flush();
    await written;
  } finally {
    await written.catch(() => undefined); // on failure: let the window in flight finish before disposing
    pipeline.dispose();
    if (!toStdout) {
      out.end();
      await once(out, 'close');
    }
  }
  bar.end(summary.lines);
  return summary;
}
