// The PyTorch reference fixtures (scripts/gen-fixtures.py): loading, padded batches, and comparisons.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Checkpoint, type EncoderInputs, type EncoderOutputs } from '../src/index.js';

export interface FixtureCase {
  ids: number[];
  types: number[];
  logits: Float32Array;
  positions: number[];
  hiddenAt: Float32Array;
  pooled?: Float32Array;
  hidden?: Float32Array;
}

export interface Fixture {
  model: string;
  hiddenSize: number;
  numLabels: number;
  cases: FixtureCase[];
}

const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
};

export function loadFixture(path: string): Fixture {
  const raw = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, unknown> & { cases: Record<string, unknown>[] };
  return {
    model: String(raw.model),
    hiddenSize: Number(raw.hiddenSize),
    numLabels: Number(raw.numLabels),
    cases: raw.cases.map((c) => ({
      ids: c.ids as number[],
      types: c.types as number[],
      logits: f32(c.logits as string),
      positions: c.positions as number[],
      hiddenAt: f32(c.hiddenAt as string),
      ...(c.pooled ? { pooled: f32(c.pooled as string) } : {}),
      ...(c.hidden ? { hidden: f32(c.hidden as string) } : {}),
    })),
  };
}

/** Right-padded [batch, seq] matrices of some cases. */
export function padded(cases: FixtureCase[]): EncoderInputs {
  const seqLen = Math.max(...cases.map((c) => c.ids.length));
  const n = cases.length * seqLen;
  const inputIds = new Int32Array(n), tokenTypeIds = new Int32Array(n), attentionMask = new Int32Array(n);
  cases.forEach((c, b) => {
    inputIds.set(c.ids, b * seqLen);
    tokenTypeIds.set(c.types, b * seqLen);
    attentionMask.fill(1, b * seqLen, b * seqLen + c.ids.length);
  });
  return { inputIds, tokenTypeIds, attentionMask, batch: cases.length, seqLen };
}

/** The classifier of a BertFor*Classification checkpoint. */
export function readClassifier(dir: string, hidden: number, labels: number) {
  const ckpt = Checkpoint.open(dir);
  try {
    return { w: ckpt.read('classifier.weight', [labels, hidden]), b: ckpt.read('classifier.bias', [labels]) };
  } finally {
    ckpt.close();
  }
}

/** logits = W x[at..at+hidden) + b. */
export function linear(x: Float32Array, at: number, w: Float32Array, b: Float32Array, hidden: number, labels: number): Float32Array {
  const out = new Float32Array(labels);
  for (let l = 0; l < labels; l++) {
    let s = b[l]!;
    for (let k = 0; k < hidden; k++) s += w[l * hidden + k]! * x[at + k]!;
    out[l] = s;
  }
  return out;
}

export interface Comparison {
  maxHiddenAt: number;
  maxHiddenFull: number;
  maxPooled: number;
  maxLogits: number;
  argmaxAgree: number;
  argmaxTotal: number;
}

export const argmax = (a: Float32Array, at: number, n: number) => {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[at + j]! > a[at + best]!) best = j;
  return best;
};

/** Compares one batch's outputs with the fixture cases it was built from. Token-level logits (no pooler) use
 * the last hidden state; sequence-level logits use the pooled output. */
export function compare(cases: FixtureCase[], out: EncoderOutputs, head: { w: Float32Array; b: Float32Array }, labels: number, r: Comparison): void {
  const H = out.hidden;
  const diff = (a: Float32Array, ai: number, b: Float32Array, bi: number, n: number) => {
    let m = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.abs(a[ai + j]! - b[bi + j]!);
      m = e > m || Number.isNaN(e) ? (Number.isNaN(e) ? Infinity : e) : m;
    }
    return m;
  };
  cases.forEach((c, b) => {
    const row = b * out.seqLen * H;
    c.positions.forEach((p, k) => (r.maxHiddenAt = Math.max(r.maxHiddenAt, diff(out.lastHiddenState, row + p * H, c.hiddenAt, k * H, H))));
    if (c.hidden) r.maxHiddenFull = Math.max(r.maxHiddenFull, diff(out.lastHiddenState, row, c.hidden, 0, c.ids.length * H));
    if (c.pooled && out.pooled) {
      r.maxPooled = Math.max(r.maxPooled, diff(out.pooled, b * H, c.pooled, 0, H));
      const logits = linear(out.pooled, b * H, head.w, head.b, H, labels);
      r.maxLogits = Math.max(r.maxLogits, diff(logits, 0, c.logits, 0, labels));
      r.argmaxTotal++;
      if (argmax(logits, 0, labels) === argmax(c.logits, 0, labels)) r.argmaxAgree++;
    } else {
      for (let t = 0; t < c.ids.length; t++) {
        const logits = linear(out.lastHiddenState, row + t * H, head.w, head.b, H, labels);
        r.maxLogits = Math.max(r.maxLogits, diff(logits, 0, c.logits, t * labels, labels));
        r.argmaxTotal++;
        if (argmax(logits, 0, labels) === argmax(c.logits, t * labels, labels)) r.argmaxAgree++;
      }
    }
  });
}

export function emptyComparison(): Comparison {
  return { maxHiddenAt: 0, maxHiddenFull: 0, maxPooled: 0, maxLogits: 0, argmaxAgree: 0, argmaxTotal: 0 };
}
