// Encode options: what callers pass, checked and merged with the file's own truncation and padding.
import type { PaddingConfig, Side, TokenizerConfig, TruncationConfig, TruncationStrategy } from './config.js';
import { invalidArgument } from './errors.js';
import { MAX_PADDED_LENGTH } from './tokenizer-json.js';
import type { Granularity } from './internal/sequence-encoder.js';

/** Padding asked for by the caller; unspecified fields come from tokenizer.json, else BERT's defaults. */
export interface PaddingOptions {
  /** Pad to exactly this length (longer inputs are left as they are); otherwise to the longest in the batch. */
  length?: number;
  /** Round the padded length up to a multiple of this. */
  multipleOf?: number;
  side?: Side;
  padId?: number;
  padTypeId?: number;
}

/** Options of `encode` and `encodeBatch`. */
export interface EncodeOptions {
  /** Truncate to this many tokens, special tokens included. Defaults to tokenizer.json's truncation. */
  maxLength?: number;
  /** Strategy, or `false` to turn off truncation (even the file's). */
  truncation?: TruncationStrategy | boolean;
  truncationSide?: Side;
  /** Add [CLS] / [SEP] (or the template's tokens). Default true. */
  addSpecialTokens?: boolean;
  /** `wordpiece` (default), `char` (each character a word) or `word` (dictionary words). */
  granularity?: Granularity;
  /** Padding; `false` turns off the file's padding for `encode` (a batch is always padded to its longest). */
  padding?: PaddingOptions | boolean;
}

/** Options after checking and merging. */
export interface ResolvedEncodeOptions {
  readonly truncation: TruncationConfig | null;
  readonly addSpecialTokens: boolean;
  readonly granularity: Granularity;
  readonly padding: PaddingConfig | null;
}

const GRANULARITIES: readonly Granularity[] = ['wordpiece', 'char', 'word'];
const STRATEGIES: readonly TruncationStrategy[] = ['longest_first', 'only_first', 'only_second'];

function positiveInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    invalidArgument(name, max === Number.MAX_SAFE_INTEGER ? 'positive integer' : `integer from 1 to ${max}`, value);
  }
  return value;
}

function sideOf(name: string, value: unknown, fallback: Side): Side {
  if (value === undefined) return fallback;
  if (value !== 'right' && value !== 'left') invalidArgument(name, '"right" or "left"', value);
  return value;
}

function resolveTruncation(o: EncodeOptions, file: TruncationConfig | null): TruncationConfig | null {
  if (o.truncation === false) return null;
  if (o.truncation !== undefined && o.truncation !== true && !STRATEGIES.includes(o.truncation)) {
    invalidArgument('truncation', `one of ${STRATEGIES.join(', ')} or a boolean`, o.truncation);
  }
  const maxLength = o.maxLength === undefined ? file?.maxLength : positiveInt('maxLength', o.maxLength);
  if (maxLength === undefined) {
    if (o.truncation !== undefined) invalidArgument('maxLength (needed by truncation)', 'positive integer', o.maxLength);
    return null;
  }
  const strategy = typeof o.truncation === 'string' ? o.truncation : file?.strategy ?? 'longest_first';
  return { maxLength, strategy, direction: sideOf('truncationSide', o.truncationSide, file?.direction ?? 'right') };
}

function resolvePadding(p: EncodeOptions['padding'], file: PaddingConfig | null, config: TokenizerConfig): PaddingConfig | null {
  if (p === false || (p === undefined && file === null)) return null;
  const padToken = file?.padToken ?? '[PAD]';
  const base: PaddingConfig = file ?? {
    strategy: 'longest',
    length: null,
    multipleOf: null,
    direction: 'right',
    padId: config.model.vocab.get(padToken) ?? 0,
    padTypeId: 0,
    padToken,
  };
  if (p === undefined || p === true) return base;
  if (typeof p !== 'object' || p === null) invalidArgument('padding', 'an object or a boolean', p);
  const length = p.length === undefined ? null : positiveInt('padding.length', p.length, MAX_PADDED_LENGTH);
  const nonNegative = (name: string, v: number | undefined, d: number): number =>
    v === undefined ? d : Number.isInteger(v) && v >= 0 ? v : invalidArgument(name, 'non-negative integer', v);
  return {
    strategy: length === null ? base.strategy : 'fixed',
    length: length ?? base.length,
    multipleOf: p.multipleOf === undefined ? base.multipleOf : positiveInt('padding.multipleOf', p.multipleOf, MAX_PADDED_LENGTH),
    direction: sideOf('padding.side', p.side, base.direction),
    padId: nonNegative('padding.padId', p.padId, base.padId),
    padTypeId: nonNegative('padding.padTypeId', p.padTypeId, base.padTypeId),
    padToken,
  };
}

/** Checks `options` and merges them with the tokenizer's own settings. */
export function resolveEncodeOptions(
  options: EncodeOptions | undefined,
  config: TokenizerConfig,
  defaultGranularity: Granularity,
): ResolvedEncodeOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) invalidArgument('options', 'an object', o);
  const granularity = o.granularity ?? defaultGranularity;
  if (!GRANULARITIES.includes(granularity)) invalidArgument('granularity', GRANULARITIES.join(', '), granularity);
  if (o.addSpecialTokens !== undefined && typeof o.addSpecialTokens !== 'boolean') {
    invalidArgument('addSpecialTokens', 'a boolean', o.addSpecialTokens);
  }
  return Object.freeze({
    truncation: resolveTruncation(o, config.truncation),
    addSpecialTokens: o.addSpecialTokens ?? true,
    granularity,
    padding: resolvePadding(o.padding, config.padding, config),
  });
}
