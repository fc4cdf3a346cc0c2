// Candidate plans, their short form (which must mean the same modes when read back), the harm order, the metric
// and the dev records' checks.
import { planModes } from '@samp/encoder';
import { describe, expect, it } from 'vitest';
import { curvePlan, devExample, devMetric, flipRate, harmOrder, mixedPlan, planSpec, predictionKeys, singleLayerPlan } from '../src/index.js';

describe('plans', () => {
  it('curves quantize layers in the given order; the short form reads back to the same modes', () => {
    const order = [2, 0, 3, 1];
    const fq2 = curvePlan('fully-quant', order, 2);
    expect(fq2.modes).toEqual(['fully-quant', 'auto', 'fully-quant', 'auto']);
    const mixed = mixedPlan(order, 1);
    expect(mixed.modes).toEqual(['quant-ffn-only', 'quant-ffn-only', 'fully-quant', 'quant-ffn-only']);
    expect(planSpec(mixed, 'int8')).toEqual({ default: 'quant-ffn-only', layers: { 2: 'fully-quant' }, dtype8: 'int8' });
    expect(planSpec(curvePlan('quant-ffn-only', order, 4), 'auto')).toEqual({ default: 'quant-ffn-only', dtype8: 'auto' });
    for (const plan of [fq2, mixed, singleLayerPlan('quant-ffn-only', 3, 4), curvePlan('fully-quant', order, 4)]) {
      const back = planModes(planSpec(plan, 'fp8'), 4, 'fp16').modes;
      expect(back).toEqual(plan.modes.map((m) => (m === 'auto' ? 'fp16' : m)));
    }
  });

  it('orders layers by fewest flips, then smaller drop, then index', () => {
    const rows = [
      { layer: 0, flips: 0.02, drop: 0 },
      { layer: 1, flips: 0.01, drop: 0.01 },
      { layer: 2, flips: 0.01, drop: -0.01 },
      { layer: 3, flips: 0.01, drop: -0.01 },
    ];
    expect(harmOrder(rows)).toEqual([2, 3, 1, 0]);
  });
});

describe('metric', () => {
  it('accuracy and entity micro F1', () => {
    const dev = [{ input: 'a', label: 1 }, { input: 'b', label: 0 }];
    const results = [{ label: 'x', labelId: 1, scores: [] }, { label: 'x', labelId: 1, scores: [] }];
    expect(devMetric('classify', dev, results)).toBe(0.5);
    const gold = [{ input: 'abcd', spans: [{ start: 0, end: 2, type: 'name' }, { start: 2, end: 4, type: 'org' }] }];
    const tags = [{ entities: [{ start: 0, end: 2, type: 'name', text: 'ab' }, { start: 2, end: 3, type: 'org', text: 'c' }] }];
    // p = 1/2, r = 1/2
    expect(devMetric('tag', gold, tags)).toBeCloseTo(0.5, 12);
    expect(predictionKeys('tag', tags)).toEqual(['0:2:name|2:3:org']);
    expect(flipRate(['1', '0', '1', '1'], ['1', '1', '1', '0'])).toBe(0.5);
  });

  it('checks dev records with the task', () => {
    expect(devExample('match', { text_a: 'a', text_b: 'b', label: 1 })).toEqual({ input: ['a', 'b'], label: 1 });
    expect(() => devExample('classify', { text: 'a' })).toThrow(/label id/);
    expect(() => devExample('classify', { text: 'a', label: -1 })).toThrow(/label id/);
    expect(() => devExample('tag', { text: 'a', spans: [{ start: 2, end: 1, type: 'x' }] })).toThrow(/spans\[0\]/);
    expect(() => devExample('match', { text: 'a', label: 0 })).toThrow(/text_a/);
  });
});
