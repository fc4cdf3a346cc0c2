// Pipeline options on a tiny model: bi-encoder matching, precision plans, and their errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '@samp/encoder';
import { cosineSimilarity, type Embedding, Pipeline, type Similarity } from '../src/index.js';
import { tinyModel } from './tiny-model.js';

const plain = tinyModel();
const classifier = tinyModel({ architecture: 'BertForSequenceClassification', labels: ['a', 'b'] });

describe('bi-encoder matching', () => {
  it('scores each pair by the cosine of the two texts embedded alone', async () => {
    const pairs = [{ text_a: '我们在北京', text_b: '我们在上海' }, { text_a: '天气很好', text_b: '天气很好' }, { text_a: '学习', text_b: '今明工作的' }];
    const match = await Pipeline.load(plain, { task: 'match', matching: 'bi-encoder', device: 'cpu', batchSize: 2 });
    const embed = await Pipeline.load(plain, { task: 'embed', device: 'cpu' });
    const got = (await match.run(pairs)) as Similarity[];
    for (const [i, pair] of pairs.entries()) {
      const [a, b] = (await embed.run([{ text: pair.text_a }, { text: pair.text_b }])) as Embedding[];
      expect(got[i]!.score).toBeCloseTo(cosineSimilarity(a!.embedding, b!.embedding), 5);
    }
    expect(got[1]!.score).toBeCloseTo(1, 6);
    match.dispose();
    embed.dispose();
  });

  it('a plain encoder cannot cross-encode; the error says to use the bi-encoder', async () => {
    await expect(Pipeline.load(plain, { task: 'match', device: 'cpu' })).rejects.toMatchObject({
      code: 'SAMP_MODEL_FORMAT',
      message: expect.stringMatching(/bi-encoder/),
    });
    await expect(Pipeline.load(plain, { task: 'match', matching: 'siamese' as never, device: 'cpu' })).rejects.toThrow(/"cross-encoder" or "bi-encoder"/);
  });
});

describe('Pipeline.embed', () => {
  it('embeds texts with any pipeline\'s encoder, as the embed task does', async () => {
    const texts = ['我们在北京', '天气很好', '学习'];
    const cls = await Pipeline.load(classifier, { task: 'classify', device: 'cpu' });
    const embed = await Pipeline.load(classifier, { task: 'embed', device: 'cpu', normalize: true });
    const got = await cls.embed(texts, { normalize: true });
    const want = (await embed.run(texts.map((text) => ({ text })))) as Embedding[];
    expect(got).toHaveLength(3 * 32);
    want.forEach((w, i) => w.embedding.forEach((x, k) => expect(got[i * 32 + k]).toBeCloseTo(x, 6)));
    await expect(cls.embed([1 as never])).rejects.toThrow(/texts\[0\]/);
    cls.dispose();
    embed.dispose();
  });
});

describe('precision plans', () => {
  it('a plan sets each layer; precision and plan together are refused', async () => {
    const p = await Pipeline.load(classifier, { task: 'classify', device: 'cpu', plan: { default: 'fp32', layers: { 1: 'fp32' } } });
    expect(p.encoder.plan).toEqual(['fp32', 'fp32']);
    p.dispose();
    await expect(Pipeline.load(classifier, { task: 'classify', device: 'cpu', plan: ['fp32'] })).rejects.toThrow(/a list of 2 layer modes/);
    await expect(Pipeline.load(classifier, { task: 'classify', device: 'cpu', plan: { default: 'fp32', layers: { 2: 'fp32' } } })).rejects.toThrow(
      /layer indices 0..1/,
    );
    await expect(Pipeline.load(classifier, { task: 'classify', device: 'cpu', plan: 'fp32', precision: 'fp32' })).rejects.toThrow(/not both/);
    await expect(Pipeline.load(classifier, { task: 'classify', device: 'cpu', plan: { default: 'fp32', layer: {} } as never })).rejects.toThrow(
      /Unknown key\(s\) "layer"/,
    );
  });

  it('plan files: JSON read and shape-checked with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'samp-plan-'));
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    expect(readPlanFile(file('a.json', '{"default": "fp16", "layers": {"1": "fp32"}}'))).toEqual({ default: 'fp16', layers: { 1: 'fp32' } });
    expect(readPlanFile(file('b.json', '["fp32", "fp16"]'))).toEqual(['fp32', 'fp16']);
    expect(() => readPlanFile(join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'SAMP_FILE_NOT_FOUND' }));
    expect(() => readPlanFile(file('c.json', '{oops'))).toThrow(/c.json is not valid JSON/);
    expect(() => readPlanFile(file('d.json', '{"layers": {}}'))).toThrow(/must hold a mode/);
  });
});
