// The classification head on the encoder's real outputs against PyTorch's logits (encoder fixtures), and the
// Pipeline's own checks.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Encoder } from '@samp/encoder';
import { SequenceClassifier, softmaxInPlace, toBatchInput } from '../src/index.js';

const root = resolve(import.meta.dirname, '../../..');
const shared = process.env.SAMP_SHARED ?? resolve(root, '../shared');
const hasShared = existsSync(join(shared, 'models'));

const f32 = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(new Uint8Array(b).buffer);
};

describe.skipIf(!hasShared)('SequenceClassifier against PyTorch', () => {
  for (const name of ['chnsenticorp', 'lcqmc']) {
    it(`${name}: probabilities equal softmax(PyTorch logits) within 1e-4`, async () => {
      const dir = join(shared, 'models', name);
      const fixture = JSON.parse(gunzipSync(readFileSync(join(root, 'packages/encoder/fixtures', `${name}.json.gz`))).toString()) as {
        cases: { ids: number[]; types: number[]; logits: string }[];
      };
      const enc = await Encoder.load(dir, { device: 'cpu' });
      const head = SequenceClassifier.fromCheckpoint(dir, enc.config!);
      expect(head.labels).toEqual(name === 'lcqmc' ? ['different', 'same'] : ['negative', 'positive']);
      for (const c of fixture.cases.slice(0, 40)) {
        const n = c.ids.length;
        const out = await enc.forward({ inputIds: Int32Array.from(c.ids), tokenTypeIds: Int32Array.from(c.types), batch: 1, seqLen: n });
        const [r] = head.decode(out);
        const expected = Float64Array.from(f32(c.logits));
        softmaxInPlace(expected);
        r!.scores.forEach((s, i) => expect(Math.abs(s - expected[i]!)).toBeLessThanOrEqual(1e-4));
        expect(r!.labelId).toBe(expected[1]! > expected[0]! ? 1 : 0);
      }
      enc.dispose();
    });
  }
});

describe('inputs of the pipeline', () => {
  it('classify takes { text }, match takes { text_a, text_b }', () => {
    expect(toBatchInput('classify', { text: 'a' })).toBe('a');
    expect(toBatchInput('match', { text_a: 'a', text_b: 'b' })).toEqual(['a', 'b']);
    expect(() => toBatchInput('classify', { text_a: 'a' })).toThrow(/Expected an object \{ "text": string \}/);
    expect(() => toBatchInput('match', { text: 'a' })).toThrow(/text_a/);
    expect(() => toBatchInput('classify', null)).toThrow(expect.objectContaining({ code: 'SAMP_INVALID_ARGUMENT' }));
  });

  it('softmax is stable for large logits', () => {
    const x = Float64Array.from([1000, 1001]);
    softmaxInPlace(x);
    expect(x[0]! + x[1]!).toBeCloseTo(1, 12);
    expect(x[1]).toBeGreaterThan(x[0]!);
  });
});

describe.skipIf(!hasShared)('heads must match the checkpoint', () => {
  it('a task whose head the model lacks is a SAMP_MODEL_FORMAT error naming both', async () => {
    const { Pipeline } = await import('../src/index.js');
    await expect(Pipeline.load(join(shared, 'models', 'chnsenticorp'), { task: 'tag', device: 'cpu' })).rejects.toThrow(
      /--task tag needs a token-classification head .* BertForSequenceClassification/,
    );
    await expect(Pipeline.load(join(shared, 'models', 'cluener'), { task: 'classify', device: 'cpu' })).rejects.toMatchObject({
      code: 'SAMP_MODEL_FORMAT',
    });
  });
});

describe.skipIf(!hasShared)('pipeline() and stream()', () => {
  it('stream gives the results of run, in input order, from an async iterable', async () => {
    const { pipeline } = await import('../src/index.js');
    const p = await pipeline('classify', join(shared, 'models', 'chnsenticorp'), { device: 'cpu', batchSize: 4 });
    const texts = readFileSync(join(shared, 'data', 'chnsenticorp', 'dev.jsonl'), 'utf8').trim().split('\n').slice(0, 37)
      .map((l) => ({ text: (JSON.parse(l) as { text: string }).text }));
    async function* source() {
      for (const t of texts) yield t;
    }
    const streamed = [];
    for await (const r of p.stream(source(), 2)) streamed.push(r);
    expect(streamed).toEqual(await p.run(texts));
    const one = await p.run([texts[5]!]);
    expect(streamed[5]).toEqual(one[0]);
    await expect(async () => {
      for await (const _ of p.stream([{ text: 'a' }, { nope: 1 } as never])) void _;
    }).rejects.toMatchObject({ code: 'SAMP_INVALID_ARGUMENT' });
    p.dispose();
  });
});
