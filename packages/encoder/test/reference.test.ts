// The shared models on the CPU in fp32 against PyTorch (fixtures from scripts/gen-fixtures.py, 100 dev inputs
// each): hidden states within 1e-4, pooled output and logits too, padded batches of mixed lengths.
import { describe, expect, it } from 'vitest';
import { Encoder } from '../src/index.js';
import { compare, emptyComparison, loadFixture, padded, readClassifier } from './fixtures.js';
import { fixturePath, hasShared, modelDir } from './shared.js';

describe.skipIf(!hasShared)('cpu fp32 against PyTorch fp32', () => {
  for (const name of ['chnsenticorp', 'lcqmc', 'cluener']) {
    it(name, async () => {
      const fixture = loadFixture(fixturePath(name));
      expect(fixture.cases.length).toBeGreaterThanOrEqual(100);
      const enc = await Encoder.load(modelDir(name), { device: 'cpu' });
      const head = readClassifier(modelDir(name), fixture.hiddenSize, fixture.numLabels);
      const r = emptyComparison();
      for (let i = 0; i < fixture.cases.length; i += 13) {
        const cases = fixture.cases.slice(i, i + 13);
        compare(cases, await enc.forward(padded(cases)), head, fixture.numLabels, r);
      }
      enc.dispose();
      expect(r.maxHiddenAt).toBeLessThanOrEqual(1e-4);
      expect(r.maxHiddenFull).toBeLessThanOrEqual(1e-4);
      expect(r.maxPooled).toBeLessThanOrEqual(1e-4);
      expect(r.maxLogits).toBeLessThanOrEqual(1e-4);
      expect(r.argmaxAgree).toBe(r.argmaxTotal);
    });
  }
});
