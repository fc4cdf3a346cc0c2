// Op cases shared by the op tests: seeded inputs, a plain reference implementation of each op's arithmetic,
// and per-op, per-precision tolerances for comparing a backend with the CPU.
import { Epilogue, type OpCall, type Precision } from '../src/index.js';

export interface OpCase {
  name: string;
  call: OpCall;
  /** Max abs difference allowed against the CPU op, by precision. */
  tolerance: Record<Precision, number>;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function randomArray(next: () => number, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}

function offsetsOf(lengths: number[]): Int32Array {
  const o = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (o[i + 1] = o[i]! + l));
  return o;
}

/** The cases: odd sizes (edges of every blocking), BERT shapes, and sequences of different lengths. */
export function opCases(): OpCase[] {
  const next = rng(42);
  const cases: OpCase[] = [];
  const half = { fp32: 1e-4, fp16: 2e-2, bf16: 1.2e-1 };
  for (const [m, n, k] of [[7, 33, 19], [100, 200, 64], [128, 768, 256], [33, 1024, 256], [37, 70, 1000]] as const) {
    for (const epilogue of [Epilogue.none, Epilogue.bias, Epilogue.biasGelu]) {
      const scale = 1 / Math.sqrt(k);
      cases.push({
        name: `gemm ${m}x${n}x${k} epilogue ${epilogue}`,
        call: {
          op: 'gemm',
          f: [randomArray(next, m * k), randomArray(next, n * k, scale), randomArray(next, n, 0.5)],
          dims: [m, n, k],
          epilogue,
        },
        tolerance: { fp32: 2e-4, fp16: 2e-2, bf16: 1e-1 },
      });
    }
  }
  // widths of the row kernels (a multiple of 8, at most 1024) and one of the other kernels
  for (const [tokens, hidden] of [[5, 256], [37, 768], [64, 1000], [9, 36]] as const) {
    const vocab = 50, positions = 64, types = 2;
    const ids = Int32Array.from({ length: tokens }, () => Math.floor(next() * vocab));
    const tys = Int32Array.from({ length: tokens }, () => Math.floor(next() * types));
    const pos = Int32Array.from({ length: tokens }, (_, i) => i % positions);
    cases.push({
      name: `embedding_layernorm ${tokens}x${hidden}`,
      call: {
        op: 'embedding_layernorm',
        i: [ids, tys, pos],
        f: [randomArray(next, vocab * hidden), randomArray(next, positions * hidden), randomArray(next, types * hidden),
          randomArray(next, hidden), randomArray(next, hidden)],
        dims: [tokens, hidden],
        eps: 1e-12,
      },
      tolerance: half,
    });
    cases.push({
      name: `add_layernorm ${tokens}x${hidden}`,
      call: {
        op: 'add_layernorm',
        f: [randomArray(next, tokens * hidden, 3), randomArray(next, tokens * hidden), randomArray(next, hidden), randomArray(next, hidden)],
        dims: [tokens, hidden],
        eps: 1e-12,
      },
      tolerance: half,
    });
    if (hidden % 8 !== 0) continue;  // the x bias is added by the row kernel only
    cases.push({
      name: `add_layernorm ${tokens}x${hidden} with the x bias`,
      call: {
        op: 'add_layernorm',
        f: [randomArray(next, tokens * hidden, 3), randomArray(next, tokens * hidden), randomArray(next, hidden),
          randomArray(next, hidden), randomArray(next, hidden, 2)],
        dims: [tokens, hidden],
        eps: 1e-12,
      },
      tolerance: half,
    });
  }
  for (const [lengths, heads, d] of [[[1, 7, 64], 2, 64], [[128, 100, 17], 2, 64], [[130, 3, 65], 4, 64], [[20, 9], 3, 32],
    [[5, 33], 2, 24]] as const) {
    const offsets = offsetsOf([...lengths]);
    const tokens = offsets[offsets.length - 1]!;
    cases.push({
      name: `attention lengths ${lengths.join(',')} heads ${heads} d ${d}`,
      call: { op: 'attention', f: [randomArray(next, tokens * 3 * heads * d, 2)], i: [offsets], dims: [lengths.length, heads, d] },
      tolerance: { fp32: 1e-4, fp16: 1e-2, bf16: 6e-2 },
    });
  }
  // the QKV bias added by attention (the key bias cancels in the softmax where the tensor-core kernel drops it)
  for (const [lengths, heads, d] of [[[1, 7, 64], 2, 64], [[130, 3, 65], 4, 64], [[5, 33], 2, 24]] as const) {
    const offsets = offsetsOf([...lengths]);
    const tokens = offsets[offsets.length - 1]!;
    cases.push({
      name: `attention lengths ${lengths.join(',')} heads ${heads} d ${d} with the qkv bias`,
      call: {
        op: 'attention',
        f: [randomArray(next, tokens * 3 * heads * d, 2), randomArray(next, 3 * heads * d, 1)],
        i: [offsets],
        dims: [lengths.length, heads, d],
      },
      tolerance: { fp32: 1e-4, fp16: 1.5e-2, bf16: 8e-2 },
    });
  }
  // QKV read 8-bit (a fully-quant layer's QKV GEMM output before its bias): values on the 8-bit grid of the scale,
  // so each is its code's value and the plain reference holds
  for (const [type8, scale] of [[1, 2 / 127], [2, 1 / 64]] as const) {
    const onGrid = (): number => {
      const sign = next() < 0.5 ? -1 : 1;
      if (type8 === 1) return sign * Math.round(next() * 127) * scale;
      return sign * (1 + Math.floor(next() * 8) / 8) * 2 ** (Math.floor(next() * 14) - 6) * scale;  // E4M3 normals
    };
    for (const [lengths, heads, d] of [[[128, 100, 17], 2, 64], [[130, 3, 65], 4, 64], [[5, 33], 2, 24]] as const) {
      const offsets = offsetsOf([...lengths]);
      const tokens = offsets[offsets.length - 1]!;
      cases.push({
        name: `attention lengths ${lengths.join(',')} heads ${heads} d ${d}, qkv ${type8 === 1 ? 'int8' : 'fp8'}`,
        call: {
          op: 'attention',
          f: [Float32Array.from({ length: tokens * 3 * heads * d }, onGrid), randomArray(next, 3 * heads * d, 1),
            Float32Array.of(scale)],
          i: [offsets],
          dims: [lengths.length, heads, d, type8],
        },
        tolerance: { fp32: 1e-4, fp16: 1.5e-2, bf16: 8e-2 },
      });
    }
  }
  // widths that take the staged kernel (a multiple of 8) and the scalar one; more than one group of 8 sequences
  const eleven = [2, 1, 4, 3, 1, 1, 2, 5, 1, 2, 3];
  for (const [lengths, hidden] of [[[3, 1, 5], 96], [eleven, 256], [eleven, 36]] as const) {
    const offsets = offsetsOf([...lengths]);
    const tokens = offsets[offsets.length - 1]!;
    cases.push({
      name: `pooler ${lengths.length} sequences, width ${hidden}`,
      call: {
        op: 'pooler',
        f: [randomArray(next, tokens * hidden), randomArray(next, hidden * hidden, 0.1), randomArray(next, hidden)],
        i: [offsets],
        dims: [lengths.length, hidden],
      },
      tolerance: { fp32: 1e-5, fp16: 1e-2, bf16: 5e-2 },
    });
  }
  return cases;
}

/** The op's arithmetic written out plainly (fp64 accumulation): what the CPU backend is checked against. */
export function referenceOp(call: OpCall): Float32Array {
  const f = call.f, i = call.i ?? [], d = call.dims;
  const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
  const layerNorm = (row: Float64Array, g: Float32Array, b: Float32Array, eps: number, out: Float32Array, at: number) => {
    const n = row.length;
    const mean = row.reduce((a, x) => a + x, 0) / n;
    const v = row.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    for (let j = 0; j < n; j++) out[at + j] = ((row[j]! - mean) / Math.sqrt(v + eps)) * g[j]! + b[j]!;
  };
  if (call.op === 'gemm') {
    const [m, n, k] = d as [number, number, number];
    const [a, w, bias] = f as [Float32Array, Float32Array, Float32Array];
    const out = new Float32Array(m * n);
    for (let r = 0; r < m; r++)
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[r * k + q]! * w[c * k + q]!;
        if (call.epilogue) s += bias[c]!;
        if (call.epilogue === Epilogue.biasGelu) s = gelu(s);
        if (call.epilogue === Epilogue.biasTanh) s = Math.tanh(s);
        out[r * n + c] = s;
      }
    return out;
  }
  if (call.op === 'embedding_layernorm' || call.op === 'add_layernorm') {
    const [tokens, h] = d as [number, number];
    const out = new Float32Array(tokens * h);
    for (let t = 0; t < tokens; t++) {
      const row = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        row[j] = call.op === 'add_layernorm'
          ? f[0]![t * h + j]! + f[1]![t * h + j]! + (f[4]?.[j] ?? 0)
          : f[0]![i[0]![t]! * h + j]! + f[1]![i[2]![t]! * h + j]! + f[2]![i[1]![t]! * h + j]!;
      }
      const [g, b] = call.op === 'add_layernorm' ? [f[2]!, f[3]!] : [f[3]!, f[4]!];
      layerNorm(row, g, b, call.eps ?? 1e-12, out, t * h);
    }
    return out;
  }
  if (call.op === 'attention') {  // 8-bit QKV (a third operand) is given on the grid: the same arithmetic
    const [batch, heads, hd] = d as [number, number, number];
    const offsets = i[0]!, hidden = heads * hd;
    const qkv = f[1] ? f[0]!.map((x, j) => x + f[1]![j % (3 * hidden)]!) : f[0]!;
    const out = new Float32Array(offsets[batch]! * hidden);
    for (let b = 0; b < batch; b++) {
      const first = offsets[b]!, len = offsets[b + 1]! - first;
      for (let h = 0; h < heads; h++)
        for (let q = 0; q < len; q++) {
          const s = new Float64Array(len);
          for (let k = 0; k < len; k++) {
            let dot = 0;
            for (let x = 0; x < hd; x++) dot += qkv[(first + q) * 3 * hidden + h * hd + x]! * qkv[(first + k) * 3 * hidden + hidden + h * hd + x]!;
            s[k] = dot / Math.sqrt(hd);
          }
          const max = Math.max(...s);
          let sum = 0;
          for (let k = 0; k < len; k++) sum += (s[k] = Math.exp(s[k]! - max));
          for (let x = 0; x < hd; x++) {
            let acc = 0;
            for (let k = 0; k < len; k++) acc += (s[k]! / sum) * qkv[(first + k) * 3 * hidden + 2 * hidden + h * hd + x]!;
            out[(first + q) * hidden + h * hd + x] = acc;
          }
        }
    }
    return out;
  }
  if (call.op === 'pooler') {
    const [batch, h] = d as [number, number];
    const out = new Float32Array(batch * h);
    for (let b = 0; b < batch; b++)
      for (let n = 0; n < h; n++) {
        let s = f[2]![n]!;
        for (let k = 0; k < h; k++) s += f[1]![n * h + k]! * f[0]![i[0]![b]! * h + k]!;
        out[b * h + n] = Math.tanh(s);
      }
    return out;
  }
  throw new Error(`no reference for ${call.op}`);
}

/** erf to double precision (Abramowitz & Stegun 7.1.26 is not enough for a reference; this series is). */
export function erf(x: number): number {
  const sign = Math.sign(x), a = Math.abs(x);
  if (a > 6) return sign;
  // Taylor series converges well for |x| <= 6 in double precision with enough terms
  let sum = 0, term = a, n = 0;
  while (Math.abs(term) > 1e-17 * Math.abs(sum) || n < 5) {
    sum += term / (2 * n + 1);
    n++;
    term *= (-a * a) / n;
    if (n > 200) break;
  }
  return (sign * 2 * sum) / Math.sqrt(Math.PI);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let j = 0; j < a.length; j++) {
    const e = Math.abs(a[j]! - b[j]!);
    if (!(e <= m)) m = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
  }
  return m;
}
