// Precision plans: one mode for every layer, a per-layer list, or { default, layers, dtype8 }, resolved for a
// device and a model's calibration. Combinations the device cannot run fall back per layer, with a note.
import {
  type Device,
  type Dtype8,
  type LayerClips,
  LayerMode,
  type LayerPlan,
  SampError,
  SampErrorCode,
  invalidArgument,
  isQuantized,
} from '@samp/kernels-cuda';

/** The 8-bit type of a plan: `auto` takes the one the device runs fastest. */
export type Dtype8Option = Dtype8 | 'auto';

/** A per-layer plan written short: a default mode, the layers that differ (keys are layer indices) and the 8-bit
 * type of the quantized layers (default `auto`). */
export interface PlanSpec {
  /** `auto` here means the device's float default (fp16 on cuda, fp32 on cpu). */
  default: LayerMode | 'auto';
  layers?: Record<string, LayerMode>;
  dtype8?: Dtype8Option;
}

/** `auto` (fp16 on cuda, fp32 on cpu), one mode, a full per-layer list, or a {@link PlanSpec}. */
export type PrecisionOption = LayerMode | 'auto' | readonly LayerMode[] | PlanSpec;

/** Activation clips per layer for each 8-bit type, from calibration (see calibration.ts). */
export interface CalibrationClips {
  int8: LayerClips[];
  fp8: LayerClips[];
}

/** A plan resolved for a device: every layer's plan, and a note for each fallback taken. */
export interface ResolvedPlan {
  layers: LayerPlan[];
  notes: string[];
}

const MODES = Object.keys(LayerMode);
const SPEC_KEYS = new Set(['default', 'layers', 'dtype8']);

function checkMode(name: string, p: unknown): LayerMode {
  if (typeof p !== 'string' || !MODES.includes(p)) invalidArgument(name, `one of ${MODES.map((m) => `"${m}"`).join(', ')}`, p);
  return p as LayerMode;
}

function checkDtype8(p: unknown): Dtype8Option {
  if (p !== 'int8' && p !== 'fp8' && p !== 'auto') invalidArgument('precision.dtype8', '"int8", "fp8" or "auto"', p);
  return p;
}

/** The modes of every layer (`auto` meaning `floatDefault`), and the plan's 8-bit type; checks the option. */
export function planModes(option: PrecisionOption | undefined, layers: number, floatDefault: LayerMode = 'fp32'): { modes: LayerMode[]; dtype8: Dtype8Option } {
  if (option === undefined || option === 'auto') return { modes: new Array<LayerMode>(layers).fill(floatDefault), dtype8: 'auto' };
  if (typeof option === 'string') return { modes: new Array<LayerMode>(layers).fill(checkMode('precision', option)), dtype8: 'auto' };
  if (Array.isArray(option)) {
    if (option.length !== layers) invalidArgument('precision', `a list of ${layers} layer modes`, option);
    return { modes: option.map((p, i) => checkMode(`precision[${i}]`, p)), dtype8: 'auto' };
  }
  if (typeof option === 'object' && option !== null && 'default' in option) {
    const spec = option as PlanSpec;
    const unknown = Object.keys(spec).filter((k) => !SPEC_KEYS.has(k));
    if (unknown.length > 0) {
      throw new SampError(SampErrorCode.InvalidArgument, `Unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')} in a precision plan (expected "default", "layers" and "dtype8")`);
    }
    if (spec.layers !== undefined && (typeof spec.layers !== 'object' || spec.layers === null || Array.isArray(spec.layers))) {
      invalidArgument('precision.layers', 'an object of layer index -> mode', spec.layers);
    }
    const modes = new Array<LayerMode>(layers).fill(spec.default === 'auto' ? floatDefault : checkMode('precision.default', spec.default));
    for (const [key, p] of Object.entries(spec.layers ?? {})) {
      const i = Number(key);
      if (!/^\d+$/.test(key) || i >= layers) {
        throw new SampError(SampErrorCode.InvalidArgument, `Expected layer indices 0..${layers - 1} in precision.layers but received "${key}"`);
      }
      modes[i] = checkMode(`precision.layers.${key}`, p);
    }
    return { modes, dtype8: spec.dtype8 === undefined ? 'auto' : checkDtype8(spec.dtype8) };
  }
  return invalidArgument('precision', '"auto", a mode, a list of modes or { default, layers, dtype8 }', option);
}

/** The 8-bit type `auto` means on a device: the native one (FP8 where both are native), else none. */
export function autoDtype8(device: Device): Dtype8 | undefined {
  if (device.eightBit.fp8 === 'native') return 'fp8';
  if (device.eightBit.int8 === 'native') return 'int8';
  return undefined;
}

/**
 * Each layer's plan for `device`. Quantized layers take their clips from `calibration` (a plan that quantizes a
 * layer of an uncalibrated model is SAMP_NOT_CALIBRATED). Fallbacks, each noted: float precisions the device
 * lacks run in its default float precision; an 8-bit type the device lacks is replaced by the other where it runs
 * that one; 8-bit layers the device cannot run at all run in float.
 */
export function resolvePlan(option: PrecisionOption | undefined, device: Device, layers: number, calibration?: CalibrationClips): ResolvedPlan {
  const floatDefault: LayerMode = device.kind === 'cuda' ? 'fp16' : 'fp32';
  const { modes, dtype8: wanted } = planModes(option, layers, floatDefault);
  const notes: string[] = [];
  let dtype8: Dtype8 | undefined = wanted === 'auto' ? autoDtype8(device) : wanted;
  if (dtype8 !== undefined && device.eightBit[dtype8] === 'none' && modes.some(isQuantized)) {
    // the other 8-bit type, where the device runs it (e.g. INT8 for FP8 before sm_89)
    const other: Dtype8 = dtype8 === 'fp8' ? 'int8' : 'fp8';
    if (device.eightBit[other] !== 'none') {
      notes.push(`${dtype8} does not run on ${device.name}: the 8-bit layers run ${other}`);
      dtype8 = other;
    }
  }
  const planned = modes.map((mode, i): LayerPlan => {
    if (!isQuantized(mode)) return { mode: device.modes.includes(mode) ? mode : floatDefault };
    if (!calibration) {
      throw new SampError(
        SampErrorCode.NotCalibrated,
        `Layer ${i} is ${mode} but the model has no calibration: make a quantized model with \`samp quantize\` (or pass calibration clips)`,
      );
    }
    if (dtype8 === undefined || device.eightBit[dtype8] === 'none' || !device.modes.includes(mode)) return { mode: floatDefault };
    const clips = calibration[dtype8][i];
    if (!clips) throw new SampError(SampErrorCode.NotCalibrated, `The calibration has no ${dtype8} clips for layer ${i}`);
    return { mode, dtype8, clips };
  });
  const fell = planned.map((p, i) => [modes[i]!, p] as const).filter(([m, p]) => m !== p.mode);
  if (fell.length > 0) {
    const what = [...new Set(fell.map(([m]) => (isQuantized(m) ? `${m} ${dtype8 ?? wanted}` : m)))].join(', ');
    notes.push(`${fell.length} layer(s) asked for ${what}, which the ${device.kind} device does not run: they run ${floatDefault}`);
  }
  if (planned.some((p) => p.dtype8 !== undefined && device.eightBit[p.dtype8] === 'emulated')) {
    notes.push(`${dtype8} runs emulated on the ${device.kind} device (exact arithmetic, slow; meant for checks)`);
  }
  return { layers: planned, notes };
}
