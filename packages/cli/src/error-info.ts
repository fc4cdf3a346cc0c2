// The `error` object of a per-line error record: the stable code of a SampError (or of any coded error), else
// SAMP_INTERNAL, and the message.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export interface ErrorInfo {
  code: string;
  message: string;
}

export function errorInfo(error: unknown): ErrorInfo {
  const e = error as { code?: unknown; message?: unknown };
  const code = error instanceof SampError ? error.code : typeof e?.code === 'string' ? e.code : SampErrorCode.Internal;
  return { code, message: String(e?.message ?? error) };
}
