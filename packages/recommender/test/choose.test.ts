// The choice rules on hand-made measurements: each requirement, the latency tie, the knee, and the refusal to
// return a plan that misses.
import { describe, expect, it } from 'vitest';
import { type Candidate, LATENCY_TIE, choose, knee, paretoFront } from '../src/index.js';

function cand(label: string, metric: number, latencyMs: number): Candidate {
  return {
    label, family: 'fully-quant', k: 1, modes: [], spec: { default: 'auto' }, metric, drop: 0.9 - metric, flips: 0,
    latencyMs, iters: 5, speedupFp32: 10 / latencyMs, pareto: false,
  };
}

const plans = () => [cand('fp32', 0.9, 10), cand('a', 0.9, 8), cand('b', 0.895, 6), cand('c', 0.885, 5), cand('d', 0.85, 4), cand('e', 0.88, 7)];

describe('choose', () => {
  it('marks the Pareto frontier, fastest first', () => {
    const front = paretoFront(plans());
    expect(front.map((c) => c.label)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('max-drop: the fastest plan within the drop', () => {
    expect(choose(plans(), { kind: 'max-drop', value: 0.01 }, 0.9).chosen?.label).toBe('b');
    expect(choose(plans(), { kind: 'max-drop', value: 0.015 }, 0.9).chosen?.label).toBe('c');
    expect(choose(plans(), { kind: 'max-drop', value: 0 }, 0.9).chosen?.label).toBe('a');
  });

  it('min-metric and max-latency-ms', () => {
    expect(choose(plans(), { kind: 'min-metric', value: 0.88 }, 0.9).chosen?.label).toBe('c');
    expect(choose(plans(), { kind: 'max-latency-ms', value: 6.5 }, 0.9).chosen?.label).toBe('b');
    expect(choose(plans(), { kind: 'max-latency-ms', value: 9 }, 0.9).chosen?.label).toBe('a');
  });

  it('latencies within the tie go to the more accurate plan', () => {
    const tied = [cand('fast', 0.88, 5), cand('close', 0.89, 5 * (1 + LATENCY_TIE.cpu / 2)), cand('slow', 0.9, 5 * (1 + 2 * LATENCY_TIE.cpu))];
    expect(choose(tied, { kind: 'max-drop', value: 0.05 }, 0.9).chosen?.label).toBe('close');
    // a tighter tie (cuda): the fastest
    expect(choose(tied, { kind: 'max-drop', value: 0.05 }, 0.9, 0.001).chosen?.label).toBe('fast');
  });

  it('says when nothing meets the requirement and lists the closest plans', () => {
    const c = choose(plans(), { kind: 'min-metric', value: 0.95 }, 0.9);
    expect(c.met).toBe(false);
    expect(c.chosen).toBeUndefined();
    expect(c.closest.map((x) => x.label)).toEqual(['a', 'fp32', 'b']);
    const l = choose(plans(), { kind: 'max-latency-ms', value: 1 }, 0.9);
    expect(l.met).toBe(false);
    expect(l.closest[0]!.label).toBe('d');
  });

  it('knee: the largest scaled speedup + scaled metric on the frontier', () => {
    // speedups 1.25 (a), 1.67 (b), 2 (c), 2.5 (d); metrics 0.9, 0.895, 0.885, 0.85
    expect(knee(paretoFront(plans())).label).toBe('c');
    // a flat curve: the fastest plan
    expect(knee(paretoFront([cand('x', 0.9, 10), cand('y', 0.9, 5)])).label).toBe('y');
    expect(choose(plans(), { kind: 'knee' }, 0.9).chosen?.label).toBe('c');
  });
});
