// TokenizerPool: encodes large batches on worker threads, in order, with bounded work in flight.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchEncoding } from './encoding.js';
import { invalidArgument, SampError, SampErrorCode } from './errors.js';
import type { EncodingArrays } from './internal/assemble.js';
import { assembleBatch } from './internal/batch.js';
import { type PackedRows, unpackRows } from './internal/rows.js';
import type { EncodeOptions } from './options.js';
import type { BatchInput, Tokenizer } from './tokenizer.js';

/** Options of {@link TokenizerPool}. */
export interface TokenizerPoolOptions {
  /** Worker threads (default: the number of cores). */
  threads?: number;
  /** Inputs per message to a worker (default 256). */
  chunkSize?: number;
  /** Chunks queued or running at most; `encodeStream` stops reading its source beyond this (default 4 per thread). */
  maxInFlight?: number;
}

interface Pending {
  resolve: (rows: EncodingArrays[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

function workerUrl(): URL {
  const here = new URL('./pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Running from the TypeScript sources (tests, development): use the built worker.
  return new URL('../dist/pool-worker.js', import.meta.url);
}

/**
 * A pool of worker threads that each hold a copy of the tokenizer. Output is identical to
 * `tokenizer.encodeBatch` and in input order.
 */
export class TokenizerPool {
  private readonly tokenizer: Tokenizer;
  private readonly slots: Slot[];
  private readonly chunkSize: number;
  private readonly maxInFlight: number;
  private readonly queue: { seq: number; inputs: BatchInput[]; options: EncodeOptions | undefined }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly running = new Map<Worker, number>();
  private seq = 0;
  private closed = false;

  constructor(tokenizer: Tokenizer, options: TokenizerPoolOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) invalidArgument('threads', 'positive integer', threads);
    this.chunkSize = options.chunkSize ?? 256;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) invalidArgument('chunkSize', 'positive integer', this.chunkSize);
    this.maxInFlight = options.maxInFlight ?? threads * 4;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) invalidArgument('maxInFlight', 'positive integer', this.maxInFlight);
    const { wordSegmenter, ...loadOptions } = tokenizer.loadOptions;
    if (wordSegmenter !== undefined) {
      throw new SampError(
        SampErrorCode.InvalidArgument,
        'A tokenizer with a wordSegmenter function cannot be shared with worker threads; pass wordDictionary instead.',
      );
    }
    if (loadOptions.wordDictionary !== undefined) loadOptions.wordDictionary = [...loadOptions.wordDictionary];
    this.tokenizer = tokenizer;
    const url = workerUrl();
    this.slots = Array.from({ length: threads }, () => {
      const worker = new Worker(url, { workerData: { source: tokenizer.source, options: loadOptions } });
      worker.on('message', (msg: { seq: number; packed?: PackedRows; error?: { code?: string; message: string } }) =>
        this.onMessage(worker, msg),
      );
      worker.on('error', (error) => this.onWorkerFailure(worker, error));
      worker.on('exit', (code) => {
        if (!this.closed) this.onWorkerFailure(worker, new Error(`worker exited with code ${code}`));
      });
      worker.unref();
      return { worker, busy: false };
    });
  }

  /** Number of worker threads. */
  get threads(): number {
    return this.slots.length;
  }

  private submit(inputs: BatchInput[], options: EncodeOptions | undefined): Promise<EncodingArrays[]> {
    if (this.closed) return Promise.reject(new SampError(SampErrorCode.Disposed, 'The TokenizerPool is closed'));
    const seq = this.seq++;
    const promise = new Promise<EncodingArrays[]>((resolve, reject) => this.pending.set(seq, { resolve, reject }));
    this.queue.push({ seq, inputs, options });
    this.dispatch();
    return promise;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.busy = true;
      this.running.set(slot.worker, job.seq);
      slot.worker.ref();
      slot.worker.postMessage(job);
    }
  }

  private settle(worker: Worker): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (slot) slot.busy = false;
    this.running.delete(worker);
    worker.unref();
    this.dispatch();
  }

  private onMessage(worker: Worker, msg: { seq: number; packed?: PackedRows; error?: { code?: string; message: string } }): void {
    const p = this.pending.get(msg.seq);
    this.pending.delete(msg.seq);
    this.settle(worker);
    if (!p) return;
    if (msg.packed) p.resolve(unpackRows(msg.packed));
    else {
      const code = (msg.error?.code as SampErrorCode | undefined) ?? SampErrorCode.WorkerFailed;
      p.reject(new SampError(code, msg.error?.message ?? 'tokenizer worker failed'));
    }
  }

  private onWorkerFailure(worker: Worker, error: Error): void {
    const seq = this.running.get(worker);
    this.settle(worker);
    if (seq === undefined) return;
    const p = this.pending.get(seq);
    this.pending.delete(seq);
    p?.reject(new SampError(SampErrorCode.WorkerFailed, `A tokenizer worker failed: ${error.message}`, { cause: error }));
  }

  /** Encodes `inputs` across the workers; same result as `tokenizer.encodeBatch(inputs, options)`. */
  async encodeBatch(inputs: readonly BatchInput[], options?: EncodeOptions): Promise<BatchEncoding> {
    if (!Array.isArray(inputs)) invalidArgument('inputs', 'an array of strings or [text, pair] tuples', inputs);
    const padding = this.tokenizer.batchPadding(options);
    const chunks: Promise<EncodingArrays[]>[] = [];
    for (let i = 0; i < inputs.length; i += this.chunkSize) chunks.push(this.submit(inputs.slice(i, i + this.chunkSize), options));
    const rows = (await Promise.all(chunks)).flat();
    return assembleBatch(rows, padding, this.tokenizer.idToToken);
  }

  /**
   * Encodes a stream of inputs in chunks of `chunkSize`, yielding one padded BatchEncoding per chunk, in order.
   * At most `maxInFlight` chunks are read ahead of the consumer.
   */
  async *encodeStream(inputs: AsyncIterable<BatchInput> | Iterable<BatchInput>, options?: EncodeOptions): AsyncGenerator<BatchEncoding> {
    const padding = this.tokenizer.batchPadding(options);
    const inFlight: Promise<EncodingArrays[]>[] = [];
    let chunk: BatchInput[] = [];
    for await (const input of inputs) {
      chunk.push(input);
      if (chunk.length < this.chunkSize) continue;
      inFlight.push(this.submit(chunk, options));
      chunk = [];
      if (inFlight.length >= this.maxInFlight) yield assembleBatch(await inFlight.shift()!, padding, this.tokenizer.idToToken);
    }
    if (chunk.length > 0) inFlight.push(this.submit(chunk, options));
    while (inFlight.length > 0) yield assembleBatch(await inFlight.shift()!, padding, this.tokenizer.idToToken);
  }

  /** Stops the workers; pending work is rejected with `SAMP_DISPOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [seq, p] of this.pending) p.reject(new SampError(SampErrorCode.Disposed, `The TokenizerPool was closed before chunk ${seq} finished`));
    this.pending.clear();
    this.queue.length = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
