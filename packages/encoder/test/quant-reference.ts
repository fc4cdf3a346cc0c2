// A straightforward reference of samp's encoder arithmetic per layer mode (fp32, quant-ffn-only, fully-quant;
// INT8 and FP8 E4M3), written from the definitions, for checking the native kernels. Slow; tiny models only.
import type { Dtype8, EncoderShape, EncoderWeights, LayerPlan } from '@samp/kernels-cuda';

const f = Math.fround;
const MAX = { int8: 127, fp8: 448 } as const;

function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function e4m3(v: number): number {
  const a = Math.abs(v);
  if (a >= 448) return Math.sign(v) * 448;
  if (a < 2 ** -6) return (Math.sign(v) * roundEven(a * 512)) / 512;
  let e = Math.floor(Math.log2(a));
  let m = roundEven((a / 2 ** e - 1) * 8);
  if (m === 8) {
    m = 0;
    e++;
  }
  return Math.sign(v) * (1 + m / 8) * 2 ** e;
}

/** The real value an activation x becomes after 8-bit quantization with clip c. */
function fake(x: number, clip: number, dtype: Dtype8): number {
  const s = f(f(clip) / MAX[dtype]);
  const v = f(x * f(1 / s));
  const q = dtype === 'int8' ? Math.max(-127, Math.min(127, roundEven(v))) : e4m3(v);
  return f(q * s);
}

/** Quantized weight codes and their scale per output channel: INT8 per channel (max of the row), FP8 per tensor
 * (max of the matrix, the same scale for every channel). */
function quantWeight(w: Float32Array, n: number, k: number, dtype: Dtype8): { codes: Float64Array; scales: Float64Array } {
  const codes = new Float64Array(n * k), scales = new Float64Array(n);
  const rowMax = (j: number) => {
    let amax = 0;
    for (let t = 0; t < k; t++) amax = Math.max(amax, Math.abs(w[j * k + t]!));
    return amax;
  };
  let tensorMax = 0;
  if (dtype === 'fp8') for (let j = 0; j < n; j++) tensorMax = Math.max(tensorMax, rowMax(j));
  for (let j = 0; j < n; j++) {
    const amax = dtype === 'fp8' ? tensorMax : rowMax(j);
    const s = amax > 0 ? f(amax / MAX[dtype]) : 1;
    const inv = f(1 / s);
    scales[j] = s;
    for (let t = 0; t < k; t++) {
      const v = f(w[j * k + t]! * inv);
      codes[j * k + t] = dtype === 'int8' ? Math.max(-127, Math.min(127, roundEven(v))) : e4m3(v);
    }
  }
  return { codes, scales };
}

type Rows = Float64Array[];

function linear(x: Rows, w: Float32Array, b: Float32Array, n: number): Rows {
  const k = x[0]!.length;
  return x.map((row) => Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let t = 0; t < k; t++) s += row[t]! * w[j * k + t]!;
    return f(s + b[j]!);
  }));
}

/** A Linear on 8-bit inputs: `x` holds the inputs' real values (already quantized with `clip`). */
function linear8(x: Rows, clip: number, w: Float32Array, b: Float32Array, n: number, dtype: Dtype8): Rows {
  const k = x[0]!.length;
  const { codes, scales } = quantWeight(w, n, k, dtype);
  const sA = f(f(clip) / MAX[dtype]);
  return x.map((row) => Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    if (dtype === 'int8') {
      for (let t = 0; t < k; t++) s += Math.round(row[t]! / sA) * codes[j * k + t]!;
      return f(f(s) * f(sA * scales[j]!) + b[j]!);
    }
    for (let t = 0; t < k; t++) s += row[t]! * f(scales[j]! * codes[j * k + t]!);
    return f(s + b[j]!);
  }));
}

function layerNorm(x: Float64Array, g: Float32Array, b: Float32Array, eps: number): Float64Array {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  const v = x.reduce((a, y) => a + (y - mean) ** 2, 0) / n;
  const inv = 1 / Math.sqrt(v + eps);
  return x.map((y, j) => f((y - mean) * inv * g[j]! + b[j]!));
}

function erf(x: number): number {
  const t = Math.abs(x);
  let sum = 0, term = t, n = 0;
  if (t > 4) return Math.sign(x);
  while (Math.abs(term) > 1e-17 && n < 300) {
    sum += term / (2 * n + 1);
    n++;
    term *= (-t * t) / n;
  }
  return (Math.sign(x) * 2 * sum) / Math.sqrt(Math.PI);
}
const gelu = (x: number) => f(0.5 * x * (1 + erf(x / Math.SQRT2)));

function attention(qkv: Rows, heads: number): Rows {
  const H = qkv[0]!.length / 3, d = H / heads, T = qkv.length;
  const out = qkv.map(() => new Float64Array(H));
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < T; i++) {
      const s = qkv.map((kr) => {
        let dot = 0;
        for (let x = 0; x < d; x++) dot += qkv[i]![h * d + x]! * kr[H + h * d + x]!;
        return dot / Math.sqrt(d);
      });
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const z = e.reduce((a, v) => a + v, 0);
      for (let x = 0; x < d; x++) out[i]![h * d + x] = f(e.reduce((a, p, j) => a + (p / z) * qkv[j]![2 * H + h * d + x]!, 0));
    }
  }
  return out;
}

/** Hidden states [tokens][hidden] of one sequence (all tokens valid) under `plan`. */
export function referenceForward(shape: EncoderShape, w: EncoderWeights, plan: LayerPlan[], ids: number[], types: number[]): Rows {
  const H = shape.hidden, F = shape.ffn;
  let h: Rows = ids.map((id, p) =>
    layerNorm(Float64Array.from({ length: H }, (_, j) => f(f(w.word[id * H + j]! + w.position[p * H + j]!) + w.tokenType[types[p]! * H + j]!)), w.embLnG, w.embLnB, shape.eps));
  plan.forEach((lp, i) => {
    const l = w.layers[i]!;
    const full = lp.mode === 'fully-quant', q = full || lp.mode === 'quant-ffn-only';
    const c = lp.clips!, dt = lp.dtype8!;
    const fq = (rows: Rows, clip: number) => rows.map((r) => r.map((x) => fake(x, clip, dt)));
    const input = full ? fq(h, c.input) : h;  // fully-quant: the layer reads its input (and residual) 8-bit
    // with a qkv clip, the QKV output is 8-bit before its bias (the bias is added to the decoded values)
    const qkv8 = full && c.qkv !== undefined;
    const qkvRaw = full
      ? linear8(input, c.input, l.qkvW, qkv8 ? new Float32Array(3 * H) : l.qkvB, 3 * H, dt)
      : linear(h, l.qkvW, l.qkvB, 3 * H);
    const qkv = qkv8 ? fq(qkvRaw, c.qkv!).map((r) => r.map((x, j) => f(x + l.qkvB[j]!))) : qkvRaw;
    let ctx = attention(qkv, shape.heads);
    if (full) ctx = fq(ctx, c.ctx);
    const ao = full ? linear8(ctx, c.ctx, l.attnOutW, l.attnOutB, H, dt) : linear(ctx, l.attnOutW, l.attnOutB, H);
    const a = ao.map((r, t) => layerNorm(r.map((x, j) => f(x + input[t]![j]!)), l.ln1G, l.ln1B, shape.eps));
    let o: Rows;
    if (q) {
      const aq = fq(a, c.ffnIn);
      const mid = fq(linear8(aq, c.ffnIn, l.ffn1W, l.ffn1B, F, dt).map((r) => r.map(gelu)), c.ffnMid);
      o = linear8(mid, c.ffnMid, l.ffn2W, l.ffn2B, H, dt);
      const res = full ? aq : a;
      h = o.map((r, t) => layerNorm(r.map((x, j) => f(x + res[t]![j]!)), l.ln2G, l.ln2B, shape.eps));
    } else {
      const mid = linear(a, l.ffn1W, l.ffn1B, F).map((r) => r.map(gelu));
      o = linear(mid, l.ffn2W, l.ffn2B, H);
      h = o.map((r, t) => layerNorm(r.map((x, j) => f(x + a[t]![j]!)), l.ln2G, l.ln2B, shape.eps));
    }
  });
  return h;
}
