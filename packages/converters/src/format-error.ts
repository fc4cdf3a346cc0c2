// The one error every parser here throws for a file that is not what it claims: SAMP_MODEL_FORMAT naming the file.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';

export function formatError(path: string, why: string): SampError {
  return new SampError(SampErrorCode.ModelFormat, `${path}: ${why}`);
}
