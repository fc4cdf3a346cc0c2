// The CPU INT8 GEMM against a straightforward reference of the same arithmetic: A quantized per tensor, W per
// output channel (symmetric, round to nearest even), int32 sums, dequantized, then bias / GELU. The VNNI kernel
// and the scalar one (SAMP_CPU_ISA=scalar) must give the same int32 sums, so the results agree to float rounding.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Epilogue, runOp } from '../src/index.js';

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}
const roundEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const q8 = (x: number, scale: number) => Math.max(-127, Math.min(127, roundEven(Math.fround(x * Math.fround(1 / scale)))));
const gelu = (x: number) => {
  // erf by Abramowitz-Stegun 7.1.26 is too coarse here: use the series / continued fraction of Math-free erf
  const t = x / Math.SQRT2, sign = Math.sign(t), z = Math.abs(t);
  let sum = 0, term = z, n = 0;
  if (z < 3) {
    while (Math.abs(term) > 1e-17 && n < 200) {
      sum += term / (2 * n + 1);
      n++;
      term *= (-z * z) / n;
    }
    return 0.5 * x * (1 + (sign * 2 * sum) / Math.sqrt(Math.PI));
  }
  return x > 0 ? x : 0;
};

function reference(a: Float32Array, w: Float32Array, m: number, n: number, k: number, aScale: number, bias?: Float32Array, ep = 0) {
  const out = new Float32Array(m * n);
  for (let j = 0; j < n; j++) {
    let amax = 0;
    for (let t = 0; t < k; t++) amax = Math.max(amax, Math.abs(w[j * k + t]!));
    const ws = amax > 0 ? Math.fround(amax / 127) : 1;
    const wq = Array.from({ length: k }, (_, t) => q8(w[j * k + t]!, ws));
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += q8(a[i * k + t]!, aScale) * wq[t]!;
      let y = acc * aScale * ws;
      if (ep !== 0) y += bias![j]!;
      if (ep === 2) y = gelu(y);
      out[i * n + j] = y;
    }
  }
  return out;
}

describe('gemm_i8 on the cpu', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 32, 64], [7, 33, 130], [50, 70, 257], [96, 64, 768]];
  for (const [m, n, k] of shapes) {
    for (const ep of [Epilogue.none, Epilogue.bias, Epilogue.biasGelu]) {
      it(`${m}x${n}x${k} epilogue ${ep}`, () => {
        const next = rng(m * 1000 + n * 10 + k + ep);
        const a = Float32Array.from({ length: m * k }, () => next() * 3);
        const w = Float32Array.from({ length: n * k }, () => next() * 0.1);
        const bias = Float32Array.from({ length: n }, () => next());
        const aScale = 3 / 127;
        const got = runOp('cpu', { op: 'gemm_i8', f: ep ? [a, w, Float32Array.of(aScale), bias] : [a, w, Float32Array.of(aScale)], dims: [m, n, k], epilogue: ep });
        const want = reference(a, w, m, n, k, aScale, bias, ep);
        // the int32 sums are exact; what differs is float rounding, and for GELU the vectorised erf (~1e-5)
        const tol = ep === Epilogue.biasGelu ? 1e-4 : 1e-5;
        want.forEach((x, i) => expect(Math.abs(got[i]! - x)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x))));
      });
    }
  }

  it('stays close to the fp32 GEMM when the data fits its scales', () => {
    const [m, n, k] = [16, 48, 256];
    const next = rng(9);
    const a = Float32Array.from({ length: m * k }, () => next());
    const w = Float32Array.from({ length: n * k }, () => next() * 0.05);
    const exact = runOp('cpu', { op: 'gemm', f: [a, w], dims: [m, n, k] });
    const int8 = runOp('cpu', { op: 'gemm_i8', f: [a, w, Float32Array.of(1 / 127)], dims: [m, n, k] });
    const scale = Math.max(...exact.map(Math.abs));
    exact.forEach((x, i) => expect(Math.abs(int8[i]! - x)).toBeLessThan(0.02 * scale));
  });

  it('gives the AVX2 and scalar kernels\' int32 sums (each in its own process): bit-identical without an epilogue, within float rounding of the vectorized GELU with one', () => {
    const addon = fileURLToPath(new URL('../build/Release/samp_kernels.node', import.meta.url));
    const script = `
      const a = require(process.argv[1]);
      let s = 7; const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
      const [m, n, k] = [37, 70, 261];
      const A = Float32Array.from({ length: m * k }, () => next() * 2), W = Float32Array.from({ length: n * k }, () => next() * 0.1);
      const B = Float32Array.from({ length: n }, () => next());
      const out = a.runOp('cpu', { op: 'gemm_i8', dtype: 'fp32', f: [A, W, Float32Array.of(2 / 127), B], i: [], dims: [m, n, k], epilogue: 2 });
      const sums = a.runOp('cpu', { op: 'gemm_i8', dtype: 'fp32', f: [A, W, Float32Array.of(2 / 127)], i: [], dims: [m, n, k], epilogue: 0 });
      process.stdout.write(JSON.stringify({ isa: a.backends().cpu.isa8, out: Array.from(out), sums: Array.from(sums) }));`;
    const run = (isa?: string) => {
      const env = { ...process.env, SAMP_CPU_ISA: isa ?? '' };
      const r = spawnSync(process.execPath, ['-e', script, addon], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { isa: string; out: number[]; sums: number[] };
    };
    const best = run(), avx2 = run('avx2'), scalar = run('scalar');
    expect(scalar.isa).toBe('scalar');
    expect(avx2.isa).toBe('avx2');
    expect(avx2.sums).toEqual(best.sums);
    expect(scalar.sums).toEqual(best.sums);
    for (const other of [avx2, scalar]) other.out.forEach((x, i) => expect(Math.abs(x - best.out[i]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(x))));
  });

  it('refuses a bad scale, missing operands, and the cuda device', () => {
    const a = new Float32Array(4), w = new Float32Array(4);
    expect(() => runOp('cpu', { op: 'gemm_i8', f: [a, w, Float32Array.of(0)], dims: [2, 2, 2] })).toThrow(/positive, finite quantization scale/);
    expect(() => runOp('cpu', { op: 'gemm_i8', f: [a, w], dims: [2, 2, 2] })).toThrow(/operand count/);
    expect(() => runOp('cpu', { op: 'gemm_i8', f: [a, w, Float32Array.of(1)], dims: [2, 2, 2], epilogue: Epilogue.bias })).toThrow(/bias/);
  });
});
