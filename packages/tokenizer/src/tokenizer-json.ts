// Parses HF tokenizer.json into a TokenizerConfig: one reader per pipeline stage, keyed on `type`.
import {
  type AddedToken,
  NO_NORMALIZER,
  type PaddingConfig,
  type PostProcessorConfig,
  type TemplatePiece,
  type TokenizerConfig,
  type TruncationConfig,
  type WordPieceConfig,
} from './config.js';
import { describeValue, SampError, SampErrorCode } from './errors.js';
import type { NormalizerFlags } from './internal/char-classes.js';

type Json = Record<string, unknown>;

function fail(where: string, expected: string, received: unknown): never {
  throw new SampError(
    SampErrorCode.TokenizerFormat,
    `tokenizer.json: expected ${expected} at ${where} but found ${describeValue(received)}`,
  );
}

function unsupported(where: string, type: unknown, supported: string): never {
  throw new SampError(
    SampErrorCode.UnsupportedTokenizer,
    `tokenizer.json: ${where} of type ${describeValue(type)} is not supported (supported: ${supported}). ` +
      'samp tokenizes BERT-style WordPiece models; convert other tokenizers with their own library.',
  );
}

function obj(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'an object', value);
  return value as Json;
}

function bool(value: unknown, where: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(where, 'a boolean', value);
  return value;
}

/** Longest padding a file may ask for; beyond it a file is taken to be wrong rather than allocated. */
export const MAX_PADDED_LENGTH = 1 << 20;

function int(value: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(where, max === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer from 0 to ${max}`, value);
  }
  return value;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'a string', value);
  return value;
}

function side(value: unknown, where: string): 'right' | 'left' {
  if (value === undefined || value === null || value === 'Right') return 'right';
  if (value === 'Left') return 'left';
  return fail(where, '"Right" or "Left"', value);
}

function readNormalizer(value: unknown): NormalizerFlags {
  if (value === null || value === undefined) return NO_NORMALIZER;
  const n = obj(value, 'normalizer');
  if (n.type !== 'BertNormalizer') unsupported('normalizer', n.type, 'BertNormalizer, null');
  const lowercase = bool(n.lowercase, 'normalizer.lowercase', true);
  return Object.freeze({
    cleanText: bool(n.clean_text, 'normalizer.clean_text', true),
    handleChineseChars: bool(n.handle_chinese_chars, 'normalizer.handle_chinese_chars', true),
    // HF: `strip_accents: null` means "strip when lower-casing".
    stripAccents: bool(n.strip_accents, 'normalizer.strip_accents', lowercase),
    lowercase,
  });
}

function readModel(value: unknown): WordPieceConfig {
  const m = obj(value, 'model');
  if (m.type !== undefined && m.type !== 'WordPiece') unsupported('model', m.type, 'WordPiece');
  const rawVocab = obj(m.vocab, 'model.vocab');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(rawVocab)) vocab.set(token, int(id, `model.vocab[${JSON.stringify(token)}]`));
  const unkToken = str(m.unk_token ?? '[UNK]', 'model.unk_token');
  if (!vocab.has(unkToken)) fail('model.unk_token', 'a token of the vocabulary', unkToken);
  return Object.freeze({
    vocab,
    unkToken,
    continuingSubwordPrefix: str(m.continuing_subword_prefix ?? '##', 'model.continuing_subword_prefix'),
    maxInputCharsPerWord: int(m.max_input_chars_per_word ?? 100, 'model.max_input_chars_per_word'),
  });
}

function readAddedTokens(value: unknown): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail('added_tokens', 'an array', value);
  return value.map((raw, i) => {
    const where = `added_tokens[${i}]`;
    const t = obj(raw, where);
    const special = bool(t.special, `${where}.special`, false);
    const content = str(t.content, `${where}.content`);
    if (content.length === 0) fail(`${where}.content`, 'a non-empty string', content);
    return Object.freeze({
      id: int(t.id, `${where}.id`),
      content,
      special,
      singleWord: bool(t.single_word, `${where}.single_word`, false),
      lstrip: bool(t.lstrip, `${where}.lstrip`, false),
      rstrip: bool(t.rstrip, `${where}.rstrip`, false),
      normalized: bool(t.normalized, `${where}.normalized`, !special),
    });
  });
}

function readSpecial(value: unknown, where: string): readonly [string, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(where, 'a [token, id] pair', value);
  return [str(value[0], `${where}[0]`), int(value[1], `${where}[1]`)];
}

function readTemplate(value: unknown, where: string): TemplatePiece[] {
  if (!Array.isArray(value)) fail(where, 'an array of template pieces', value);
  return value.map((raw, i) => {
    const p = obj(raw, `${where}[${i}]`);
    if (p.SpecialToken !== undefined) {
      const s = obj(p.SpecialToken, `${where}[${i}].SpecialToken`);
      return { kind: 'special', name: str(s.id, `${where}[${i}].SpecialToken.id`), typeId: int(s.type_id, `${where}[${i}].SpecialToken.type_id`) };
    }
    const s = obj(p.Sequence, `${where}[${i}].Sequence`);
    if (s.id !== 'A' && s.id !== 'B') fail(`${where}[${i}].Sequence.id`, '"A" or "B"', s.id);
    return { kind: 'sequence', sequence: s.id === 'A' ? 0 : 1, typeId: int(s.type_id, `${where}[${i}].Sequence.type_id`) };
  });
}

function readPostProcessor(value: unknown): PostProcessorConfig | null {
  if (value === null || value === undefined) return null;
  const p = obj(value, 'post_processor');
  if (p.type === 'BertProcessing') {
    return { type: 'bert', cls: readSpecial(p.cls, 'post_processor.cls'), sep: readSpecial(p.sep, 'post_processor.sep') };
  }
  if (p.type === 'TemplateProcessing') {
    const specialTokens = new Map<string, readonly number[]>();
    for (const [name, raw] of Object.entries(obj(p.special_tokens ?? {}, 'post_processor.special_tokens'))) {
      const s = obj(raw, `post_processor.special_tokens.${name}`);
      if (!Array.isArray(s.ids)) fail(`post_processor.special_tokens.${name}.ids`, 'an array of ids', s.ids);
      specialTokens.set(name, s.ids.map((id, i) => int(id, `post_processor.special_tokens.${name}.ids[${i}]`)));
    }
    const single = readTemplate(p.single, 'post_processor.single');
    const pair = readTemplate(p.pair, 'post_processor.pair');
    for (const piece of [...single, ...pair]) {
      if (piece.kind === 'special' && !specialTokens.has(piece.name)) {
        fail('post_processor.special_tokens', `an entry for ${JSON.stringify(piece.name)}`, undefined);
      }
    }
    return { type: 'template', single, pair, specialTokens };
  }
  return unsupported('post_processor', p.type, 'BertProcessing, TemplateProcessing, null');
}

const STRATEGIES = { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' } as const;

function readTruncation(value: unknown): TruncationConfig | null {
  if (value === null || value === undefined) return null;
  const t = obj(value, 'truncation');
  const strategy = STRATEGIES[(t.strategy ?? 'LongestFirst') as keyof typeof STRATEGIES];
  if (!strategy) fail('truncation.strategy', 'LongestFirst, OnlyFirst or OnlySecond', t.strategy);
  return { maxLength: int(t.max_length, 'truncation.max_length'), strategy, direction: side(t.direction, 'truncation.direction') };
}

function readPadding(value: unknown): PaddingConfig | null {
  if (value === null || value === undefined) return null;
  const p = obj(value, 'padding');
  let strategy: 'longest' | 'fixed' = 'longest';
  let length: number | null = null;
  if (p.strategy !== 'BatchLongest') {
    const fixed = obj(p.strategy, 'padding.strategy');
    strategy = 'fixed';
    length = int(fixed.Fixed, 'padding.strategy.Fixed', MAX_PADDED_LENGTH);
  }
  const multiple = p.pad_to_multiple_of;
  return {
    strategy,
    length,
    multipleOf: multiple === null || multiple === undefined ? null : int(multiple, 'padding.pad_to_multiple_of', MAX_PADDED_LENGTH),
    direction: side(p.direction, 'padding.direction'),
    padId: int(p.pad_id ?? 0, 'padding.pad_id'),
    padTypeId: int(p.pad_type_id ?? 0, 'padding.pad_type_id'),
    padToken: str(p.pad_token ?? '[PAD]', 'padding.pad_token'),
  };
}

function readDecoder(value: unknown, prefix: string): TokenizerConfig['decoder'] {
  if (value === null || value === undefined) return { prefix, cleanup: true };
  const d = obj(value, 'decoder');
  if (d.type !== 'WordPiece') unsupported('decoder', d.type, 'WordPiece, null');
  return { prefix: str(d.prefix ?? '##', 'decoder.prefix'), cleanup: bool(d.cleanup, 'decoder.cleanup', true) };
}

/** Reads a parsed tokenizer.json. Throws `SAMP_TOKENIZER_FORMAT` or `SAMP_UNSUPPORTED_TOKENIZER`. */
export function readTokenizerJson(value: unknown): TokenizerConfig {
  const root = obj(value, 'the top level');
  if (root.pre_tokenizer !== null && root.pre_tokenizer !== undefined) {
    const pre = obj(root.pre_tokenizer, 'pre_tokenizer');
    if (pre.type !== 'BertPreTokenizer') unsupported('pre_tokenizer', pre.type, 'BertPreTokenizer');
  } else {
    unsupported('pre_tokenizer', null, 'BertPreTokenizer');
  }
  const model = readModel(root.model);
  return Object.freeze({
    normalizer: readNormalizer(root.normalizer),
    model,
    addedTokens: readAddedTokens(root.added_tokens),
    postProcessor: readPostProcessor(root.post_processor),
    truncation: readTruncation(root.truncation),
    padding: readPadding(root.padding),
    decoder: readDecoder(root.decoder, model.continuingSubwordPrefix),
  });
}
