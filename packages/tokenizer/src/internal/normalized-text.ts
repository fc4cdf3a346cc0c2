// The normalized text exactly as HF's BertNormalizer writes it (spaces around CJK included), with the span of
// the original character behind every UTF-16 unit. Used to find added tokens marked `normalized`.
import { type NormalizerFlags, normalizeCodePoint } from './char-classes.js';

/** Normalized text with, per UTF-16 unit, the original span it came from. */
export interface NormalizedText {
  readonly text: string;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** Normalizes `source[from, to)`. Lone surrogates read as U+FFFD, as in the fast path. */
export function normalizedText(source: string, from: number, to: number, flags: NormalizerFlags): NormalizedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const emit = (s: string, start: number, end: number) => {
    text += s;
    for (let k = 0; k < s.length; k++) {
      starts.push(start);
      ends.push(end);
    }
  };
  let i = from;
  while (i < to) {
    const start = i;
    let cp = source.charCodeAt(i++);
    const next = i < to ? source.charCodeAt(i) : 0;
    if (cp >= 0xd800 && cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = ((cp - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
      i++;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    const n = normalizeCodePoint(cp, flags);
    if (n.cps.length === 0) continue;
    const chars = String.fromCodePoint(...n.cps);
    emit(n.chinese ? ` ${chars} ` : chars, start, i);
  }
  return { text, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
