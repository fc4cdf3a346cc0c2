// TokenizerPool: encodes large batches on worker threads, in order, with bounded work in flight.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchEncoding } from './encoding.js';
import { invalidArgument, SampError, SampErrorCode } from './errors.js';
import { allocateMatrices, batchEncoding, batchSeqLen } from './internal/batch.js';
import type { PoolJob, PoolReply } from './internal/pool-protocol.js';
import type { EncodeOptions } from './options.js';
import type { BatchInput, Tokenizer, TokenizerOptions } from './tokenizer.js';

/** Options of {@link TokenizerPool}. */
export interface TokenizerPoolOptions {
  /** Worker threads (default: the number of cores). */
  threads?: number;
  /** Inputs per message to a worker (default 512). */
  chunkSize?: number;
  /** Chunks queued or running at most in `encodeStream`: it stops reading its source beyond this (default 2 per thread). */
  maxInFlight?: number;
}

interface Request {
  job: PoolJob;
  resolve: (reply: PoolReply) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs that must run on this worker (it holds their rows). */
  queue: Request[];
  /** Jobs posted to the worker, oldest first; replies come back in this order. */
  posted: Request[];
}

/** Jobs posted to one worker ahead of its replies, so it never waits for the main thread. */
const PIPELINE_DEPTH = 2;

function workerUrl(): URL {
  const here = new URL('./pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Running from the TypeScript sources (tests, development): use the built worker.
  return new URL('../dist/pool-worker.js', import.meta.url);
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalidArgument(name, 'positive integer', value);
  return value;
}

/**
 * A pool of worker threads that each hold a copy of the tokenizer. Output is identical to
 * `tokenizer.encodeBatch` and in input order; batch matrices are written by the workers into shared memory.
 */
export class TokenizerPool {
  private readonly tokenizer: Tokenizer;
  private readonly slots: Slot[];
  private readonly chunkSize: number;
  private readonly maxInFlight: number;
  private readonly shared: Request[] = [];
  private readonly workerData: { source: Tokenizer['source']; options: TokenizerOptions };
  private nextId = 0;
  private closed = false;

  constructor(tokenizer: Tokenizer, options: TokenizerPoolOptions = {}) {
    const threads = positive('threads', options.threads ?? availableParallelism());
    this.chunkSize = positive('chunkSize', options.chunkSize ?? 512);
    this.maxInFlight = positive('maxInFlight', options.maxInFlight ?? threads * 2);
    const { wordSegmenter, ...loadOptions } = tokenizer.loadOptions;
    if (wordSegmenter !== undefined) {
      throw new SampError(
        SampErrorCode.InvalidArgument,
        'A tokenizer with a wordSegmenter function cannot be shared with worker threads; pass wordDictionary instead.',
      );
    }
    if (loadOptions.wordDictionary !== undefined) loadOptions.wordDictionary = [...loadOptions.wordDictionary];
    this.tokenizer = tokenizer;
    this.workerData = { source: tokenizer.source, options: loadOptions };
    this.slots = Array.from({ length: threads }, () => ({ worker: this.spawn(), queue: [], posted: [] }));
  }

  /** Number of worker threads. */
  get threads(): number {
    return this.slots.length;
  }

  private spawn(): Worker {
    const worker = new Worker(workerUrl(), { workerData: this.workerData });
    worker.on('message', (reply: PoolReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onWorkerDeath(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerDeath(worker, new Error(`worker exited with code ${code}`));
    });
    worker.unref();
    return worker;
  }

  /** Runs `job` on the given slot, or on whichever worker is free first. */
  private request(job: PoolJob, slot?: Slot): Promise<PoolReply & { slot: Slot }> {
    if (this.closed) return Promise.reject(new SampError(SampErrorCode.Disposed, 'The TokenizerPool is closed'));
    return new Promise((resolve, reject) => {
      const r: Request = { job, resolve: resolve as Request['resolve'], reject };
      (slot ? slot.queue : this.shared).push(r);
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      while (slot.posted.length < PIPELINE_DEPTH) {
        const next = slot.queue.shift() ?? this.shared.shift();
        if (!next) break;
        slot.posted.push(next);
        if (slot.posted.length === 1) slot.worker.ref();
        slot.worker.postMessage(next.job);
      }
    }
  }

  private onReply(worker: Worker, reply: PoolReply): void {
    const slot = this.slots.find((s) => s.worker === worker);
    const r = slot?.posted.shift();
    if (!slot || !r) return;
    if (slot.posted.length === 0) worker.unref();
    this.dispatch();
    if (reply.error) {
      const code = (reply.error.code as SampErrorCode | undefined) ?? SampErrorCode.WorkerFailed;
      r.reject(new SampError(code, reply.error.message));
    } else {
      (r.resolve as (v: PoolReply & { slot: Slot }) => void)({ ...reply, slot });
    }
  }

  private onWorkerDeath(worker: Worker, error: Error): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (!slot || this.closed) return;
    const failed = new SampError(SampErrorCode.WorkerFailed, `A tokenizer worker failed: ${error.message}`, { cause: error });
    const lost = [...slot.posted, ...slot.queue];
    slot.posted = [];
    slot.queue = [];
    void worker.terminate();
    slot.worker = this.spawn(); // the pool keeps working; only the work tied to the dead worker fails
    for (const r of lost) r.reject(failed);
    this.dispatch();
  }

  private encodeJob(inputs: BatchInput[], options: EncodeOptions | undefined, keep: boolean): PoolJob {
    return { kind: 'encode', id: this.nextId++, inputs, options, keep };
  }

  /** Encodes `inputs` across the workers; same result as `tokenizer.encodeBatch(inputs, options)`. */
  async encodeBatch(inputs: readonly BatchInput[], options?: EncodeOptions): Promise<BatchEncoding> {
    if (!Array.isArray(inputs)) invalidArgument('inputs', 'an array of strings or [text, pair] tuples', inputs);
    const padding = this.tokenizer.batchPadding(options);
    // As many chunks as fit chunkSize, rounded up to a multiple of the threads so the work splits evenly.
    const rounds = Math.max(1, Math.ceil(inputs.length / (this.slots.length * this.chunkSize)));
    const size = Math.max(1, Math.ceil(inputs.length / (rounds * this.slots.length)));
    const jobs: Promise<PoolReply & { slot: Slot }>[] = [];
    for (let i = 0; i < inputs.length || i === 0; i += size) {
      jobs.push(this.request(this.encodeJob(inputs.slice(i, i + size), options, true)));
    }
    const settled = await Promise.allSettled(jobs);
    const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) {
      for (const d of done) void this.request({ kind: 'drop', id: d.id }, d.slot).catch(() => undefined);
      throw (failure as PromiseRejectedResult).reason;
    }
    // Phase two: every worker writes its own rows into shared matrices.
    const seqLen = batchSeqLen(done.flatMap((d) => Array.from(d.lengths!)), padding);
    const matrices = allocateMatrices(inputs.length, seqLen, true);
    let firstRow = 0;
    const fills = done.map((d) => {
      const job: PoolJob = { kind: 'fill', id: d.id, matrices, firstRow, seqLen, padding };
      firstRow += d.lengths!.length;
      return this.request(job, d.slot);
    });
    const packed = (await Promise.all(fills)).map((f) => f.packed!);
    return batchEncoding(matrices, packed, seqLen, padding, this.tokenizer.idToToken);
  }

  /**
   * Encodes a stream of inputs in chunks of `chunkSize`, yielding one padded BatchEncoding per chunk, in order.
   * At most `maxInFlight` chunks are read ahead of the consumer.
   */
  async *encodeStream(inputs: AsyncIterable<BatchInput> | Iterable<BatchInput>, options?: EncodeOptions): AsyncGenerator<BatchEncoding> {
    const padding = this.tokenizer.batchPadding(options);
    const inFlight: Promise<PoolReply>[] = [];
    const finish = async (p: Promise<PoolReply>): Promise<BatchEncoding> => {
      const r = await p;
      return batchEncoding(r.matrices!, [r.packed!], r.seqLen!, padding, this.tokenizer.idToToken);
    };
    let chunk: BatchInput[] = [];
    for await (const input of inputs) {
      chunk.push(input);
      if (chunk.length < this.chunkSize) continue;
      inFlight.push(this.request(this.encodeJob(chunk, options, false)));
      chunk = [];
      if (inFlight.length >= this.maxInFlight) yield await finish(inFlight.shift()!);
    }
    if (chunk.length > 0) inFlight.push(this.request(this.encodeJob(chunk, options, false)));
    while (inFlight.length > 0) yield await finish(inFlight.shift()!);
  }

  /** Stops the workers; pending work is rejected with `SAMP_DISPOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const disposed = new SampError(SampErrorCode.Disposed, 'The TokenizerPool was closed before the work finished');
    for (const slot of this.slots) {
      for (const r of [...slot.posted, ...slot.queue]) r.reject(disposed);
      slot.queue = [];
      slot.posted = [];
    }
    for (const r of this.shared.splice(0)) r.reject(disposed);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
