// The quantization sidecar of a model directory (`samp.json`): the precision plan and the calibration (activation
// clips per layer for INT8 and FP8). Written by `samp quantize`; read by Encoder.load.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LayerClips, SampError, SampErrorCode } from '@samp/kernels-cuda';
import type { CalibrationMethod } from './calibration.js';
import { type CalibrationClips, type PlanSpec, planModes } from './precision.js';

export const QUANT_FILE = 'samp.json';

/** How the clips were found. */
export interface CalibrationInfo {
  method: CalibrationMethod;
  percentile?: number;
  /** The task whose inputs calibrated it (classify, match, tag). */
  task?: string;
  /** Calibration inputs (texts or pairs) and the tokens they held. */
  samples: number;
  tokens: number;
  /** Where the inputs came from (a file name), and when. */
  source?: string;
  created?: string;
}

export interface QuantFile {
  format: 'samp';
  version: 1;
  plan: PlanSpec;
  calibration: CalibrationInfo;
  clips: CalibrationClips;
}

function bad(path: string, what: string): never {
  throw new SampError(SampErrorCode.ModelFormat, `${path}: ${what}`);
}

function checkClips(path: string, list: unknown, layers: number, key: string): LayerClips[] {
  if (!Array.isArray(list) || list.length !== layers) bad(path, `"clips.${key}" must list ${layers} layers`);
  return list.map((c: unknown, i) => {
    const o = c as Record<string, unknown>;
    for (const p of ['input', 'ctx', 'ffnIn', 'ffnMid']) {
      const v = typeof o === 'object' && o !== null ? o[p] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad(path, `"clips.${key}[${i}].${p}" must be a positive number`);
    }
    const out: LayerClips = {
      input: o.input as number, ctx: o.ctx as number, ffnIn: o.ffnIn as number, ffnMid: o.ffnMid as number,
    };
    if (o.qkv === undefined) return out;  // written before the QKV output was calibrated: it stays 16-bit
    if (typeof o.qkv !== 'number' || !Number.isFinite(o.qkv) || o.qkv <= 0) {
      bad(path, `"clips.${key}[${i}].qkv" must be a positive number`);
    }
    return { ...out, qkv: o.qkv };
  });
}

/** The sidecar of `dir`, checked against the model's layer count; undefined when there is none. */
export function readQuantFile(dir: string, layers: number): QuantFile | undefined {
  const path = join(dir, QUANT_FILE);
  if (!existsSync(path)) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return bad(path, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || v.format !== 'samp') bad(path, 'expected {"format": "samp", ...}');
  if (v.version !== 1) bad(path, `version ${String(v.version)} is not supported (this samp reads version 1)`);
  const cal = v.calibration as CalibrationInfo | undefined;
  if (typeof cal !== 'object' || cal === null || !['max', 'percentile', 'mse'].includes(cal.method)) bad(path, '"calibration.method" must be max, percentile or mse');
  const clips = v.clips as Record<string, unknown> | undefined;
  if (typeof clips !== 'object' || clips === null) bad(path, '"clips" must hold "int8" and "fp8" lists');
  const plan = v.plan as PlanSpec;
  try {
    planModes(plan, layers);
  } catch (error) {
    bad(path, `"plan": ${(error as Error).message}`);
  }
  return {
    format: 'samp',
    version: 1,
    plan,
    calibration: cal,
    clips: { int8: checkClips(path, clips.int8, layers, 'int8'), fp8: checkClips(path, clips.fp8, layers, 'fp8') },
  };
}

/** Writes the sidecar into `dir`. */
export function writeQuantFile(dir: string, file: Omit<QuantFile, 'format' | 'version'>): void {
  const body: QuantFile = { format: 'samp', version: 1, ...file };
  writeFileSync(join(dir, QUANT_FILE), `${JSON.stringify(body, null, 2)}\n`);
}
