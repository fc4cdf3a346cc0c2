// Property-based robustness: any JavaScript string is valid input and the outputs keep their invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/index.js';
import { sharedPath } from './shared.js';

const tk = Tokenizer.fromFile(sharedPath('models/chnsenticorp/tokenizer.json'));

// Strings of arbitrary UTF-16 units (lone surrogates, NUL, controls) mixed with CJK, specials and spaces.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(fc.constantFrom('[SEP]', '[CLS]', '好', ' ', '\u0000', '\ud800', '\udc00', '😀', 'É', '##', 'a', '\u200b', '、', 'İ', '\u3000'), {
      maxLength: 40,
    })
    .map((parts) => parts.join('')),
);

function checkInvariants(text: string, pair: string | null, granularity: 'wordpiece' | 'char' | 'word'): void {
  const e = tk.encode(text, pair, { granularity, maxLength: 64 });
  expect(e.length).toBeLessThanOrEqual(64);
  const lastStart = [0, 0];
  for (let i = 0; i < e.length; i++) {
    const id = e.ids[i]!;
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThan(tk.vocabSize);
    const seq = e.sequenceIds[i]!;
    const s = e.offsetStarts[i]!;
    const t = e.offsetEnds[i]!;
    if (seq < 0) {
      expect([s, t]).toEqual([0, 0]);
      continue;
    }
    const source = seq === 0 ? text : pair!;
    expect(s).toBeGreaterThanOrEqual(lastStart[seq]!);
    expect(t).toBeGreaterThan(s);
    expect(t).toBeLessThanOrEqual(source.length);
    lastStart[seq] = s;
  }
}

describe('robustness (fast-check)', () => {
  it('never throws for text content; ids in range; offsets ordered and inside their text', () => {
    fc.assert(
      fc.property(nasty, fc.option(nasty, { nil: null }), fc.constantFrom('wordpiece', 'char', 'word' as const), (a, b, g) => {
        checkInvariants(a, b, g);
      }),
      { numRuns: 1500 },
    );
  });

  it('a batch row equals the single encoding of the same input', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), (texts) => {
        const batch = tk.encodeBatch(texts);
        texts.forEach((t, i) => {
          const single = tk.encode(t);
          const row = batch.ids.subarray(i * batch.seqLen, i * batch.seqLen + single.length);
          expect(Array.from(row)).toEqual(Array.from(single.ids));
          expect(batch.lengths[i]).toBe(single.length);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('char granularity: every token covers one code point; a character split in pieces repeats its span', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 60 }), (text) => {
        const e = tk.encode(text, null, { granularity: 'char', truncation: false });
        for (let i = 1; i < e.length - 1; i++) {
          const piece = text.slice(e.offsetStarts[i], e.offsetEnds[i]);
          expect([...piece].length).toBe(1);
          if (i === 1) continue;
          const sameChar = e.offsetStarts[i] === e.offsetStarts[i - 1] && e.offsetEnds[i] === e.offsetEnds[i - 1];
          // e.g. a Hangul syllable decomposes into jamo that WordPiece may split: '가' -> 'ᄀ', '##ᅡ'
          if (!sameChar) expect(e.offsetStarts[i]!).toBeGreaterThanOrEqual(e.offsetEnds[i - 1]!);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('handles a megabyte-long string', () => {
    const big = '今天天气很好，适合出门。Hello world! '.repeat(41_000);
    expect(big.length).toBeGreaterThan(1_000_000);
    const e = tk.encode(big, null, { truncation: false });
    expect(e.length).toBeGreaterThan(600_000);
    expect(tk.encode(big).length).toBe(128);
    expect(tk.encode('x'.repeat(1_000_000)).tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });
});
