// Command-line options: parsed with node:util, checked with messages that say what was expected.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface RunArgs {
  model: string;
  task: 'classify' | 'match' | 'tag' | 'embed';
  input: string;
  output: string;
  device: 'cpu' | 'cuda' | 'auto';
  precision: 'fp32' | 'fp16' | 'bf16' | 'auto';
  /** A plan file (JSON) instead of --precision. */
  plan?: string;
  matching: 'cross-encoder' | 'bi-encoder';
  maxLength?: number;
  batchSize: number;
  granularity?: 'wordpiece' | 'char' | 'word';
  pooling?: 'cls' | 'mean';
  normalize: boolean;
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`Expected a positive integer for --${name} but received "${v}"`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`Missing --${name} (${allowed.join(' | ')})`);
  }
  if (!allowed.includes(v as T)) throw new UsageError(`Expected --${name} to be one of ${allowed.join(', ')} but received "${v}"`);
  return v as T;
}

export function parseRunArgs(argv: string[]): RunArgs {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' }, task: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' },
        device: { type: 'string' }, precision: { type: 'string' }, 'max-length': { type: 'string' }, 'batch-size': { type: 'string' },
        granularity: { type: 'string' }, pooling: { type: 'string' }, normalize: { type: 'boolean' },
        plan: { type: 'string' }, matching: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
    values.normalize = values.normalize ? 'true' : undefined;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const name of ['model', 'input', 'output']) if (!values[name]) throw new UsageError(`Missing --${name}`);
  if (values.plan !== undefined && values.precision !== undefined) throw new UsageError('Give --precision or --plan, not both');
  const task = oneOf('task', values.task, ['classify', 'match', 'tag', 'embed'] as const);
  if (values.matching !== undefined && task !== 'match') throw new UsageError('--matching applies to --task match only');
  return {
    model: values.model!,
    task,
    input: values.input!,
    output: values.output!,
    device: oneOf('device', values.device, ['cpu', 'cuda', 'auto'] as const, 'auto'),
    precision: oneOf('precision', values.precision, ['fp32', 'fp16', 'bf16', 'auto'] as const, 'auto'),
    plan: values.plan,
    matching: oneOf('matching', values.matching, ['cross-encoder', 'bi-encoder'] as const, 'cross-encoder'),
    maxLength: positiveInt('max-length', values['max-length']),
    batchSize: positiveInt('batch-size', values['batch-size']) ?? 32,
    granularity: values.granularity === undefined ? undefined : oneOf('granularity', values.granularity, ['wordpiece', 'char', 'word'] as const),
    pooling: values.pooling === undefined ? undefined : oneOf('pooling', values.pooling, ['cls', 'mean'] as const),
    normalize: values.normalize === 'true',
  };
}

/** --model (and for tokenize --input, --output, --max-length, --granularity) of the smaller commands. */
export function parseModelArgs(argv: string[], withIo: boolean): { model: string; input: string; output: string; maxLength?: number; granularity?: 'wordpiece' | 'char' | 'word' } {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: withIo
        ? { model: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' }, 'max-length': { type: 'string' }, granularity: { type: 'string' } }
        : { model: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.model) throw new UsageError('Missing --model');
  return {
    model: values.model,
    input: values.input ?? '-',
    output: values.output ?? '-',
    maxLength: positiveInt('max-length', values['max-length']),
    granularity: values.granularity === undefined ? undefined : oneOf('granularity', values.granularity, ['wordpiece', 'char', 'word'] as const),
  };
}

export const USAGE = `Usage:
  samp run --model DIR --task classify|match|tag|embed --input IN.jsonl|- --output OUT.jsonl|-
           [--device cpu|cuda|auto] [--precision fp32|fp16|bf16|auto | --plan PLAN.json] [--max-length N]
           [--batch-size N] [--granularity wordpiece|char|word] [--matching cross-encoder|bi-encoder]
           [--pooling mean|cls] [--normalize]

  Input lines are {"text"} (classify, tag, embed) or {"text_a", "text_b"} (match); other fields (such as "id")
  are copied to the output line. Each input line gives one output line, in order: {"label", "label_id",
  "scores"} (classify, match), {"score"} (match --matching bi-encoder: cosine of the two embeddings), {"entities": [{"start", "end", "type", "text"}]} (tag; UTF-16 offsets, end
  exclusive), {"embedding": [...]} (embed), or {"line", "error": {"code", "message"}} for a line that cannot
  be run. Exit codes: 0 done, 1 failure, 2 usage error, 3 done but some lines failed.

  samp info --model DIR
      architecture, shape, head, labels and tokenizer of a model directory, and the devices here (JSON)

  samp tokenize --model DIR [--input IN.jsonl|-] [--output OUT.jsonl|-] [--max-length N] [--granularity ...]
      {"text"} or {"text_a", "text_b"} lines to {"ids", "tokens", "type_ids", "offsets"} with the model's tokenizer`;
