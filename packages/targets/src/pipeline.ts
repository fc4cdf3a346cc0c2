// Pipeline: text in, result out. Tokenizer, encoder and head of one model directory, run in batches.
import { existsSync } from 'node:fs';
import { Encoder, type PrecisionOption } from '@samp/encoder';
import { type Device, type DeviceSpec, type EncoderOutputs, SampError, SampErrorCode, invalidArgument } from '@samp/kernels-cuda';
import type { BatchEncoding, BatchInput, Granularity, Tokenizer } from '@samp/tokenizer';
import { type Similarity, pairSimilarities } from './bi-encoder.js';
import { type Classification, SequenceClassifier } from './sequence-classifier.js';
import type { Target } from './target.js';
import { type Embedding, type Pooling, SentenceEmbedder } from './sentence-embedder.js';
import { type Tagging, TokenClassifier } from './token-classifier.js';
import { tokenizerForModel } from './tokenizer-for-model.js';

/** Tasks of the pipeline: `classify` one text, `match` a pair of texts (a cross-encoder classifier, or a
 * bi-encoder's cosine similarity), `tag`
 * the entities of a text (token classification), `embed` a text into one vector. */
export type PipelineTask = 'classify' | 'match' | 'tag' | 'embed';

/** An input: `{ text }` for classify, tag and embed, `{ text_a, text_b }` for match. */
export type PipelineInput = { text: string } | { text_a: string; text_b: string };

/** The result of one input, by task (or whatever a custom target returns). */
export type PipelineResult = Classification | Tagging | Embedding | Similarity;

/** How `match` compares two texts: `cross-encoder` runs `[CLS] a [SEP] b [SEP]` through the model's classifier
 * head (label and scores); `bi-encoder` embeds each text alone and gives their cosine similarity (`score`). */
export type Matching = 'cross-encoder' | 'bi-encoder';

export interface PipelineOptions {
  task: PipelineTask;
  device?: DeviceSpec | Device;
  precision?: PrecisionOption;
  /** A per-layer plan (e.g. `{ default: 'fp16', layers: { 11: 'fp32' } }`, or one from `readPlanFile`); give
   * `precision` or `plan`, not both. */
  plan?: PrecisionOption;
  /** Tokens per input, special tokens included (default: tokenizer.json's truncation, else the position table). */
  maxLength?: number;
  /** Inputs per forward (default 32). */
  batchSize?: number;
  /** Tokenization granularity (default `wordpiece`; the shared cluener model is `char`). */
  granularity?: Granularity;
  /** For `match`: `cross-encoder` (default) or `bi-encoder`. */
  matching?: Matching;
  /** For `embed` and bi-encoder `match`: `mean` over the attention mask (default) or `cls`. */
  pooling?: Pooling;
  /** For `embed` and bi-encoder `match`: L2-normalise the vectors (default false). */
  normalize?: boolean;
  /** A custom head used instead of the task's built-in one; the task then only says how inputs look. */
  target?: Target<unknown>;
}

/** Checks one input against the task and turns it into the tokenizer's form. */
export function toBatchInput(task: PipelineTask, input: unknown): BatchInput {
  const o = input as Record<string, unknown> | null;
  if (task !== 'match') {
    if (typeof o !== 'object' || o === null || typeof o.text !== 'string') invalidArgument('input', 'an object { "text": string }', input);
    return o.text;
  }
  if (typeof o !== 'object' || o === null || typeof o.text_a !== 'string' || typeof o.text_b !== 'string') {
    invalidArgument('input', 'an object { "text_a": string, "text_b": string }', input);
  }
  return [o.text_a, o.text_b];
}

/** A task that needs a head the checkpoint's `architectures` says it lacks is a clear error. */
function checkArchitecture(task: PipelineTask, architectures: readonly string[], dir: string): void {
  if (architectures.length === 0) return;
  const token = architectures.some((a) => a.endsWith('ForTokenClassification'));
  const sequence = architectures.some((a) => a.endsWith('ForSequenceClassification'));
  const want = task === 'tag' ? token : sequence;
  if (!want) {
    const needs = task === 'tag' ? 'a token-classification head (BertForTokenClassification)' : 'a sequence-classification head (BertForSequenceClassification)';
    const hint = task === 'match' ? ' (for a plain encoder, match with the bi-encoder: matching "bi-encoder")' : '';
    throw new SampError(
      SampErrorCode.ModelFormat,
      `--task ${task} needs ${needs}, but ${dir}/config.json says architectures: ${architectures.join(', ')}${hint}`,
    );
  }
}

/** A batch tokenized and queued on the encoder. */
interface Launched {
  rows: readonly BatchInput[];
  encodings: BatchEncoding;
  outputs: Promise<EncoderOutputs>;
  head: Target<PipelineResult>;
  /** Whether rows are bi-encoder pairs laid out [a0, b0, a1, b1, ...]. */
  pairs: boolean;
}

export class Pipeline {
  readonly task: PipelineTask;
  readonly encoder: Encoder;
  readonly tokenizer: Tokenizer;
  readonly head: Target<PipelineResult>;
  readonly maxLength: number;
  readonly batchSize: number;
  /** Whether `match` runs as a bi-encoder (each text embedded alone, cosine similarity). */
  readonly biEncoder: boolean;

  private constructor(task: PipelineTask, encoder: Encoder, tokenizer: Tokenizer, head: Target<PipelineResult>, maxLength: number, batchSize: number, biEncoder: boolean) {
    this.task = task;
    this.biEncoder = biEncoder;
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    this.head = head;
    this.maxLength = maxLength;
    this.batchSize = batchSize;
  }

  static async load(dir: string, options: PipelineOptions): Promise<Pipeline> {
    if (!['classify', 'match', 'tag', 'embed'].includes(options.task)) {
      invalidArgument('task', '"classify", "match", "tag" or "embed"', options.task);
    }
    const matching = options.matching ?? 'cross-encoder';
    if (matching !== 'cross-encoder' && matching !== 'bi-encoder') invalidArgument('matching', '"cross-encoder" or "bi-encoder"', matching);
    const biEncoder = options.task === 'match' && matching === 'bi-encoder';
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) invalidArgument('batchSize', 'a positive integer', batchSize);
    if (options.plan !== undefined && options.precision !== undefined) {
      throw new SampError(SampErrorCode.InvalidArgument, 'Give precision or plan, not both (a plan sets every layer\'s precision)');
    }
    if (!existsSync(dir)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${dir} does not exist`);
    const tokenizer = tokenizerForModel(dir, { granularity: options.granularity });
    const encoder = await Encoder.load(dir, { device: options.device, precision: options.plan ?? options.precision });
    try {
      const config = encoder.config!;
      const limit = config.maxPositionEmbeddings;
      const maxLength = options.maxLength ?? Math.min(tokenizer.config.truncation?.maxLength ?? limit, limit);
      if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength > limit) {
        invalidArgument('maxLength', `an integer in [2, ${limit}] (the model's max_position_embeddings)`, maxLength);
      }
      const embeds = options.task === 'embed' || biEncoder;
      if (!options.target && !embeds) checkArchitecture(options.task, config.architectures, dir);
      const head: Target<PipelineResult> =
        options.target ? (options.target as Target<PipelineResult>)
        : embeds ? new SentenceEmbedder({ pooling: options.pooling, normalize: options.normalize })
        : options.task === 'tag' ? TokenClassifier.fromCheckpoint(dir, config)
        : SequenceClassifier.fromCheckpoint(dir, config);
      return new Pipeline(options.task, encoder, tokenizer, head, maxLength, batchSize, biEncoder);
    } catch (error) {
      encoder.dispose();
      throw error;
    }
  }

  /** Results for the inputs, in order. Invalid inputs throw SAMP_INVALID_ARGUMENT (see {@link toBatchInput}). */
  async run(inputs: readonly PipelineInput[]): Promise<PipelineResult[]> {
    return this.runChecked(inputs.map((input) => toBatchInput(this.task, input)));
  }

  /** Results for already-checked inputs, in order. Inputs are sorted by length into batches (less padding), and
   * the results put back in input order. The next batch is tokenized and queued while the current one runs, and
   * a batch's head runs while the next one is in the encoder. */
  async runChecked(inputs: readonly BatchInput[]): Promise<PipelineResult[]> {
    return this.#runBatches(inputs, this.head);
  }

  /** Sentence embeddings of texts from this pipeline's encoder, whatever its task: [texts.length, hidden]
   * row-major (`pooling` default `mean`, `normalize` default false). */
  async embed(texts: readonly string[], options: { pooling?: Pooling; normalize?: boolean } = {}): Promise<Float32Array> {
    texts.forEach((t, i) => typeof t !== 'string' && invalidArgument(`texts[${i}]`, 'a string', t));
    const results = (await this.#runBatches(texts, new SentenceEmbedder(options))) as Embedding[];
    const H = this.encoder.shape.hidden;
    const out = new Float32Array(texts.length * H);
    results.forEach((r, i) => out.set(r.embedding, i * H));
    return out;
  }

  async #runBatches(inputs: readonly BatchInput[], head: Target<PipelineResult>): Promise<PipelineResult[]> {
    const size = (x: BatchInput) => (typeof x === 'string' ? x.length : x[0].length + x[1].length);
    const order = inputs.map((_, i) => i).sort((a, b) => size(inputs[a]!) - size(inputs[b]!));
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += this.batchSize) batches.push(order.slice(i, i + this.batchSize));
    const results = new Array<PipelineResult>(inputs.length);
    let next = batches.length > 0 ? this.#launch(batches[0]!.map((j) => inputs[j]!), head) : undefined;
    try {
      for (let b = 0; b < batches.length; b++) {
        const current = next!;
        next = b + 1 < batches.length ? this.#launch(batches[b + 1]!.map((j) => inputs[j]!), head) : undefined;
        const out = await this.#finish(current);
        batches[b]!.forEach((j, k) => (results[j] = out[k]!));
      }
    } catch (error) {
      next?.outputs.catch(() => undefined); // the queued batch's failure, if any, is not this one's
      throw error;
    }
    return results;
  }

  /** Results of an (async) iterable of inputs, in order, as they are ready. Reads `window` batches ahead and
   * sorts each window by length. An invalid input ends the stream with its SAMP_INVALID_ARGUMENT. */
  async *stream(inputs: AsyncIterable<PipelineInput> | Iterable<PipelineInput>, window = 8): AsyncGenerator<PipelineResult> {
    let pending: BatchInput[] = [];
    for await (const input of inputs) {
      pending.push(toBatchInput(this.task, input));
      if (pending.length >= this.batchSize * window) {
        yield* await this.runChecked(pending);
        pending = [];
      }
    }
    if (pending.length > 0) yield* await this.runChecked(pending);
  }

  /** One forward over already-checked inputs (at most batchSize of them). */
  async runTokenized(inputs: readonly BatchInput[]): Promise<PipelineResult[]> {
    if (inputs.length === 0) return [];
    return this.#finish(this.#launch(inputs, this.head));
  }

  /** Tokenizes a batch and queues its forward (on a worker thread). */
  #launch(inputs: readonly BatchInput[], head: Target<PipelineResult>): Launched {
    if (inputs.length > this.batchSize) {
      throw new SampError(SampErrorCode.InvalidArgument, `Expected at most ${this.batchSize} inputs per batch but received ${inputs.length}`);
    }
    // a bi-encoder embeds both texts of each pair alone: [a0, b0, a1, b1, ...]
    const pairs = this.biEncoder && head === this.head;
    const rows = pairs ? inputs.flatMap((x) => (typeof x === 'string' ? [x, x] : [x[0], x[1]])) : inputs;
    const encodings = this.tokenizer.encodeBatch(rows, { maxLength: this.maxLength });
    const outputs = this.encoder.forward(
      { inputIds: encodings.ids, tokenTypeIds: encodings.typeIds, attentionMask: encodings.attentionMask, batch: encodings.batchSize, seqLen: encodings.seqLen },
      { pooled: head.needsPooled },
    );
    return { rows, encodings, outputs, head, pairs };
  }

  /** Waits for a launched batch and runs the head on it. */
  async #finish({ rows, encodings, outputs, head, pairs }: Launched): Promise<PipelineResult[]> {
    const results = head.decode(await outputs, { encodings, texts: rows.map((x) => (typeof x === 'string' ? x : x[0])) });
    return pairs ? pairSimilarities(results as Embedding[]) : results;
  }

  dispose(): void {
    this.encoder.dispose();
  }
}

/** `pipeline(task, dir, options)`: the same as `Pipeline.load(dir, { task, ...options })`. */
export function pipeline(task: PipelineTask, dir: string, options: Omit<PipelineOptions, 'task'> = {}): Promise<Pipeline> {
  return Pipeline.load(dir, { ...options, task });
}
