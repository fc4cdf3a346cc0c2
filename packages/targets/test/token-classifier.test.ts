// The token-classification head and the sentence embedder on the shared models against PyTorch (encoder
// fixtures): per-token logits, entities decoded from PyTorch's argmax tags by the fixture script, mean pooling.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Encoder } from '@samp/encoder';
import { type Embedding, Pipeline, readClassifierHead, type Tagging } from '../src/index.js';

const root = resolve(import.meta.dirname, '../../..');
const shared = process.env.SAMP_SHARED ?? resolve(root, '../shared');
const hasShared = existsSync(join(shared, 'models'));

interface Case { ids: number[]; types: number[]; logits: string; mean: string; entities?: Tagging['entities'] }
const fixture = (name: string) =>
  JSON.parse(gunzipSync(readFileSync(join(root, 'packages/encoder/fixtures', `${name}.json.gz`))).toString()) as { cases: Case[] };
const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const devTexts = (name: string, n: number) =>
  readFileSync(join(shared, 'data', name, 'dev.jsonl'), 'utf8').trim().split('\n').slice(0, n).map((l) => JSON.parse(l) as { text: string });

describe.skipIf(!hasShared)('TokenClassifier against PyTorch (cluener, char granularity)', () => {
  it('per-token logits within 1e-4 of PyTorch', async () => {
    const dir = join(shared, 'models', 'cluener');
    const enc = await Encoder.load(dir, { device: 'cpu' });
    const head = readClassifierHead(dir, enc.config!, 'token-classification');
    for (const c of fixture('cluener').cases.slice(0, 30)) {
      const n = c.ids.length;
      const out = await enc.forward({ inputIds: Int32Array.from(c.ids), tokenTypeIds: Int32Array.from(c.types), batch: 1, seqLen: n });
      const got = head.logitsRows(out.lastHiddenState, n);
      const want = f32(c.logits);
      expect(got).toHaveLength(want.length);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-4));
    }
    enc.dispose();
  });

  it('entities of the first 100 dev texts equal those decoded from PyTorch', async () => {
    const p = await Pipeline.load(join(shared, 'models', 'cluener'), { task: 'tag', granularity: 'char', device: 'cpu', maxLength: 128 });
    const got = (await p.run(devTexts('cluener', 100))) as Tagging[];
    p.dispose();
    const want = fixture('cluener').cases.map((c) => c.entities!);
    expect(want.flat().length).toBeGreaterThan(100);
    expect(got.map((g) => g.entities)).toEqual(want);
  });
});

describe.skipIf(!hasShared)('SentenceEmbedder against PyTorch (chnsenticorp, mean pooling)', () => {
  it('embeddings within 1e-4 of the mean of PyTorch hidden states; normalised ones have unit length', async () => {
    const texts = devTexts('chnsenticorp', 40);
    const p = await Pipeline.load(join(shared, 'models', 'chnsenticorp'), { task: 'embed', device: 'cpu', maxLength: 128 });
    const got = (await p.run(texts)) as Embedding[];
    p.dispose();
    fixture('chnsenticorp').cases.slice(0, 40).forEach((c, i) => {
      const want = f32(c.mean);
      want.forEach((w, k) => expect(Math.abs(got[i]!.embedding[k]! - w)).toBeLessThanOrEqual(1e-4));
    });
    const unit = await Pipeline.load(join(shared, 'models', 'chnsenticorp'), { task: 'embed', normalize: true, device: 'cpu', maxLength: 128 });
    const [u] = (await unit.run(texts.slice(0, 1))) as Embedding[];
    unit.dispose();
    const norm = Math.hypot(...got[0]!.embedding);
    expect(Math.hypot(...u!.embedding)).toBeCloseTo(1, 6);
    u!.embedding.forEach((x, k) => expect(x).toBeCloseTo(got[0]!.embedding[k]! / norm, 6));
  });
});
