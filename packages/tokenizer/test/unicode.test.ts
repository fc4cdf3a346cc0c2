// Every code point is classified as HF tokenizers classifies it (probe made by scripts/gen-golden.py).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isPreTokenizerSpace, isPunctuation, normalizeCodePoint } from '../src/internal/char-classes.js';
import { fixturePath } from './shared.js';

interface Probe {
  control: [number, number][];
  clean_space: [number, number][];
  chinese: [number, number][];
  pre_space: [number, number][];
  punct: [number, number][];
  strip: Record<string, string>;
  lower: Record<string, string>;
}

const probe = JSON.parse(gunzipSync(readFileSync(fixturePath('unicode-probe.json.gz'))).toString('utf8')) as Probe;

function setOf(ranges: [number, number][]): Set<number> {
  const s = new Set<number>();
  for (const [a, b] of ranges) for (let cp = a; cp < b; cp++) s.add(cp);
  return s;
}

const OFF = { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false };
const str = (cps: readonly number[]) => String.fromCodePoint(...cps);

function* codePoints(): Generator<number> {
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) yield cp;
}

describe('character classes against the HF probe, all 1,112,064 scalar values', () => {
  it('clean_text: removed, turned into a space, or kept', () => {
    const control = setOf(probe.control);
    const space = setOf(probe.clean_space);
    const flags = { ...OFF, cleanText: true };
    let checked = 0;
    for (const cp of codePoints()) {
      const out = str(normalizeCodePoint(cp, flags).cps);
      const expected = control.has(cp) ? '' : space.has(cp) ? ' ' : String.fromCodePoint(cp);
      if (out !== expected) expect({ cp, out }).toEqual({ cp, out: expected });
      checked++;
    }
    expect(checked).toBe(1_112_064);
  });

  it('handle_chinese_chars', () => {
    const chinese = setOf(probe.chinese);
    const flags = { ...OFF, handleChineseChars: true };
    for (const cp of codePoints()) {
      const isChinese = normalizeCodePoint(cp, flags).chinese;
      if (isChinese !== chinese.has(cp)) expect({ cp, isChinese }).toEqual({ cp, isChinese: chinese.has(cp) });
    }
  });

  it('strip_accents and lowercase', () => {
    const strip = { ...OFF, stripAccents: true };
    const lower = { ...OFF, lowercase: true };
    for (const cp of codePoints()) {
      const ch = String.fromCodePoint(cp);
      const s = str(normalizeCodePoint(cp, strip).cps);
      if (s !== (probe.strip[cp] ?? ch)) expect({ cp, s }).toEqual({ cp, s: probe.strip[cp] ?? ch });
      const l = str(normalizeCodePoint(cp, lower).cps);
      if (l !== (probe.lower[cp] ?? ch)) expect({ cp, l }).toEqual({ cp, l: probe.lower[cp] ?? ch });
    }
  });

  it('BertPreTokenizer whitespace and punctuation', () => {
    const space = setOf(probe.pre_space);
    const punct = setOf(probe.punct);
    for (const cp of codePoints()) {
      if (isPreTokenizerSpace(cp) !== space.has(cp)) expect({ cp, space: !space.has(cp) }).toEqual({ cp, space: space.has(cp) });
      if (isPunctuation(cp) !== punct.has(cp)) expect({ cp, punct: !punct.has(cp) }).toEqual({ cp, punct: punct.has(cp) });
    }
  });
});
