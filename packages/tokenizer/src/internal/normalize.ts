// Pass one of encoding: original text -> normalized characters with their original spans (UTF-16 units).
import {
  type CharTable,
  KIND_COMPLEX,
  KIND_REMOVED,
  KIND_SPACE,
  normalizeCodePoint,
  preTokenizerKind,
} from './char-classes.js';
import type { NormalizedBuffer } from './normalized-buffer.js';

const REPLACEMENT = 0xfffd;

function pushComplex(buf: NormalizedBuffer, cp: number, table: CharTable, start: number, end: number): void {
  const n = normalizeCodePoint(cp, table.flags);
  if (n.cps.length === 0) return;
  if (n.chinese) buf.boundary();
  for (const out of n.cps) {
    const kind = preTokenizerKind(out);
    if (kind === KIND_SPACE) buf.boundary();
    else buf.push(out, kind, start, end);
  }
  if (n.chinese) buf.boundary();
}

/**
 * Normalizes `text[from, to)` into `buf`. With `charMode`, every original code point is a word of its own
 * (HF's `is_split_into_words` over the characters).
 */
export function normalizeInto(
  text: string,
  from: number,
  to: number,
  table: CharTable,
  buf: NormalizedBuffer,
  charMode: boolean,
): void {
  const kinds = table.kind;
  const mapped = table.mapped;
  let i = from;
  while (i < to) {
    const start = i;
    let cp = text.charCodeAt(i++);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i < to ? text.charCodeAt(i) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        i++;
        pushComplex(buf, cp, table, start, i);
        if (charMode) buf.boundary();
        continue;
      }
      cp = REPLACEMENT; // a lone surrogate reads as U+FFFD, as it does through any UTF-8 conversion
    }
    const kind = kinds[cp]!;
    if (kind === KIND_SPACE) buf.boundary();
    else if (kind === KIND_COMPLEX) pushComplex(buf, cp, table, start, i);
    else if (kind !== KIND_REMOVED) buf.push(mapped[cp]!, kind, start, i);
    if (charMode) buf.boundary();
  }
}
