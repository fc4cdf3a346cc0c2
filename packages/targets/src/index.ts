// @samp/targets: heads on top of samp encoders, and the Pipeline from text to result.
export type { Target } from './target.js';
export { type Classification, SequenceClassifier } from './sequence-classifier.js';
export { Pipeline, type PipelineInput, type PipelineOptions, type PipelineTask, toBatchInput } from './pipeline.js';
export { tokenizerForModel } from './tokenizer-for-model.js';
export { sigmoid, softmaxInPlace } from './softmax.js';
