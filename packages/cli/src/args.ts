// Command-line options: parsed with node:util, checked with messages that say what was expected.
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface RunArgs {
  model: string;
  task: 'classify' | 'match' | 'tag' | 'embed';
  input: string;
  output: string;
  device: 'cpu' | 'cuda' | 'auto';
  /** Absent: the model's samp.json plan if it has one, else auto. */
  precision?: 'fp32' | 'fp16' | 'bf16' | 'quant-ffn-only' | 'fully-quant' | 'auto';
  /** A plan file (JSON) instead of --precision. */
  plan?: string;
  matching: 'cross-encoder' | 'bi-encoder';
  maxLength?: number;
  batchSize: number;
  granularity?: 'wordpiece' | 'char' | 'word';
  pooling?: 'cls' | 'mean';
  normalize: boolean;
}

export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`Expected a positive integer for --${name} but received "${v}"`);
  return n;
}

export function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], fallback?: T): T {
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
    precision: values.precision === undefined ? undefined : oneOf('precision', values.precision, ['fp32', 'fp16', 'bf16', 'quant-ffn-only', 'fully-quant', 'auto'] as const),
    plan: values.plan,
    matching: oneOf('matching', values.matching, ['cross-encoder', 'bi-encoder'] as const, 'cross-encoder'),
    maxLength: positiveInt('max-length', values['max-length']),
    batchSize: positiveInt('batch-size', values['batch-size']) ?? 32,
    granularity: values.granularity === undefined ? undefined : oneOf('granularity', values.granularity, ['wordpiece', 'char', 'word'] as const),
    pooling: values.pooling === undefined ? undefined : oneOf('pooling', values.pooling, ['cls', 'mean'] as const),
    normalize: values.normalize === 'true',
  };
}

export interface QuantizeArgs {
  model: string;
  task: 'classify' | 'match' | 'tag';
  calib: string;
  out: string;
  mode: 'fully-quant' | 'quant-ffn-only';
  layers: number[] | 'all';
  dtype8: 'int8' | 'fp8' | 'auto';
  method: 'max' | 'percentile' | 'mse';
  percentile?: number;
  samples: number;
  granularity?: 'wordpiece' | 'char' | 'word';
  maxLength?: number;
  batchSize: number;
}

export function parse(argv: string[], names: Record<string, 'string' | 'boolean'>): Record<string, string | undefined> {
  try {
    const options = Object.fromEntries(Object.entries(names).map(([k, type]) => [k, { type }]));
    const values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === true ? 'true' : v === false ? undefined : v]));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function layerList(v: string | undefined): number[] | 'all' {
  if (v === undefined || v === 'all') return 'all';
  const parts = v.split(',').map((x) => x.trim());
  if (parts.some((x) => !/^\d+$/.test(x))) throw new UsageError(`Expected --layers to be "all" or layer indices such as 0,1,5 but received "${v}"`);
  return parts.map(Number);
}

export function parseQuantizeArgs(argv: string[]): QuantizeArgs {
  const v = parse(argv, {
    model: 'string', task: 'string', calib: 'string', out: 'string', mode: 'string', layers: 'string', dtype8: 'string',
    method: 'string', percentile: 'string', samples: 'string', granularity: 'string', 'max-length': 'string', 'batch-size': 'string',
  });
  for (const name of ['model', 'calib', 'out']) if (!v[name]) throw new UsageError(`Missing --${name}`);
  const method = oneOf('method', v.method, ['max', 'percentile', 'mse'] as const, 'percentile');
  let percentile: number | undefined;
  if (v.percentile !== undefined) {
    percentile = Number(v.percentile);
    if (method !== 'percentile') throw new UsageError('--percentile applies to --method percentile only');
    if (!(percentile > 0 && percentile <= 100)) throw new UsageError(`Expected --percentile in (0, 100] but received "${v.percentile}"`);
  }
  return {
    model: v.model!,
    task: oneOf('task', v.task, ['classify', 'match', 'tag'] as const),
    calib: v.calib!,
    out: v.out!,
    mode: oneOf('mode', v.mode, ['fully-quant', 'quant-ffn-only'] as const, 'fully-quant'),
    layers: layerList(v.layers),
    dtype8: oneOf('dtype8', v.dtype8, ['int8', 'fp8', 'auto'] as const, 'auto'),
    method,
    percentile,
    samples: positiveInt('samples', v.samples) ?? 512,
    granularity: v.granularity === undefined ? undefined : oneOf('granularity', v.granularity, ['wordpiece', 'char', 'word'] as const),
    maxLength: positiveInt('max-length', v['max-length']),
    batchSize: positiveInt('batch-size', v['batch-size']) ?? 32,
  };
}

export interface BenchArgs {
  model: string;
  device: 'cpu' | 'cuda' | 'auto';
  batch: number;
  seq: number;
  iters: number;
  warmup: number;
  json: boolean;
  precision?: 'fp32' | 'fp16' | 'bf16' | 'fully-quant' | 'quant-ffn-only' | 'auto';
  dtype8?: 'int8' | 'fp8' | 'auto';
  plan?: string;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const v = parse(argv, {
    model: 'string', device: 'string', batch: 'string', seq: 'string', iters: 'string', warmup: 'string', json: 'boolean',
    precision: 'string', dtype8: 'string', plan: 'string',
  });
  if (!v.model) throw new UsageError('Missing --model (a model directory, or bert-base)');
  if (v.plan !== undefined && (v.precision !== undefined || v.dtype8 !== undefined)) throw new UsageError('Give --precision / --dtype8 or --plan, not both');
  return {
    model: v.model,
    device: oneOf('device', v.device, ['cpu', 'cuda', 'auto'] as const, 'auto'),
    batch: positiveInt('batch', v.batch) ?? 8,
    seq: positiveInt('seq', v.seq) ?? 128,
    iters: positiveInt('iters', v.iters) ?? 50,
    warmup: positiveInt('warmup', v.warmup) ?? 5,
    json: v.json === 'true',
    precision: v.precision === undefined ? undefined : oneOf('precision', v.precision, ['fp32', 'fp16', 'bf16', 'fully-quant', 'quant-ffn-only', 'auto'] as const),
    dtype8: v.dtype8 === undefined ? undefined : oneOf('dtype8', v.dtype8, ['int8', 'fp8', 'auto'] as const),
    plan: v.plan,
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
           [--device cpu|cuda|auto] [--precision fp32|fp16|bf16|quant-ffn-only|fully-quant|auto | --plan PLAN.json]
           [--max-length N]
           [--batch-size N] [--granularity wordpiece|char|word] [--matching cross-encoder|bi-encoder]
           [--pooling mean|cls] [--normalize]

  Input lines are {"text"} (classify, tag, embed) or {"text_a", "text_b"} (match); other fields (such as "id")
  are copied to the output line. Each input line gives one output line, in order: {"label", "label_id",
  "scores"} (classify, match), {"score"} (match --matching bi-encoder: cosine of the two embeddings), {"entities": [{"start", "end", "type", "text"}]} (tag; UTF-16 offsets, end
  exclusive), {"embedding": [...]} (embed), or {"line", "error": {"code", "message"}} for a line that cannot
  be run. Exit codes: 0 done, 1 failure, 2 usage error, 3 done but some lines failed.

  A model directory with a samp.json (from samp quantize) runs its plan unless --precision or --plan is given;
  8-bit modes take their activation clips from it.

  samp quantize --model DIR --task classify|match|tag --calib DATA.jsonl --out DIR
           [--mode fully-quant|quant-ffn-only] [--layers 0,1,5|all] [--dtype8 int8|fp8|auto]
           [--method max|percentile|mse] [--percentile P] [--samples N] [--granularity ...] [--max-length N]
      calibrates on up to N inputs (default 512, spread over the file) and writes DIR: the model's files plus
      samp.json (the plan, and activation clips for INT8 and FP8)

  samp bench --model DIR|bert-base [--device cpu|cuda|auto] [--batch B] [--seq S] [--iters N] [--warmup N] [--json]
           [--precision fp32|fp16|bf16|fully-quant|quant-ffn-only|auto] [--dtype8 int8|fp8|auto] [--plan FILE]
      times the encoder's forward on random tokens; bert-base is a built-in random-weight BERT-base (calibrated
      on random tokens: for timing only). The last stdout line is JSON with median_ms.

  samp recommend --model DIR --task classify|match|tag --calib TRAIN.jsonl --dev DEV.jsonl --out DIR
           [--max-drop 0.01 | --min-metric 0.92 | --max-latency-ms 2.5] [--device cpu|cuda] [--batch B] [--seq S]
           [--dtype8 int8|fp8|auto] [--dev-samples N] [--samples N] [--method ...] [--granularity ...]
           [--max-length N] [--iters N] [--seed N]
      measures the dev metric and the latency of per-layer 8-bit plans (each layer alone in each mode, then the
      decay curves quantizing more layers in order of least harm) and writes DIR: the model with the chosen plan
      in samp.json, report.md, report.json and chart.svg. Drops and metrics are fractions (0.01 = one point).
      Exit code 4: no plan meets the requirement (the reports list the closest).

  samp convert --from DIR|FILE --to DIR [--format auto|hf|torch-bin|uer] [--dtype fp32|fp16|bf16] [--onnx]
           [--onnx-int8 dynamic|qdq] [--config FILE] [--vocab FILE] [--force]
      reads safetensors (sharded too), pytorch_model.bin (zip or legacy format, through a restricted unpickler
      that runs nothing from the file) or a UER-py checkpoint, and writes DIR: config.json, model.safetensors
      (bytes as the source stores them unless --dtype), vocab.txt and tokenizer.json. --onnx adds model.onnx
      (encoder + head, fp32; inputs input_ids, attention_mask, token_type_ids; output logits); --onnx-int8 dynamic
      model.int8.onnx (ONNX Runtime's dynamic INT8 quantization of the encoder's linears), --onnx-int8 qdq
      model.qdq.onnx (the 8-bit layers of a samp quantize / recommend model's plan, QDQ with its static clips).
      --config gives the model config (HF config.json, or UER-py's), --vocab the vocabulary, when they are not
      beside the weights. A samp.json beside the weights is copied.

  samp info --model DIR
      architecture, shape, head, labels and tokenizer of a model directory, and the devices here (JSON)

  samp tokenize --model DIR [--input IN.jsonl|-] [--output OUT.jsonl|-] [--max-length N] [--granularity ...]
      {"text"} or {"text_a", "text_b"} lines to {"ids", "tokens", "type_ids", "offsets"} with the model's tokenizer`;
