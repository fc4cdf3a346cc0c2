// Builds a TokenizerConfig from a plain BERT vocab.txt, as HF's BertWordPieceTokenizer does.
import type { TokenizerConfig, TruncationConfig } from './config.js';
import { invalidArgument, SampError, SampErrorCode } from './errors.js';

/** Options for a tokenizer made from vocab.txt (the defaults are BERT's). */
export interface VocabOptions {
  /** Lower-case the text (default true). */
  lowercase?: boolean;
  /** Strip accents; by default the same as `lowercase`, as in BERT. */
  stripAccents?: boolean;
  /** Surround CJK ideographs with spaces so each is a word (default true). */
  handleChineseChars?: boolean;
  /** Drop control characters and map whitespace to spaces (default true). */
  cleanText?: boolean;
  unkToken?: string;
  clsToken?: string;
  sepToken?: string;
  padToken?: string;
  maskToken?: string;
  /** Longer words become the unknown token (default 100). */
  maxInputCharsPerWord?: number;
  /** Truncate to this many tokens by default (none unless given). */
  maxLength?: number;
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidArgument(name, 'a boolean', value);
  return value;
}

/** Parses vocab.txt text: one token per line, the id is the line number. */
export function readVocabTxt(text: string, options: VocabOptions = {}): TokenizerConfig {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, id) => {
    if (!vocab.has(line)) vocab.set(line, id);
  });
  const token = (value: string | undefined, fallback: string, name: string): string => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.length === 0) invalidArgument(name, 'a non-empty string', value);
    return value;
  };
  const unk = token(options.unkToken, '[UNK]', 'unkToken');
  const cls = token(options.clsToken, '[CLS]', 'clsToken');
  const sep = token(options.sepToken, '[SEP]', 'sepToken');
  const pad = token(options.padToken, '[PAD]', 'padToken');
  const mask = token(options.maskToken, '[MASK]', 'maskToken');
  for (const [name, t] of [['unknown', unk], ['classifier', cls], ['separator', sep]] as const) {
    if (!vocab.has(t)) {
      throw new SampError(
        SampErrorCode.TokenizerFormat,
        `vocab.txt: the ${name} token ${JSON.stringify(t)} is not in the vocabulary (${vocab.size} tokens). ` +
          'Pass the right token in the options, or check that the file is a BERT vocab.txt.',
      );
    }
  }
  const maxChars = options.maxInputCharsPerWord ?? 100;
  if (!Number.isInteger(maxChars) || maxChars < 1) invalidArgument('maxInputCharsPerWord', 'positive integer', maxChars);
  let truncation: TruncationConfig | null = null;
  if (options.maxLength !== undefined) {
    if (!Number.isInteger(options.maxLength) || options.maxLength < 1) invalidArgument('maxLength', 'positive integer', options.maxLength);
    truncation = { maxLength: options.maxLength, strategy: 'longest_first', direction: 'right' };
  }
  const lowercase = flag(options.lowercase, 'lowercase', true);
  // BertWordPieceTokenizer registers these as special tokens when the vocabulary has them.
  const specials = [unk, sep, cls, pad, mask].filter((t, i, all) => vocab.has(t) && all.indexOf(t) === i);
  const config: TokenizerConfig = {
    normalizer: Object.freeze({
      cleanText: flag(options.cleanText, 'cleanText', true),
      handleChineseChars: flag(options.handleChineseChars, 'handleChineseChars', true),
      stripAccents: flag(options.stripAccents, 'stripAccents', lowercase),
      lowercase,
    }),
    model: Object.freeze({ vocab, unkToken: unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: maxChars }),
    addedTokens: specials.map((content) => ({
      id: vocab.get(content)!,
      content,
      special: true,
      singleWord: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    })),
    postProcessor: { type: 'bert', cls: [cls, vocab.get(cls)!], sep: [sep, vocab.get(sep)!] },
    truncation,
    padding: null,
    decoder: { prefix: '##', cleanup: true },
  };
  return Object.freeze(config);
}
