// A layer's plan as a backend takes it: a mode, and for 8-bit modes the type and the static activation clips.
import { SampError, SampErrorCode, invalidArgument } from './errors.js';
import { type Device, type Dtype8, type LayerMode, LayerMode as Modes, isQuantized } from './device.js';

/** Static activation clips of a layer: the |x| mapped to the largest 8-bit code (127 for INT8, 448 for FP8) at
 * its quantization points. `input` and `ctx` are read by fully-quant layers only. */
export interface LayerClips {
  /** The layer's input (QKV GEMM input, and the first residual). */
  input: number;
  /** The attention output (attention-output GEMM input). */
  ctx: number;
  /** The first LayerNorm's output (first FFN GEMM input, and the second residual). */
  ffnIn: number;
  /** The GELU output (second FFN GEMM input). */
  ffnMid: number;
  /** The QKV GEMM's output before its bias (the attention input), fully-quant only. Optional: where it is given,
   * the QKV GEMM writes 8-bit and attention reads it; where not, the QKV output stays 16-bit. */
  qkv?: number;
}

/** One layer's plan. `dtype8` and `clips` are required by the 8-bit modes. */
export interface LayerPlan {
  mode: LayerMode;
  dtype8?: Dtype8;
  clips?: LayerClips;
}

const CLIP_KEYS = ['input', 'ctx', 'ffnIn', 'ffnMid'] as const;

/** Checks a plan entry (a mode name or a {@link LayerPlan}) against the device; returns it as a LayerPlan. */
export function checkLayerPlan(entry: LayerMode | LayerPlan, layer: number, device: Device): LayerPlan {
  const p: LayerPlan = typeof entry === 'string' ? { mode: entry } : entry;
  if (typeof p !== 'object' || p === null || typeof p.mode !== 'string' || !(p.mode in Modes)) {
    invalidArgument(`plan[${layer}]`, `a layer mode (${Object.keys(Modes).join(', ')}) or { mode, dtype8, clips }`, entry);
  }
  if (!device.modes.includes(p.mode)) {
    throw new SampError(SampErrorCode.UnsupportedOp, `The ${device.kind} device runs ${device.modes.join(', ')} layers, not ${p.mode} (layer ${layer})`);
  }
  if (!isQuantized(p.mode)) return { mode: p.mode };
  if (p.dtype8 !== 'int8' && p.dtype8 !== 'fp8') invalidArgument(`plan[${layer}].dtype8`, '"int8" or "fp8"', p.dtype8);
  if (device.eightBit[p.dtype8] === 'none') {
    throw new SampError(SampErrorCode.UnsupportedOp, `The ${device.kind} device does not run ${p.dtype8} layers (layer ${layer})`);
  }
  const clips = p.clips;
  if (typeof clips !== 'object' || clips === null) invalidArgument(`plan[${layer}].clips`, '{ input, ctx, ffnIn, ffnMid }', clips);
  const needed = p.mode === 'fully-quant' ? CLIP_KEYS : (['ffnIn', 'ffnMid'] as const);
  for (const key of needed) {
    const v = clips[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) invalidArgument(`plan[${layer}].clips.${key}`, 'a positive, finite number', v);
  }
  const { qkv } = clips;
  if (qkv !== undefined && (typeof qkv !== 'number' || !Number.isFinite(qkv) || qkv <= 0)) {
    invalidArgument(`plan[${layer}].clips.qkv`, 'a positive, finite number (or no qkv clip)', qkv);
  }
  return { mode: p.mode, dtype8: p.dtype8, clips: { ...clips } };
}
