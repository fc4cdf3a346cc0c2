// TokenizerPool gives exactly the single-thread output, in order, with bounded read-ahead.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type BatchInput, SampError, Tokenizer, TokenizerPool } from '../src/index.js';
import { sharedPath } from './shared.js';

const tk = Tokenizer.fromFile(sharedPath('models/chnsenticorp/tokenizer.json'));
const lines = readFileSync(sharedPath('data/corpus/zh-reviews.txt'), 'utf8').split('\n').slice(0, 3000);
const pool = new TokenizerPool(tk, { threads: 2, chunkSize: 100 });
afterAll(() => pool.close());

describe('TokenizerPool', () => {
  it('encodeBatch equals Tokenizer.encodeBatch, for texts and pairs', async () => {
    const inputs: BatchInput[] = lines.map((l, i) => (i % 3 === 0 ? [l, lines[i + 1] ?? ''] : l));
    for (const options of [undefined, { granularity: 'char' as const, maxLength: 64 }]) {
      const expected = tk.encodeBatch(inputs, options);
      const got = await pool.encodeBatch(inputs, options);
      expect(got.seqLen).toBe(expected.seqLen);
      expect(Buffer.from(got.ids.buffer).equals(Buffer.from(expected.ids.buffer))).toBe(true);
      expect(Buffer.from(got.typeIds.buffer).equals(Buffer.from(expected.typeIds.buffer))).toBe(true);
      expect(Buffer.from(got.attentionMask.buffer).equals(Buffer.from(expected.attentionMask.buffer))).toBe(true);
      expect(got.encodings[17]!.offsets).toEqual(expected.encodings[17]!.offsets);
    }
  });

  it('encodeStream yields ordered chunks and reads ahead at most maxInFlight chunks', async () => {
    const small = new TokenizerPool(tk, { threads: 2, chunkSize: 50, maxInFlight: 3 });
    let pulled = 0;
    async function* source() {
      for (const l of lines.slice(0, 1000)) {
        pulled++;
        yield l;
      }
    }
    const seen: number[] = [];
    let offset = 0;
    for await (const batch of small.encodeStream(source())) {
      // Consumer is slow: the producer must not run ahead beyond the in-flight bound.
      expect(pulled - offset).toBeLessThanOrEqual(50 * 4);
      const expected = tk.encodeBatch(lines.slice(offset, offset + batch.batchSize));
      expect(Array.from(batch.ids)).toEqual(Array.from(expected.ids));
      seen.push(batch.batchSize);
      offset += batch.batchSize;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(offset).toBe(1000);
    expect(seen.every((n) => n === 50)).toBe(true);
    await small.close();
  });

  it('rejects work after close, and bad input with the tokenizer codes', async () => {
    const p = new TokenizerPool(tk, { threads: 1 });
    await expect(p.encodeBatch([3 as unknown as string])).rejects.toMatchObject({ code: 'SAMP_INVALID_ARGUMENT' });
    await p.close();
    await expect(p.encodeBatch(['好'])).rejects.toBeInstanceOf(SampError);
    await expect(p.encodeBatch(['好'])).rejects.toMatchObject({ code: 'SAMP_DISPOSED' });
    expect(() => new TokenizerPool(tk, { threads: 0 })).toThrow(SampError);
  });
});

describe('TokenizerPool when a worker dies', () => {
  it('fails the work of that worker with SAMP_WORKER_FAILED, then keeps working with a new worker', async () => {
    const p = new TokenizerPool(tk, { threads: 1, chunkSize: 10 });
    const internals = p as unknown as { slots: { worker: { terminate(): Promise<number> } }[] };
    const pending = p.encodeBatch(lines.slice(0, 2000));
    await internals.slots[0]!.worker.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'SAMP_WORKER_FAILED' });
    const again = await p.encodeBatch(lines.slice(0, 50));
    expect(Array.from(again.ids)).toEqual(Array.from(tk.encodeBatch(lines.slice(0, 50)).ids));
    await p.close();
  });
});
