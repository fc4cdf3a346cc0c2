// Encodes one input sequence (no special tokens yet): added tokens, normalization, pre-tokenization, WordPiece.
import type { TokenizerConfig } from '../config.js';
import { AddedTokenMatcher } from './added-tokens.js';
import { type CharTable, charTable } from './char-classes.js';
import { normalizeInto } from './normalize.js';
import { normalizedText } from './normalized-text.js';
import { KIND_SPACE, NormalizedBuffer } from './normalized-buffer.js';
import { TokenRun } from './token-run.js';
import { WordPieceModel } from './wordpiece.js';

/** How the text is cut into words before WordPiece. */
export type Granularity = 'wordpiece' | 'char' | 'word';

/** A word segmenter: given text, the [start, end) spans of its words (UTF-16 units). */
export type SpanSegmenter = (text: string) => Iterable<readonly [number, number]>;

/** The compiled form of a TokenizerConfig, shared by every encode call. */
export class SequenceEncoder {
  readonly model: WordPieceModel;
  private readonly table: CharTable;
  private wordTableCache: CharTable | undefined;
  private readonly matcher: AddedTokenMatcher;
  private readonly charMatcher: AddedTokenMatcher;
  /** Added tokens marked `normalized`, matched in the normalized text by their normalized content. */
  private readonly normalizedMatcher: AddedTokenMatcher;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly buf = new NormalizedBuffer();

  constructor(config: TokenizerConfig) {
    const m = config.model;
    this.vocab = m.vocab;
    this.model = new WordPieceModel(m.vocab, m.vocab.get(m.unkToken)!, m.continuingSubwordPrefix, m.maxInputCharsPerWord);
    this.table = charTable(config.normalizer);
    const raw = config.addedTokens.filter((t) => !t.normalized);
    this.matcher = new AddedTokenMatcher(raw);
    // Over single characters, only one-character added tokens can match.
    this.charMatcher = new AddedTokenMatcher(raw.filter((t) => [...t.content].length === 1));
    this.normalizedMatcher = new AddedTokenMatcher(
      config.addedTokens
        .filter((t) => t.normalized)
        .map((t) => ({ ...t, content: normalizedText(t.content, 0, t.content.length, config.normalizer).text }))
        .filter((t) => t.content.length > 0),
    );
  }

  /** Appends the tokens of `text` to `out`. */
  encode(text: string, out: TokenRun, granularity: Granularity, segmenter?: SpanSegmenter): void {
    if (granularity === 'word' && segmenter) {
      for (const [start, end] of segmenter(text)) this.encodeWord(text, start, end, out);
      return;
    }
    const charMode = granularity === 'char';
    this.encodeSpan(text, 0, text.length, out, charMode);
  }

  private encodeSpan(text: string, from: number, to: number, out: TokenRun, charMode: boolean): void {
    const matcher = charMode ? this.charMatcher : this.matcher;
    let pos = from;
    if (!matcher.empty) {
      for (let m = matcher.next(text, pos, to, pos); m; m = matcher.next(text, pos, to, pos)) {
        this.encodeGap(text, pos, m.start, out, charMode);
        out.push(m.id, m.start, m.end);
        pos = m.end;
      }
    }
    this.encodeGap(text, pos, to, out, charMode);
  }

  /** Text between raw added tokens: normalized added tokens are looked for in its normalized form first. */
  private encodeGap(text: string, from: number, to: number, out: TokenRun, charMode: boolean): void {
    if (this.normalizedMatcher.empty || from >= to) {
      this.encodeNormalized(text, from, to, out, charMode);
      return;
    }
    const n = normalizedText(text, from, to, this.table.flags);
    let pos = from;
    let npos = 0;
    for (;;) {
      const m = this.normalizedMatcher.next(n.text, npos, n.text.length, npos);
      if (!m) break;
      npos = m.end;
      const start = n.starts[m.start]!;
      const end = n.ends[m.end - 1]!;
      // In char mode every character is encoded alone, so only a match within one character counts.
      if (start < pos || (charMode && [...text.slice(start, end)].length !== 1)) continue;
      this.encodeNormalized(text, pos, start, out, charMode);
      out.push(m.id, start, end);
      pos = end;
    }
    this.encodeNormalized(text, pos, to, out, charMode);
  }

  private encodeNormalized(text: string, from: number, to: number, out: TokenRun, charMode: boolean): void {
    if (from >= to) return;
    const buf = this.buf;
    buf.reset();
    normalizeInto(text, from, to, this.table, buf, charMode);
    this.model.tokenize(buf, out);
  }

  /** A segmented word: one token if the vocabulary has it whole, else the ordinary pipeline over its span. */
  private encodeWord(text: string, start: number, end: number, out: TokenRun): void {
    if (end - start > 1) {
      const buf = this.buf;
      buf.reset();
      this.wordTableCache ??= charTable({ ...this.table.flags, handleChineseChars: false });
      normalizeInto(text, start, end, this.wordTableCache, buf, false);
      let word = '';
      let first = -1;
      let last = -1;
      for (let i = 0; i < buf.length; i++) {
        if (buf.kind[i] === KIND_SPACE) continue;
        word += String.fromCodePoint(buf.cp[i]!);
        if (first < 0) first = i;
        last = i;
      }
      const id = first >= 0 ? this.vocab.get(word) : undefined;
      if (id !== undefined) {
        out.push(id, buf.start[first]!, buf.end[last]!);
        return;
      }
    }
    this.encodeSpan(text, start, end, out, false);
  }
}
