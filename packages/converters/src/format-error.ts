// The one error every parser here throws for a file that is not what it claims (SAMP_MODEL_FORMAT naming the file),
// and the JSON-object parse that throws it.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export function formatError(path: string, why: string): SampError {
  return new SampError(SampErrorCode.ModelFormat, `${path}: ${why}`);
}

/** Parses `text` (from `where`) as a JSON object. */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (error) {
    throw formatError(where, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw formatError(where, 'is not a JSON object');
  return v as Record<string, unknown>;
}
