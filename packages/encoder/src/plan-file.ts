// Plan files: a precision plan as JSON (one mode, a per-layer list, or { default, layers, dtype8 }), read for
// `samp run --plan` and the Pipeline. Checked against a model's layers by resolvePlan when it is loaded.
import { existsSync, readFileSync } from 'node:fs';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import type { PrecisionOption } from './precision.js';

/** Reads a plan file. Missing files are SAMP_FILE_NOT_FOUND, unreadable JSON or a wrong shape SAMP_INVALID_ARGUMENT;
 * the modes themselves are checked when the plan meets a model. */
export function readPlanFile(path: string): PrecisionOption {
  if (!existsSync(path)) throw new SampError(SampErrorCode.FileNotFound, `Plan file ${path} does not exist`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SampError(SampErrorCode.InvalidArgument, `Plan file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const isSpec = typeof value === 'object' && value !== null && !Array.isArray(value) && 'default' in value;
  if (typeof value !== 'string' && !Array.isArray(value) && !isSpec) {
    throw new SampError(
      SampErrorCode.InvalidArgument,
      `Plan file ${path} must hold a mode ("fully-quant"), a list with one mode per layer, or {"default": ..., "layers": {"11": ...}, "dtype8": "int8"}`,
    );
  }
  return value as PrecisionOption;
}
