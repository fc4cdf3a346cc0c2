// The bias carried in E4M3 columns of a GEMM's reduction (native cpu/bias_columns.h): what the GEMM adds from the
// codes (decoded on the host, the way the tensor cores multiply them) against the bias itself, over the magnitudes
// a calibrated FP8 layer gives (bias / unit from about 1e-4 to 6e5), and the refusal beyond them.
import { describe, expect, it } from 'vitest';
import { native } from '../src/native.js';

const run = (bias: Float32Array, unit: Float32Array) =>
  native().runOp('cpu', { op: 'bias_columns', dtype: 'fp32', f: [bias, unit], i: [], dims: [bias.length] });

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('bias columns', () => {
  it('give back each bias to within 1e-6 of it, or 1e-3 of a unit', () => {
    const next = rng(11);
    const n = 3000;
    // units as a_scale * w_scale of an FP8 layer (1e-7 .. 1e-3), biases of either sign over 1e-6 .. 2
    const unit = Float32Array.from({ length: n }, () => 10 ** (-7 + 4 * next()));
    const bias = Float32Array.from({ length: n }, (_, j) => {
      const b = (next() < 0.5 ? -1 : 1) * 10 ** (-6 + 6.3 * next());
      return Math.abs(b / unit[j]!) > 6e5 ? Math.sign(b) * 6e5 * unit[j]! : b;
    });
    bias[0] = 0;
    const got = run(bias, unit);
    bias.forEach((b, j) => {
      const tol = Math.max(1e-6 * Math.abs(b), 1e-3 * unit[j]!) * (1 + 1e-6) + Math.abs(b) * 2 ** -23;
      expect(Math.abs(got[j]! - b), `bias ${b} unit ${unit[j]}`).toBeLessThanOrEqual(tol);
    });
    expect(got[0]).toBe(0);
  });

  it('are exact where the bias is a short sum of the columns\' values', () => {
    const unit = Float32Array.of(1, 1, 0.5, 2 ** -10);
    const bias = Float32Array.of(256 * 448 + 1, -16 * 3, 0.5 * (1 / 16), 2 ** -10 * -300);
    expect(Array.from(run(bias, unit))).toEqual(Array.from(bias));
  });

  it('refuse a bias too large for the columns at its unit, and one that is not finite', () => {
    expect(() => run(Float32Array.of(1e6), Float32Array.of(1))).toThrow(/does not fit/);
    expect(() => run(Float32Array.of(1), Float32Array.of(0))).toThrow(/does not fit/);
    expect(() => run(Float32Array.of(Number.NaN), Float32Array.of(1))).toThrow(/does not fit/);
  });

  it('are a host computation: the cuda op runner refuses them', () => {
    expect(() => native().runOp('cuda', { op: 'bias_columns', dtype: 'fp32', f: [Float32Array.of(1), Float32Array.of(1)], i: [], dims: [1] }))
      .toThrow(/no op "bias_columns"|no CUDA backend/);
  });
});
