// Activation clips from calibration histograms: max, percentile, or the clip that minimizes the expected
// quantization error (MSE) for each 8-bit type.
import { type Dtype8, type LayerClips, type PointStats, invalidArgument } from '@samp/kernels-cuda';
import type { CalibrationClips } from './precision.js';

/** How a clip is chosen from a point's histogram of |x|. */
export type CalibrationMethod = 'max' | 'percentile' | 'mse';

export interface ClipOptions {
  /** Default `percentile`. */
  method?: CalibrationMethod;
  /** The percentile of |x| kept unclipped (method `percentile`), default 99.99. */
  percentile?: number;
}

const POINTS = ['input', 'ctx', 'ffnIn', 'ffnMid', 'qkv'] as const;
const MAX = { int8: 127, fp8: 448 } as const;

function percentileClip(h: PointStats, p: number): number {
  const total = h.counts.reduce((a, b) => a + b, 0);
  const width = h.range / h.counts.length;
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) {
    seen += h.counts[b]!;
    if (seen >= (total * p) / 100) return Math.min(h.amax, (b + 1) * width);
  }
  return h.amax;
}

/** Expected squared rounding error of a value of magnitude x on the grid of `dtype` with clip c (uniform noise
 * of the local step: step^2 / 12). */
function roundingError(x: number, c: number, dtype: Dtype8): number {
  const scale = c / MAX[dtype];
  if (dtype === 'int8') return (scale * scale) / 12;
  const v = x / scale;
  const step = v < 2 ** -6 ? 2 ** -9 : 2 ** (Math.floor(Math.log2(v)) - 3);
  return (step * scale) ** 2 / 12;
}

function mseClip(h: PointStats, dtype: Dtype8): number {
  const n = h.counts.length;
  const width = h.range / n;
  const last = Math.min(n, Math.ceil(h.amax / width));
  let best = h.amax;
  let bestErr = Infinity;
  const stride = Math.max(1, Math.floor(last / 512));  // about 512 candidates, from 1/64 of the max upwards
  for (let k = Math.max(1, Math.floor(last / 64)); k <= last; k += stride) {
    const c = Math.min(k * width, h.amax);
    let err = 0;
    for (let b = 0; b < last; b++) {
      const count = h.counts[b]!;
      if (count === 0) continue;
      const x = (b + 0.5) * width;
      err += count * (x > c ? (x - c) ** 2 : roundingError(x, c, dtype));
    }
    if (err < bestErr) {
      bestErr = err;
      best = c;
    }
  }
  return best;
}

/** The clip of one point; a point that only saw zeros gets 1 (any positive clip represents it exactly). */
export function clipOf(h: PointStats, dtype: Dtype8, options: ClipOptions = {}): number {
  if (!(h.amax > 0)) return 1;
  const method = options.method ?? 'percentile';
  if (method === 'max') return h.amax;
  if (method === 'percentile') return percentileClip(h, options.percentile ?? 99.99);
  if (method === 'mse') return mseClip(h, dtype);
  return invalidArgument('method', '"max", "percentile" or "mse"', method);
}

/** Clips of every layer for both 8-bit types, from statistics ordered layers x (input, ctx, ffnIn, ffnMid, qkv). */
export function clipsFromStats(stats: readonly PointStats[], layers: number, options: ClipOptions = {}): CalibrationClips {
  if (stats.length !== layers * POINTS.length) invalidArgument('stats', `${layers * POINTS.length} point statistics`, `${stats.length}`);
  const p = options.percentile ?? 99.99;
  if (!(p > 0 && p <= 100)) invalidArgument('percentile', 'a number in (0, 100]', p);
  const per = (dtype: Dtype8) =>
    Array.from({ length: layers }, (_, l): LayerClips => {
      const c = POINTS.map((_, j) => clipOf(stats[l * POINTS.length + j]!, dtype, options));
      return { input: c[0]!, ctx: c[1]!, ffnIn: c[2]!, ffnMid: c[3]!, qkv: c[4]! };
    });
  return { int8: per('int8'), fp8: per('fp8') };
}
