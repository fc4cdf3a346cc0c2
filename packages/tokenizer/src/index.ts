// @samp/tokenizer: Hugging Face-exact BERT WordPiece tokenization in pure TypeScript.
export { Tokenizer } from './tokenizer.js';
export { TokenizerPool, type TokenizerPoolOptions } from './pool.js';
export type { BatchInput, TokenizerOptions, TokenizerSource } from './tokenizer.js';
export { type BatchEncoding, Encoding } from './encoding.js';
export type { EncodeOptions, PaddingOptions, ResolvedEncodeOptions } from './options.js';
export type { VocabOptions } from './vocab-txt.js';
export type {
  AddedToken,
  PaddingConfig,
  PostProcessorConfig,
  Side,
  TemplatePiece,
  TokenizerConfig,
  TruncationConfig,
  TruncationStrategy,
  WordPieceConfig,
} from './config.js';
export type { Granularity } from './internal/sequence-encoder.js';
export type { WordSegmenter } from './segmenter.js';
export { SampError, SampErrorCode } from './errors.js';
