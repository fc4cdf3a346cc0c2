// The custom target plugged into samp's Pipeline: its polarity agrees with the built-in classifier's label on the
// chnsenticorp dev texts, and a checkpoint without the right labels is refused.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBertConfig } from '@samp/encoder';
import { type Classification, Pipeline } from '@samp/targets';
import { type Polarity, PolarityTarget } from '../src/index.js';

const shared = process.env.SAMP_SHARED ?? resolve(import.meta.dirname, '../../../../shared');
const dir = join(shared, 'models', 'chnsenticorp');

describe.skipIf(!existsSync(dir))('PolarityTarget', () => {
  it('agrees with the sequence classifier on 64 dev texts', async () => {
    const texts = readFileSync(join(shared, 'data', 'chnsenticorp', 'dev.jsonl'), 'utf8').trim().split('\n').slice(0, 64)
      .map((l) => ({ text: (JSON.parse(l) as { text: string }).text }));
    const target = PolarityTarget.fromCheckpoint(dir, readBertConfig(dir));
    const custom = await Pipeline.load(dir, { task: 'classify', device: 'cpu', target });
    const builtin = await Pipeline.load(dir, { task: 'classify', device: 'cpu' });
    const [polarity, labels] = [(await custom.run(texts)) as unknown as Polarity[], (await builtin.run(texts)) as Classification[]];
    polarity.forEach((p, i) => {
      const c = labels[i]!;
      expect(p.polarity).toBeCloseTo(c.scores[1]! - c.scores[0]!, 10);
      expect(p.polarity > 0).toBe(c.label === 'positive');
    });
    expect(polarity.some((p) => p.confident)).toBe(true);
    custom.dispose();
    builtin.dispose();
  });

  it('refuses a checkpoint without a positive / negative pair', () => {
    const cluener = join(shared, 'models', 'cluener');
    expect(() => PolarityTarget.fromCheckpoint(cluener, readBertConfig(cluener))).toThrow(/Expected two labels/);
  });
});
