// Precision options: one precision for every layer, or a per-layer plan, resolved for a device.
import { type Device, type Precision, SampError, SampErrorCode, invalidArgument } from '@samp/kernels-cuda';

/** A per-layer plan written short: a default, and the layers that differ (keys are layer indices). */
export interface PlanSpec {
  default: Precision;
  layers?: Record<string, Precision>;
}

/** `auto` (fp16 on cuda, fp32 on cpu), one precision, a full per-layer list, or a {@link PlanSpec}. */
export type PrecisionOption = Precision | 'auto' | readonly Precision[] | PlanSpec;

const NAMES: readonly string[] = ['fp32', 'fp16', 'bf16'];

function checkPrecision(name: string, p: unknown): Precision {
  if (typeof p !== 'string' || !NAMES.includes(p)) invalidArgument(name, '"fp32", "fp16" or "bf16"', p);
  return p as Precision;
}

let warnedCpuHalf = false;

/** One precision per layer for `device`. On cpu, fp16 / bf16 layers fall back to fp32 with one warning. */
export function resolvePlan(option: PrecisionOption | undefined, device: Device, layers: number): Precision[] {
  let plan: Precision[];
  if (option === undefined || option === 'auto') {
    plan = new Array<Precision>(layers).fill(device.kind === 'cuda' ? 'fp16' : 'fp32');
  } else if (typeof option === 'string') {
    plan = new Array<Precision>(layers).fill(checkPrecision('precision', option));
  } else if (Array.isArray(option)) {
    if (option.length !== layers) invalidArgument('precision', `a list of ${layers} layer precisions`, option);
    plan = option.map((p, i) => checkPrecision(`precision[${i}]`, p));
  } else if (typeof option === 'object' && option !== null && 'default' in option) {
    const spec = option as PlanSpec;
    const unknown = Object.keys(spec).filter((k) => k !== 'default' && k !== 'layers');
    if (unknown.length > 0) {
      throw new SampError(SampErrorCode.InvalidArgument, `Unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')} in a precision plan (expected "default" and "layers")`);
    }
    if (spec.layers !== undefined && (typeof spec.layers !== 'object' || spec.layers === null || Array.isArray(spec.layers))) {
      invalidArgument('precision.layers', 'an object of layer index -> precision', spec.layers);
    }
    plan = new Array<Precision>(layers).fill(checkPrecision('precision.default', spec.default));
    for (const [key, p] of Object.entries(spec.layers ?? {})) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= layers) {
        throw new SampError(SampErrorCode.InvalidArgument, `Expected layer indices 0..${layers - 1} in precision.layers but received "${key}"`);
      }
      plan[i] = checkPrecision(`precision.layers.${key}`, p);
    }
  } else {
    return invalidArgument('precision', '"auto", "fp32", "fp16", "bf16", a list or { default, layers }', option);
  }
  if (device.kind === 'cpu' && plan.some((p) => p !== 'fp32')) {
    if (!warnedCpuHalf) {
      warnedCpuHalf = true;
      process.emitWarning('samp: the cpu device runs fp32 only; fp16 / bf16 layers run in fp32', { code: 'SAMP_CPU_FP32' });
    }
    plan = plan.map(() => 'fp32');
  }
  return plan;
}
