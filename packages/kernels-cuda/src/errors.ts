// SampError for the compute core. It shares its brand with @samp/tokenizer's SampError, so `instanceof SampError`
// holds for an error thrown by any samp package, whichever package's class the caller imported.

const BRAND = Symbol.for('samp.SampError');

/** Stable error codes of the compute core. A code never changes meaning once published. */
export const SampErrorCode = Object.freeze({
  InvalidArgument: 'SAMP_INVALID_ARGUMENT',
  FileNotFound: 'SAMP_FILE_NOT_FOUND',
  ModelFormat: 'SAMP_MODEL_FORMAT',
  NotCalibrated: 'SAMP_NOT_CALIBRATED',
  UnsupportedOp: 'SAMP_UNSUPPORTED_OP',
  DeviceUnavailable: 'SAMP_DEVICE_UNAVAILABLE',
  CudaError: 'SAMP_CUDA_ERROR',
  OutOfMemory: 'SAMP_OUT_OF_MEMORY',
  NativeLoad: 'SAMP_NATIVE_LOAD',
  Disposed: 'SAMP_DISPOSED',
  /** A pickle (pytorch_model.bin) names a global outside the tensor state-dict allow-list; nothing was run. */
  UnsafePickle: 'SAMP_UNSAFE_PICKLE',
  Internal: 'SAMP_INTERNAL',
} as const);

/** One of the values of {@link SampErrorCode}. */
export type SampErrorCode = (typeof SampErrorCode)[keyof typeof SampErrorCode];

/** Every error samp throws on purpose: a stable `code`, and a message that says what was expected, what was
 * received, and how to fix it. */
export class SampError extends Error {
  /** Stable machine-readable code, e.g. `SAMP_MODEL_FORMAT`. */
  readonly code: SampErrorCode;

  constructor(code: SampErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SampError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Describes a received value for error messages: `1.5 of type number`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} of type string`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${String(value)} of type ${typeof value}`;
}

/** Throws `SAMP_INVALID_ARGUMENT` in the house format: `Expected X for NAME but received Y`. */
export function invalidArgument(name: string, expected: string, received: unknown): never {
  throw new SampError(SampErrorCode.InvalidArgument, `Expected ${expected} for ${name} but received ${describeValue(received)}`);
}

const KNOWN = new Set<string>(Object.values(SampErrorCode));

/** Re-throws an error from the addon as a SampError with its code and a JS stack. */
export function fromNative(error: unknown): SampError {
  if (error instanceof SampError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && KNOWN.has(e.code) ? (e.code as SampErrorCode) : SampErrorCode.Internal;
  return new SampError(code, String(e?.message ?? error), { cause: error });
}
