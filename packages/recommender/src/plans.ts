// Candidate plans: one layer quantized at a time (sensitivity), and the three decay curves that quantize more
// layers in order of least harm: Fully-Quant, Quant-FFN-Only, and Quant-FFN-Only everywhere with the least
// harmful layers raised to Fully-Quant.
import type { Dtype8Option, PlanSpec } from '@samp/encoder';
import type { LayerMode } from '@samp/kernels-cuda';

/** The 8-bit modes a layer can take. */
export type QuantMode = 'fully-quant' | 'quant-ffn-only';
export const QUANT_MODES: readonly QuantMode[] = ['fully-quant', 'quant-ffn-only'];

/** Which curve a plan lies on: the float baselines, or a decay curve. */
export type Family = 'fp32' | 'fp16' | QuantMode | 'mixed';

/** A candidate: every layer's mode (`auto` = the device's float default), and where it lies on its curve. */
export interface CandidatePlan {
  /** Short stable name, e.g. `fully-quant x5`, `quant-ffn-only x12 + fully-quant x3`. */
  label: string;
  family: Family;
  /** 8-bit layers of the plan's own mode (for `mixed`, the Fully-Quant ones); 0 for the baselines. */
  k: number;
  modes: (LayerMode | 'auto')[];
}

export const baselinePlan = (mode: 'fp32' | 'fp16', layers: number): CandidatePlan => ({ label: mode, family: mode, k: 0, modes: new Array(layers).fill(mode) });

/** Layer `layer` in `mode`, the others in the float default. */
export function singleLayerPlan(mode: QuantMode, layer: number, layers: number): CandidatePlan {
  const modes = new Array<LayerMode | 'auto'>(layers).fill('auto');
  modes[layer] = mode;
  return { label: `${mode} layer ${layer}`, family: mode, k: 1, modes };
}

/** The first `k` layers of `order` in `mode`, the rest in the float default (k = 1..layers). */
export function curvePlan(mode: QuantMode, order: readonly number[], k: number): CandidatePlan {
  const modes = new Array<LayerMode | 'auto'>(order.length).fill('auto');
  for (const l of order.slice(0, k)) modes[l] = mode;
  return { label: `${mode} x${k}`, family: mode, k, modes };
}

/** Every layer Quant-FFN-Only, the first `k` layers of `order` Fully-Quant (k = 1..layers - 1). */
export function mixedPlan(order: readonly number[], k: number): CandidatePlan {
  const modes = new Array<LayerMode | 'auto'>(order.length).fill('quant-ffn-only');
  for (const l of order.slice(0, k)) modes[l] = 'fully-quant';
  return { label: `quant-ffn-only x${order.length - k} + fully-quant x${k}`, family: 'mixed', k, modes };
}

/** Layers ordered by least harm first: fewest changed predictions, then the smaller metric drop, then index. */
export function harmOrder(rows: readonly { layer: number; flips: number; drop: number }[]): number[] {
  return [...rows].sort((a, b) => a.flips - b.flips || a.drop - b.drop || a.layer - b.layer).map((r) => r.layer);
}

/** A plan as the short `{ default, layers, dtype8 }` form of samp.json and `--plan` files. */
export function planSpec(plan: CandidatePlan, dtype8: Dtype8Option): PlanSpec {
  const quantized = plan.modes.filter((m): m is QuantMode => m === 'fully-quant' || m === 'quant-ffn-only');
  if (quantized.length === 0) return plan.modes[0] === 'auto' ? { default: 'auto' } : { default: plan.modes[0]! };
  const counts = new Map<string, number>();
  for (const m of quantized) counts.set(m, (counts.get(m) ?? 0) + 1);
  const allQuantized = quantized.length === plan.modes.length;
  const base: LayerMode | 'auto' = allQuantized ? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0] as QuantMode : 'auto';
  const layers: Record<string, LayerMode> = {};
  plan.modes.forEach((m, i) => {
    if (m !== base && m !== 'auto') layers[String(i)] = m;
  });
  return Object.keys(layers).length > 0 ? { default: base, layers, dtype8 } : { default: base, dtype8 };
}
