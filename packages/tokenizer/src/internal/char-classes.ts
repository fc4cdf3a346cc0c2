// Character classes of BertNormalizer + BertPreTokenizer, exactly as HF tokenizers applies them per code point.
import {
  CHINESE,
  CLEAN_SPACE,
  CONTROL,
  LOWER_MAP,
  PRE_SPACE,
  PUNCT,
  STRIP_MAP,
  STRIP_REMOVED,
} from './unicode-tables.js';

/** Which BertNormalizer steps run (HF's `strip_accents: null` is resolved to `lowercase` before this). */
export interface NormalizerFlags {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
}

/** The character vanishes (control character, or a mark dropped by accent stripping). */
export const KIND_REMOVED = 0;
/** The character is whitespace for the pre-tokenizer: it ends the current word. */
export const KIND_SPACE = 1;
/** The character is a word on its own (CJK ideograph, punctuation). */
export const KIND_ISOLATED = 2;
/** The character continues the current word. */
export const KIND_WORD = 3;
/** The character normalizes to several characters: use {@link normalizeCodePoint}. */
export const KIND_COMPLEX = 4;

function inRanges(ranges: readonly number[], cp: number): boolean {
  let lo = 0;
  let hi = (ranges.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]!) hi = mid - 1;
    else if (cp >= ranges[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function parseMap(flat: readonly number[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  let i = 0;
  while (i < flat.length) {
    const cp = flat[i++]!;
    const out: number[] = [];
    while (flat[i] !== -1) out.push(flat[i++]!);
    i++;
    map.set(cp, out);
  }
  return map;
}

const F_CONTROL = 1;
const F_CLEAN_SPACE = 2;
const F_CHINESE = 4;
const F_PRE_SPACE = 8;
const F_PUNCT = 16;
const F_STRIP_REMOVED = 32;

let bmp: Uint8Array | undefined;

/** Range membership of every BMP code point, as bit flags (built once, from the range tables). */
function bmpFlags(): Uint8Array {
  if (bmp) return bmp;
  bmp = new Uint8Array(0x10000);
  const mark = (ranges: readonly number[], flag: number) => {
    for (let i = 0; i < ranges.length; i += 2) {
      for (let cp = ranges[i]!; cp < Math.min(ranges[i + 1]!, 0x10000); cp++) bmp![cp]! |= flag;
    }
  };
  mark(CONTROL, F_CONTROL);
  mark(CLEAN_SPACE, F_CLEAN_SPACE);
  mark(CHINESE, F_CHINESE);
  mark(PRE_SPACE, F_PRE_SPACE);
  mark(PUNCT, F_PUNCT);
  mark(STRIP_REMOVED, F_STRIP_REMOVED);
  return bmp;
}

/** Whether `cp` is in `ranges` (flag `flag` for BMP code points). */
function has(ranges: readonly number[], flag: number, cp: number): boolean {
  return cp < 0x10000 ? (bmpFlags()[cp]! & flag) !== 0 : inRanges(ranges, cp);
}

let lowerMap: Map<number, number[]> | undefined;
let stripMap: Map<number, number[]> | undefined;

function stripAccents(cp: number): number[] {
  if (cp >= 0xac00 && cp <= 0xd7a3) {
    // Hangul syllables decompose algorithmically (Unicode 3.12); their jamo are not marks.
    const s = cp - 0xac00;
    const t = s % 28;
    const out = [0x1100 + Math.floor(s / 588), 0x1161 + Math.floor((s % 588) / 28)];
    if (t !== 0) out.push(0x11a7 + t);
    return out;
  }
  if (has(STRIP_REMOVED, F_STRIP_REMOVED, cp)) return [];
  stripMap ??= parseMap(STRIP_MAP);
  return stripMap.get(cp) ?? [cp];
}

function lowercase(cp: number): number[] {
  lowerMap ??= parseMap(LOWER_MAP);
  return lowerMap.get(cp) ?? [cp];
}

/** Whitespace for BertPreTokenizer. */
export function isPreTokenizerSpace(cp: number): boolean {
  return has(PRE_SPACE, F_PRE_SPACE, cp);
}

/** Punctuation for BertPreTokenizer. */
export function isPunctuation(cp: number): boolean {
  return has(PUNCT, F_PUNCT, cp);
}

/** Result of normalizing one code point: the characters it becomes, and whether they form an isolated word. */
export interface NormalizedCodePoint {
  /** Output code points; empty when the character is removed. */
  readonly cps: readonly number[];
  /** CJK ideograph padded with spaces by handle_chinese_chars: its output is a word of its own. */
  readonly chinese: boolean;
}

const EMPTY: NormalizedCodePoint = Object.freeze({ cps: Object.freeze([]), chinese: false });

/** Applies BertNormalizer's steps to one code point, in HF's order: clean, CJK, strip accents, lowercase. */
export function normalizeCodePoint(cp: number, flags: NormalizerFlags): NormalizedCodePoint {
  if (flags.cleanText) {
    if (has(CONTROL, F_CONTROL, cp)) return EMPTY;
    if (cp === 0x20 || has(CLEAN_SPACE, F_CLEAN_SPACE, cp)) return { cps: [0x20], chinese: false };
  }
  const chinese = flags.handleChineseChars && has(CHINESE, F_CHINESE, cp);
  let cps = flags.stripAccents ? stripAccents(cp) : [cp];
  if (flags.lowercase) cps = cps.length === 1 ? lowercase(cps[0]!) : cps.flatMap(lowercase);
  return { cps, chinese };
}

/** Classifies one normalized code point for the pre-tokenizer. */
export function preTokenizerKind(cp: number): number {
  if (isPreTokenizerSpace(cp)) return KIND_SPACE;
  return isPunctuation(cp) ? KIND_ISOLATED : KIND_WORD;
}

/** Kind and single-code-point mapping of every BMP character, for one set of normalizer flags. */
export interface CharTable {
  readonly flags: NormalizerFlags;
  /** One of the KIND_* constants, per BMP code point. */
  readonly kind: Uint8Array;
  /** What the character becomes, when `kind` is SPACE, ISOLATED or WORD. */
  readonly mapped: Int32Array;
}

function classify(cp: number, flags: NormalizerFlags): { kind: number; mapped: number } {
  const n = normalizeCodePoint(cp, flags);
  if (n.cps.length === 0) return { kind: KIND_REMOVED, mapped: 0 };
  if (n.cps.length > 1) return { kind: KIND_COMPLEX, mapped: 0 };
  const out = n.cps[0]!;
  const kind = preTokenizerKind(out);
  return { kind: n.chinese && kind === KIND_WORD ? KIND_ISOLATED : kind, mapped: out };
}

const tables = new Map<string, CharTable>();

/** The BMP table for these flags, built once per process (about 65k classifications). */
export function charTable(flags: NormalizerFlags): CharTable {
  const key = `${+flags.cleanText}${+flags.handleChineseChars}${+flags.stripAccents}${+flags.lowercase}`;
  let table = tables.get(key);
  if (table) return table;
  const kind = new Uint8Array(0x10000);
  const mapped = new Int32Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue; // surrogates are resolved by the scanner
    const c = classify(cp, flags);
    kind[cp] = c.kind;
    mapped[cp] = c.mapped;
  }
  table = Object.freeze({ flags: Object.freeze({ ...flags }), kind, mapped });
  tables.set(key, table);
  return table;
}
