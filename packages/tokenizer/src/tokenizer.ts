// The Tokenizer: loads tokenizer.json or vocab.txt, encodes texts and pairs exactly as HF tokenizers does.
import { readFileSync, statSync } from 'node:fs';
import type { PaddingConfig, TokenizerConfig } from './config.js';
import { decodeTokens } from './decode.js';
import { type BatchEncoding, Encoding } from './encoding.js';
import { describeValue, invalidArgument, SampError, SampErrorCode } from './errors.js';
import { Assembler, paddedLength } from './internal/assemble.js';
import { assembleBatch } from './internal/batch.js';
import { type PackedRows, RowBuilder } from './internal/rows.js';
import { type Granularity, SequenceEncoder, type SpanSegmenter } from './internal/sequence-encoder.js';
import { TokenRun } from './internal/token-run.js';
import { truncateRuns } from './internal/truncate.js';
import { type EncodeOptions, type ResolvedEncodeOptions, resolveEncodeOptions } from './options.js';
import { dictionarySegmenter, type WordSegmenter, wordsToSpans } from './segmenter.js';
import { readTokenizerJson } from './tokenizer-json.js';
import { readVocabTxt, type VocabOptions } from './vocab-txt.js';

/** Options when loading a tokenizer. vocab.txt options apply only to vocab.txt files. */
export interface TokenizerOptions extends VocabOptions {
  /** Granularity used when a call does not say (default `wordpiece`). */
  granularity?: Granularity;
  /** Words for the `word` granularity's maximum-matching segmenter (default: multi-character vocabulary entries). */
  wordDictionary?: Iterable<string>;
  /** A segmenter for the `word` granularity, e.g. `(t) => jieba.cut(t)`; overrides `wordDictionary`. */
  wordSegmenter?: WordSegmenter;
}

/** One input of a batch: a text, or a pair of texts. */
export type BatchInput = string | readonly [string, string];

/** Where a tokenizer came from, so worker threads can rebuild it. */
export type TokenizerSource =
  | { readonly kind: 'json'; readonly text: string }
  | { readonly kind: 'vocab'; readonly text: string; readonly options: VocabOptions };

/** `[text, pair]` of one batch input, or SAMP_INVALID_ARGUMENT. */
function splitInput(input: BatchInput, i: number): [string, string | null] {
  if (typeof input === 'string') return [input, null];
  if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'string' && typeof input[1] === 'string') {
    return [input[0], input[1]];
  }
  throw new SampError(
    SampErrorCode.InvalidArgument,
    `Expected a string or a [text, pair] tuple of strings for inputs[${i}] but received ${describeValue(input)}`,
  );
}

function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string') invalidArgument(name, 'a string', value);
  return value;
}

/** A BERT WordPiece tokenizer, identical in output to Hugging Face `tokenizers`. */
export class Tokenizer {
  /** The resolved configuration (normalizer, vocabulary, post-processor, truncation, padding). */
  readonly config: TokenizerConfig;
  /** What the tokenizer was built from. */
  readonly source: TokenizerSource;
  private readonly encoder: SequenceEncoder;
  private readonly assembler: Assembler;
  private readonly defaults: ResolvedEncodeOptions;
  private readonly defaultGranularity: Granularity;
  private readonly idToTokenTable: string[];
  private readonly specialIds: Set<number>;
  private readonly segmenter: SpanSegmenter;
  private readonly options: TokenizerOptions;
  private readonly runA = new TokenRun();
  private readonly runB = new TokenRun();
  readonly idToToken = (id: number): string => this.idToTokenTable[id] ?? '';

  private constructor(config: TokenizerConfig, source: TokenizerSource, options: TokenizerOptions) {
    this.config = config;
    this.source = source;
    this.options = options;
    this.encoder = new SequenceEncoder(config);
    this.assembler = new Assembler(config.postProcessor);
    this.defaultGranularity = options.granularity ?? 'wordpiece';
    this.defaults = resolveEncodeOptions(undefined, config, this.defaultGranularity);
    this.idToTokenTable = [];
    for (const [token, id] of config.model.vocab) this.idToTokenTable[id] ??= token;
    for (const t of config.addedTokens) this.idToTokenTable[t.id] = t.content;
    this.specialIds = new Set(config.addedTokens.filter((t) => t.special).map((t) => t.id));
    if (options.wordSegmenter !== undefined) {
      if (typeof options.wordSegmenter !== 'function') invalidArgument('wordSegmenter', 'a function', options.wordSegmenter);
      this.segmenter = wordsToSpans(options.wordSegmenter);
    } else {
      this.segmenter = dictionarySegmenter(options.wordDictionary ?? config.model.vocab.keys());
    }
  }

  /** Loads tokenizer.json or vocab.txt (detected from the content), synchronously. */
  static fromFile(path: string, options: TokenizerOptions = {}): Tokenizer {
    if (typeof path !== 'string' || path.length === 0) invalidArgument('path', 'a non-empty string', path);
    let text: string;
    try {
      if (statSync(path).isDirectory()) {
        throw new SampError(
          SampErrorCode.InvalidArgument,
          `${path} is a directory; pass the path of its tokenizer.json or vocab.txt`,
        );
      }
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (error instanceof SampError) throw error;
      throw new SampError(SampErrorCode.FileNotFound, `Cannot read tokenizer file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (/^\uFEFF?\s*\{/.test(text)) return Tokenizer.fromJSON(text, options);
    return Tokenizer.fromVocab(text, options);
  }

  /** Builds a tokenizer from tokenizer.json content (a string or the parsed object). */
  static fromJSON(json: string | object, options: TokenizerOptions = {}): Tokenizer {
    let text: string;
    let parsed: unknown;
    if (typeof json === 'string') {
      text = json.replace(/^\uFEFF/, '');
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new SampError(SampErrorCode.TokenizerFormat, `tokenizer.json is not valid JSON: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } else if (typeof json === 'object' && json !== null) {
      parsed = json;
      text = JSON.stringify(json);
    } else {
      return invalidArgument('json', 'a string or an object', json);
    }
    return new Tokenizer(readTokenizerJson(parsed), { kind: 'json', text }, options);
  }

  /** Builds a tokenizer from vocab.txt content with BERT options. */
  static fromVocab(vocab: string, options: TokenizerOptions = {}): Tokenizer {
    if (typeof vocab !== 'string') invalidArgument('vocab', 'the text of a vocab.txt file', vocab);
    const { granularity: _g, wordDictionary: _d, wordSegmenter: _s, ...vocabOptions } = options;
    return new Tokenizer(readVocabTxt(vocab, vocabOptions), { kind: 'vocab', text: vocab, options: vocabOptions }, options);
  }

  /** Options to rebuild an equivalent tokenizer in another thread (the segmenter function excepted). */
  get loadOptions(): TokenizerOptions {
    return this.options;
  }

  /** Number of distinct ids. */
  get vocabSize(): number {
    return this.idToTokenTable.length;
  }

  /** Id of `token`, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.config.addedTokens.find((t) => t.content === token)?.id ?? this.config.model.vocab.get(token);
  }

  private resolve(options: EncodeOptions | undefined): ResolvedEncodeOptions {
    return options === undefined ? this.defaults : resolveEncodeOptions(options, this.config, this.defaultGranularity);
  }

  private encodeRuns(text: string, pair: string | null, o: ResolvedEncodeOptions): void {
    const seg = o.granularity === 'word' ? this.segmenter : undefined;
    this.runA.reset();
    this.encoder.encode(text, this.runA, o.granularity, seg);
    let b: TokenRun | null = null;
    if (pair !== null) {
      b = this.runB;
      b.reset();
      this.encoder.encode(pair, b, o.granularity, seg);
    }
    if (o.truncation) {
      const added = this.assembler.added(b !== null, o.addSpecialTokens);
      const room = o.truncation.maxLength - added;
      if (room < 0) {
        throw new SampError(
          SampErrorCode.InvalidArgument,
          `Expected maxLength of at least ${added} (the special tokens alone) but received ${o.truncation.maxLength}`,
        );
      }
      truncateRuns(this.runA, b, o.truncation, room);
    }
  }

  /** Encodes a text, or a pair of texts. Any string content is valid input. */
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding {
    checkText(text, 'text');
    if (pair !== undefined && pair !== null) checkText(pair, 'pair');
    const o = this.resolve(options);
    const p = pair ?? null;
    this.encodeRuns(text, p, o);
    const b = p === null ? null : this.runB;
    const padTo = o.padding ? paddedLength(o.padding, this.assembler.length(this.runA, b, o.addSpecialTokens)) : 0;
    return new Encoding(this.assembler.build(this.runA, b, o.addSpecialTokens, padTo, o.padding), this.idToToken);
  }

  /** Encodes many inputs into padded `[batch x seqLen]` matrices. */
  encodeBatch(inputs: readonly BatchInput[], options?: EncodeOptions): BatchEncoding {
    return assembleBatch(this.encodeRows(inputs, options), this.batchPadding(options), this.idToToken);
  }

  /** @internal The padding a batch gets with these options (a batch is always padded). */
  batchPadding(options: EncodeOptions | undefined): PaddingConfig {
    return this.resolve(options).padding ?? resolveEncodeOptions({ ...options, padding: true }, this.config, this.defaultGranularity).padding!;
  }

  /** @internal Encodes each input without padding, packed end to end (what pool workers send back). */
  encodeRows(inputs: readonly BatchInput[], options?: EncodeOptions): PackedRows {
    if (!Array.isArray(inputs)) invalidArgument('inputs', 'an array of strings or [text, pair] tuples', inputs);
    const o = this.resolve(options);
    const pairs = inputs.map(splitInput);
    // Every token but the special ones covers at least one UTF-16 unit: size the rows once, no regrowth.
    let bound = 0;
    for (const [text, pair] of pairs) {
      const cap = text.length + (pair?.length ?? 0) + this.assembler.added(pair !== null, o.addSpecialTokens);
      bound += o.truncation ? Math.min(cap, o.truncation.maxLength) : cap;
    }
    const rows = new RowBuilder(bound);
    for (const [text, pair] of pairs) {
      this.encodeRuns(text, pair, o);
      const b = pair === null ? null : this.runB;
      rows.reserve(this.assembler.length(this.runA, b, o.addSpecialTokens));
      rows.endRow(this.assembler.write(rows, rows.total, this.runA, b, o.addSpecialTokens));
    }
    return rows.finish();
  }

  /** Turns ids back into text (WordPiece decoder: `##` pieces joined, special tokens skipped by default). */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    if (typeof ids !== 'object' || ids === null || typeof ids.length !== 'number') invalidArgument('ids', 'an array of ids', ids);
    const skip = options.skipSpecialTokens ?? true;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.idToTokenTable.length) invalidArgument(`ids[${i}]`, `an id below ${this.vocabSize}`, id);
      if (skip && this.specialIds.has(id)) continue;
      tokens.push(this.idToTokenTable[id] ?? '');
    }
    return decodeTokens(tokens, this.config.decoder);
  }
}
