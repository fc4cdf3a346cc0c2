// CRF decoding: Viterbi against brute force over every tag sequence, and a CRF checkpoint through the pipeline.
import { describe, expect, it } from 'vitest';
import { Crf, Pipeline, type Tagging } from '../src/index.js';
import { seeded, tinyModel } from './tiny-model.js';

function bruteForce(trans: Float32Array, start: Float32Array, end: Float32Array, em: Float64Array, T: number): number[] {
  const n = start.length;
  let best = -Infinity, arg: number[] = [];
  const path = new Array<number>(T).fill(0);
  for (let code = 0; code < n ** T; code++) {
    let c = code;
    for (let t = T - 1; t >= 0; t--) {
      path[t] = c % n;
      c = Math.floor(c / n);
    }
    let s = start[path[0]!]! + end[path[T - 1]!]!;
    for (let t = 0; t < T; t++) s += em[t * n + path[t]!]!;
    for (let t = 1; t < T; t++) s += trans[path[t - 1]! * n + path[t]!]!;
    if (s > best) {
      best = s;
      arg = [...path];
    }
  }
  return arg;
}

const LABELS = ['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'];
const N = LABELS.length;
const crfTensors = (trans: Float32Array, start: Float32Array, end: Float32Array) => ({
  'crf.transitions': { data: trans, shape: [N, N] },
  'crf.start_transitions': { data: start, shape: [N] },
  'crf.end_transitions': { data: end, shape: [N] },
});

describe('Crf.viterbi', () => {
  it('finds the best sequence of brute force for random scores (lengths 1..5, 4 tags)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const n = 4, T = 1 + (seed % 5);
      const trans = seeded(n * n, seed, 3), start = seeded(n, seed + 100, 3), end = seeded(n, seed + 200, 3);
      const em = Float64Array.from(seeded(T * n, seed + 300, 3));
      expect(new Crf(trans, start, end).viterbi(em, T)).toEqual(bruteForce(trans, start, end, em, T));
    }
    expect(new Crf(new Float32Array(4), new Float32Array(2), new Float32Array(2)).viterbi(new Float64Array(0), 0)).toEqual([]);
  });

  it('rejects mismatched sizes', () => {
    expect(() => new Crf(new Float32Array(9), new Float32Array(2), new Float32Array(2))).toThrow(/Expected CRF transitions \[2, 2\]/);
  });
});

describe('a CRF checkpoint in the pipeline', () => {
  const texts = [{ text: '我们在北京工作' }, { text: '今天上海天气很好' }, { text: '学习' }];
  const run = async (dir: string) => {
    const p = await Pipeline.load(dir, { task: 'tag', device: 'cpu', granularity: 'char' });
    try {
      return (await p.run(texts)) as Tagging[];
    } finally {
      p.dispose();
    }
  };

  it('a zero CRF decodes as argmax; a CRF that rewards O everywhere finds no entity', async () => {
    const plain = await run(tinyModel({ architecture: 'BertForTokenClassification', labels: LABELS }));
    expect(plain.some((t) => t.entities.length > 0)).toBe(true);
    const zero = crfTensors(new Float32Array(N * N), new Float32Array(N), new Float32Array(N));
    expect(await run(tinyModel({ architecture: 'BertForTokenClassification', labels: LABELS, extra: zero }))).toEqual(plain);
    const toO = new Float32Array(N * N);
    for (let i = 0; i < N; i++) toO[i * N] = 1e4;
    const start = new Float32Array(N);
    start[0] = 1e4;
    const allO = await run(tinyModel({ architecture: 'BertForTokenClassification', labels: LABELS, extra: crfTensors(toO, start, new Float32Array(N)) }));
    expect(allO.map((t) => t.entities)).toEqual([[], [], []]);
  });

  it('a partial CRF is a clear error', async () => {
    const { 'crf.transitions': transitions } = crfTensors(new Float32Array(N * N), new Float32Array(N), new Float32Array(N));
    const dir = tinyModel({ architecture: 'BertForTokenClassification', labels: LABELS, extra: { 'crf.transitions': transitions } });
    await expect(Pipeline.load(dir, { task: 'tag', device: 'cpu' })).rejects.toMatchObject({
      code: 'SAMP_MODEL_FORMAT',
      message: expect.stringMatching(/crf.start_transitions/),
    });
  });
});
