// The project's one error class, with stable codes that callers (and the Python bridge) can match on. It shares
// its brand with the SampError of the other samp packages, so `instanceof SampError` holds across them.

const BRAND = Symbol.for('samp.SampError');

/** Stable error codes. A code never changes meaning once published. */
export const SampErrorCode = Object.freeze({
  InvalidArgument: 'SAMP_INVALID_ARGUMENT',
  FileNotFound: 'SAMP_FILE_NOT_FOUND',
  TokenizerFormat: 'SAMP_TOKENIZER_FORMAT',
  UnsupportedTokenizer: 'SAMP_UNSUPPORTED_TOKENIZER',
  WorkerFailed: 'SAMP_WORKER_FAILED',
  Disposed: 'SAMP_DISPOSED',
} as const);

/** One of the values of {@link SampErrorCode}. */
export type SampErrorCode = (typeof SampErrorCode)[keyof typeof SampErrorCode];

/**
 * Every error samp throws on purpose. `code` is stable; `message` says what was expected, what was
 * received, and how to fix it.
 */
export class SampError extends Error {
  /** Stable machine-readable code, e.g. `SAMP_TOKENIZER_FORMAT`. */
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
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${String(value)} of type ${typeof value}`;
}

/** Throws `SAMP_INVALID_ARGUMENT` in the house format: `Expected X for NAME but received Y`. */
export function invalidArgument(name: string, expected: string, received: unknown): never {
  throw new SampError(
    SampErrorCode.InvalidArgument,
    `Expected ${expected} for ${name} but received ${describeValue(received)}`,
  );
}
