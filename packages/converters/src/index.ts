// @samp/converters: read the BERT checkpoints users have (safetensors, pytorch_model.bin through a restricted
// unpickler, UER-py), write samp model directories (safetensors) and ONNX graphs.
export { type ConvertDType, type ConvertOptions, type ConvertResult, convert } from './convert.js';
export { type ReadSourceOptions, type Source, type SourceFormat, type TokenizerFiles, readSource } from './source.js';
export { type DType, type RawTensor, type StateDict, DTYPE_BYTES, castFloat, numel, toFloat32 } from './tensor.js';
export { readTorchBin } from './torch-bin.js';
export { readTorchBinDir } from './torch-bin-dir.js';
export { readSafetensorsDir, readSafetensorsFile } from './hf-safetensors.js';
export { type PickleGlobal, PickleTuple, type UnpickleOptions, unpickle } from './pickle.js';
export { ZipArchive, type ZipEntry } from './zip.js';
export { type UerMapping, looksLikeUer, uerToHf } from './uer.js';
export { type BertTokenizerOptions, tokenizerJsonFromVocab, vocabFromTokenizerJson, vocabMap } from './tokenizer-files.js';
export { type OnnxExportResult, exportOnnx } from './onnx/export.js';
export type { OnnxHead } from './onnx/bert-graph.js';
