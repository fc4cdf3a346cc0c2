// What the bridge can be asked to do: one handler per op, on samp's own packages. Results are JSON; tensors travel
// as raw bytes beside them. Pipelines and tokenizers live in this process under integer handles.
import { convert } from '@samp/converters';
import { Encoder, readPlanFile } from '@samp/encoder';
import { invalidArgument, listDevices, SampError, SampErrorCode } from '@samp/kernels-cuda';
import { Pipeline, type PipelineOptions, tokenizerForModel, toBatchInput } from '@samp/targets';
import { type BatchInput, Tokenizer } from '@samp/tokenizer';
import { convertSummary, resultRecord } from 'samp';
import { type Frame, type OutTensor, tensorOf } from './protocol.js';

export interface Reply {
  result: Record<string, unknown>;
  tensors?: Record<string, OutTensor>;
}

type Args = Record<string, unknown>;
const objects = new Map<number, Pipeline | Tokenizer>();
/** A tokenizer's default max_length, given when it was loaded. */
const defaultMaxLength = new WeakMap<Tokenizer, number>();
let nextHandle = 1;

function opened(args: Args, what: string): Pipeline | Tokenizer {
  const found = objects.get(args.handle as number);
  if (!found) throw new SampError(SampErrorCode.Disposed, `No open ${what} with handle ${String(args.handle)} (closed, or never opened)`);
  return found;
}
function pipelineOf(args: Args): Pipeline {
  const found = opened(args, 'pipeline');
  if (!(found instanceof Pipeline)) invalidArgument('handle', 'the handle of a pipeline', 'a tokenizer handle');
  return found;
}
function tokenizerOf(args: Args): Tokenizer {
  const found = opened(args, 'tokenizer');
  if (!(found instanceof Tokenizer)) invalidArgument('handle', 'the handle of a tokenizer', 'a pipeline handle');
  return found;
}

const optional = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

async function loadPipeline(args: Args): Promise<Reply> {
  if (typeof args.model_dir !== 'string') invalidArgument('model_dir', 'a string', args.model_dir);
  const plan = typeof args.plan === 'string' ? readPlanFile(args.plan) : optional<PipelineOptions['plan']>(args.plan);
  const p = await Pipeline.load(args.model_dir, {
    task: args.task as PipelineOptions['task'],
    device: optional(args.device),
    precision: optional(args.precision),
    plan,
    maxLength: optional(args.max_length),
    batchSize: optional(args.batch_size),
    granularity: optional(args.granularity),
    pooling: optional(args.pooling),
    normalize: optional(args.normalize),
    matching: optional(args.matching),
  });
  const handle = nextHandle++;
  objects.set(handle, p);
  const labels = 'labels' in p.head ? (p.head as { labels: readonly string[] }).labels : null;
  return {
    result: { handle, device: p.encoder.device.name, plan: p.encoder.plan, max_length: p.maxLength, hidden: p.encoder.shape.hidden, labels },
  };
}

function inputsOf(args: Args, task: Pipeline['task']): BatchInput[] {
  if (!Array.isArray(args.inputs)) invalidArgument('inputs', 'a list', args.inputs);
  return args.inputs.map((x, i) => {
    try {
      return toBatchInput(task, x);
    } catch (error) {
      throw new SampError(SampErrorCode.InvalidArgument, `inputs[${i}]: ${(error as Error).message}`);
    }
  });
}

async function run(args: Args): Promise<Reply> {
  const p = pipelineOf(args);
  const results = await p.runChecked(inputsOf(args, p.task));
  return { result: { results: results.map(resultRecord) } };
}

async function embed(args: Args): Promise<Reply> {
  const p = pipelineOf(args);
  if (!Array.isArray(args.texts)) invalidArgument('texts', 'a list of strings', args.texts);
  const data = await p.embed(args.texts as string[], { pooling: optional(args.pooling), normalize: optional(args.normalize) });
  return { result: {}, tensors: { embeddings: { data, shape: [args.texts.length, p.encoder.shape.hidden] } } };
}

/** The encoder alone on token ids: last hidden state [n, seq, hidden] (and the pooled output when there is one). */
async function encode(args: Args, frame: Frame): Promise<Reply> {
  const p = pipelineOf(args);
  const ids = tensorOf(frame, 'input_ids', 'int32');
  if (!ids || ids.shape.length !== 2) invalidArgument('input_ids', 'an int32 tensor [batch, seq]', ids?.shape);
  const [batch, seqLen] = ids.shape as [number, number];
  const same = (name: string) => {
    const t = tensorOf(frame, name, 'int32');
    if (t && (t.shape[0] !== batch || t.shape[1] !== seqLen)) invalidArgument(name, `an int32 tensor [${batch}, ${seqLen}]`, `[${t.shape.join(', ')}]`);
    return t?.data as Int32Array | undefined;
  };
  const encoder: Encoder = p.encoder;
  const out = await encoder.forward(
    { inputIds: ids.data as Int32Array, attentionMask: same('attention_mask'), tokenTypeIds: same('token_type_ids'), batch, seqLen },
    { pooled: true },
  );
  const H = encoder.shape.hidden;
  const tensors: Record<string, OutTensor> = { last_hidden_state: { data: out.lastHiddenState, shape: [batch, seqLen, H] } };
  if (out.pooled) tensors.pooler_output = { data: out.pooled, shape: [batch, H] };
  return { result: {}, tensors };
}

function loadTokenizer(args: Args): Reply {
  const options = { granularity: optional<'wordpiece' | 'char' | 'word'>(args.granularity) };
  let tokenizer: Tokenizer;
  if (typeof args.model_dir === 'string') tokenizer = tokenizerForModel(args.model_dir, options);
  else if (typeof args.path === 'string') tokenizer = Tokenizer.fromFile(args.path, options);
  else return invalidArgument('path', 'a tokenizer.json or vocab.txt path (or model_dir)', args.path);
  const maxLength = optional<number>(args.max_length);
  if (maxLength !== undefined) {
    tokenizer.encode('', undefined, { maxLength }); // checks it now rather than at the first batch
    defaultMaxLength.set(tokenizer, maxLength);
  }
  const handle = nextHandle++;
  objects.set(handle, tokenizer);
  return { result: { handle } };
}

function encodeBatch(args: Args): Reply {
  const tokenizer = tokenizerOf(args);
  if (!Array.isArray(args.inputs)) invalidArgument('inputs', 'a list of strings or [a, b] pairs', args.inputs);
  const inputs = args.inputs as BatchInput[];
  const enc = tokenizer.encodeBatch(inputs, { maxLength: optional<number>(args.max_length) ?? defaultMaxLength.get(tokenizer) });
  const shape = [enc.batchSize, enc.seqLen];
  return {
    // tokens (without padding) only when asked: building them costs more than the ids
    result: { tokens: args.tokens === true ? enc.encodings.map((e) => e.tokens.filter((_, t) => e.attentionMask[t] === 1)) : undefined },
    tensors: {
      input_ids: { data: enc.ids, shape },
      token_type_ids: { data: enc.typeIds, shape },
      attention_mask: { data: enc.attentionMask, shape },
    },
  };
}

function convertModel(args: Args): Reply {
  for (const name of ['from', 'to']) if (typeof args[name] !== 'string') invalidArgument(name, 'a path string', args[name]);
  const r = convert({
    from: args.from as string,
    to: args.to as string,
    format: optional(args.format),
    dtype: optional(args.dtype),
    onnx: args.onnx === true,
    onnxInt8: optional(args.onnx_int8),
    config: optional(args.config),
    vocab: optional(args.vocab),
    overwrite: args.overwrite === true,
  });
  return { result: convertSummary(r) };
}

function close(args: Args): Reply {
  const found = objects.get(args.handle as number);
  if (found instanceof Pipeline) found.dispose();
  objects.delete(args.handle as number);
  return { result: { closed: found !== undefined } };
}

/** Runs one request. Throws SampErrors for bad requests. */
export async function handle(frame: Frame): Promise<Reply> {
  const op = frame.header.op;
  const args = (frame.header.args ?? {}) as Args;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) invalidArgument('args', 'an object', args);
  switch (op) {
    case 'hello':
      return { result: { node: process.version, pid: process.pid, devices: listDevices().map((d) => ({ name: d.name, kind: d.kind })) } };
    case 'pipeline.load':
      return loadPipeline(args);
    case 'pipeline.run':
      return run(args);
    case 'pipeline.embed':
      return embed(args);
    case 'pipeline.encode':
      return encode(args, frame);
    case 'tokenizer.load':
      return loadTokenizer(args);
    case 'tokenizer.encode_batch':
      return encodeBatch(args);
    case 'convert':
      return convertModel(args);
    case 'close':
      return close(args);
    default:
      throw new SampError(SampErrorCode.InvalidArgument, `Unknown op ${JSON.stringify(op)}`);
  }
}

/** Disposes everything still open (the driver is going away). */
export function closeAll(): void {
  for (const o of objects.values()) if (o instanceof Pipeline) o.dispose();
  objects.clear();
}
