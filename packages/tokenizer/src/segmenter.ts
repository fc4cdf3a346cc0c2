// Word segmentation for the `word` granularity: forward maximum matching over a dictionary, or a user function.
import { invalidArgument, SampError, SampErrorCode } from './errors.js';
import { isPreTokenizerSpace } from './internal/char-classes.js';
import type { SpanSegmenter } from './internal/sequence-encoder.js';

/** A function that cuts text into words, e.g. `(t) => jieba.cut(t)` from `@node-rs/jieba`. */
export type WordSegmenter = (text: string) => Iterable<string>;

const HAN = /\p{Script=Han}/u;

/**
 * Forward maximum matching: at each position the longest dictionary word wins; Han characters not in the
 * dictionary are words of one character; runs of other non-space characters are one word each.
 */
export function dictionarySegmenter(dictionary: Iterable<string>): SpanSegmenter {
  const words = new Set<string>();
  let longest = 1;
  for (const w of dictionary) {
    if (typeof w !== 'string') invalidArgument('wordDictionary entry', 'a string', w);
    if (w.length > 1) {
      words.add(w);
      longest = Math.max(longest, w.length);
    }
  }
  return function* segment(text: string) {
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      if (isPreTokenizerSpace(text.charCodeAt(pos))) {
        pos++;
        continue;
      }
      let end = -1;
      for (let len = Math.min(longest, n - pos); len > 1; len--) {
        if (words.has(text.slice(pos, pos + len))) {
          end = pos + len;
          break;
        }
      }
      if (end < 0) {
        const cp = text.codePointAt(pos)!;
        const width = cp > 0xffff ? 2 : 1;
        end = pos + width;
        if (!HAN.test(String.fromCodePoint(cp))) {
          while (end < n && !isPreTokenizerSpace(text.charCodeAt(end))) {
            const next = text.codePointAt(end)!;
            if (HAN.test(String.fromCodePoint(next))) break;
            end += next > 0xffff ? 2 : 1;
          }
        }
      }
      yield [pos, end] as const;
      pos = end;
    }
  };
}

/** Adapts a segmenter that returns word strings (in order) to spans in the text. */
export function wordsToSpans(segment: WordSegmenter): SpanSegmenter {
  return function* spans(text: string) {
    let cursor = 0;
    for (const word of segment(text)) {
      if (typeof word !== 'string') invalidArgument('a word from wordSegmenter', 'a string', word);
      if (word.length === 0) continue;
      const at = text.indexOf(word, cursor);
      if (at < 0) {
        throw new SampError(
          SampErrorCode.InvalidArgument,
          `wordSegmenter returned ${JSON.stringify(word)}, which does not occur in the text at or after position ${cursor}. ` +
            'A segmenter must return the words of the text, in order, without changing them.',
        );
      }
      cursor = at + word.length;
      yield [at, cursor] as const;
    }
  };
}
