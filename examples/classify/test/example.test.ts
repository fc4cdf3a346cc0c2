// The shipped demo model: the README's main job gives the expected labels, and (with ../shared) the pruned model
// predicts what the original chnsenticorp model predicts.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Classification, Pipeline } from '@samp/targets';

const here = resolve(import.meta.dirname, '..');
const shared = process.env.SAMP_SHARED ?? resolve(here, '../../../shared');
const readLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; label?: number });

describe('examples/classify', () => {
  it('labels the example reviews as a reader would', async () => {
    const p = await Pipeline.load(join(here, 'model'), { task: 'classify', device: 'cpu' });
    const results = (await p.run(readLines(join(here, 'input.jsonl')))) as Classification[];
    p.dispose();
    expect(results.map((r) => r.label)).toEqual(['positive', 'negative', 'positive', 'negative', 'positive', 'negative']);
  });

  it.skipIf(!existsSync(join(shared, 'models')))('the pruned model agrees with the original on the first 400 dev texts', async () => {
    const dev = readLines(join(shared, 'data', 'chnsenticorp', 'dev.jsonl')).slice(0, 400);
    const predict = async (dir: string) => {
      const p = await Pipeline.load(dir, { task: 'classify', device: 'cpu', maxLength: 128 });
      const r = (await p.run(dev.map(({ text }) => ({ text })))) as Classification[];
      p.dispose();
      return r.map((x) => x.labelId);
    };
    const [pruned, original] = [await predict(join(here, 'model')), await predict(join(shared, 'models', 'chnsenticorp'))];
    const agree = pruned.filter((x, i) => x === original[i]).length;
    expect(agree / dev.length).toBeGreaterThanOrEqual(0.995);
  });
});
