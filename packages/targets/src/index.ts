// @samp/targets: heads on top of samp encoders, and the Pipeline from text to result.
export type { DecodeContext, Target } from './target.js';
export { type Classification, SequenceClassifier } from './sequence-classifier.js';
export { LinearHead, readClassifierHead } from './classifier-head.js';
export { type Entity, type Tagging, TokenClassifier } from './token-classifier.js';
export { Crf, CRF_TENSORS } from './crf.js';
export { cosineSimilarity, type Embedding, type Pooling, SentenceEmbedder } from './sentence-embedder.js';
export { pairSimilarities, type Similarity } from './bi-encoder.js';
export { decodeTags, schemeOf, type TagScheme, type TokenSpan } from './spans.js';
export {
  pipeline,
  Pipeline,
  type PipelineInput,
  type PipelineOptions,
  type PipelineResult,
  type PipelineTask,
  type Matching,
  toBatchInput,
} from './pipeline.js';
export { tokenizerForModel } from './tokenizer-for-model.js';
export { sigmoid, softmaxInPlace } from './softmax.js';
export { type QuantizeOptions, type QuantizeResult, quantizeModel } from './quantize.js';
