// samp convert: a source model (see source.ts) to an HF model directory (config.json, model.safetensors, the
// tokenizer files) that every samp command loads, and optionally an ONNX graph beside it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Checkpoint, type TensorToWrite, encoderShape, readBertConfig, readEncoderWeights, writeSafetensors } from '@samp/encoder';
import { SampError, SampErrorCode, invalidArgument } from '@samp/kernels-cuda';
import { type OnnxExportResult, exportOnnx } from './onnx/export.js';
import { type ReadSourceOptions, type SourceFormat, readSource } from './source.js';
import { castFloat } from './tensor.js';
import { tokenizerJsonFromVocab, vocabFromTokenizerJson } from './tokenizer-files.js';

export type ConvertDType = 'fp32' | 'fp16' | 'bf16';

export interface ConvertOptions extends ReadSourceOptions {
  /** The model: a directory or a weights file. */
  from: string;
  /** The directory to write (created). */
  to: string;
  /** Store every float tensor as this type (default: as the source stores it, byte for byte). */
  dtype?: ConvertDType;
  /** Also write `model.onnx` (encoder + head, fp32). */
  onnx?: boolean;
  /** Also write `model.int8.onnx`: ONNX Runtime's dynamic INT8 quantization of the encoder's linears. */
  onnxInt8?: boolean;
  /** Called as each step starts (reading, writing, checking, exporting). */
  onStep?: (step: string) => void;
  /** Replace a model already in `to` (default: refuse). */
  overwrite?: boolean;
}

export interface ConvertResult {
  format: SourceFormat;
  to: string;
  tensors: number;
  /** Stored dtypes and how many tensors have each. */
  dtypes: Record<string, number>;
  files: string[];
  onnx?: OnnxExportResult;
  onnxInt8?: OnnxExportResult;
  notes: string[];
}

const DTYPES = { fp32: 'F32', fp16: 'F16', bf16: 'BF16' } as const;
const TORCH_DTYPES = { fp32: 'float32', fp16: 'float16', bf16: 'bfloat16' } as const;

/** Checks that the written directory is a model samp loads: config, every encoder tensor with its shape. */
function checkLoads(dir: string): void {
  const config = readBertConfig(dir);
  const ckpt = Checkpoint.open(dir);
  try {
    readEncoderWeights(ckpt, encoderShape(config, ckpt));
  } finally {
    ckpt.close();
  }
}

export function convert(options: ConvertOptions): ConvertResult {
  if (options.dtype !== undefined && !(options.dtype in DTYPES)) invalidArgument('dtype', 'fp32, fp16 or bf16', options.dtype);
  if (resolve(options.from) === resolve(options.to)) invalidArgument('to', 'a directory other than the source', options.to);
  if (existsSync(options.to) && !options.overwrite) {
    const present = readdirSync(options.to).filter((f) => f === 'config.json' || f.endsWith('.safetensors') || f.endsWith('.onnx'));
    if (present.length > 0) {
      throw new SampError(SampErrorCode.InvalidArgument, `${options.to} already holds a model (${present.join(', ')}); choose another directory or pass overwrite (--force)`);
    }
  }
  const step = options.onStep ?? (() => {});
  step(`reading ${options.from}`);
  const source = readSource(options.from, options);
  step(`writing ${source.tensors.size} tensors to ${options.to}`);
  const tensors: Record<string, TensorToWrite> = {};
  const dtypes: Record<string, number> = {};
  for (const [name, t] of source.tensors) {
    const out = options.dtype ? castFloat(t, DTYPES[options.dtype]) : t;
    tensors[name] = { raw: out.data, shape: out.shape, dtype: out.dtype };
    dtypes[out.dtype] = (dtypes[out.dtype] ?? 0) + 1;
  }
  const config = { ...source.config };
  if (options.dtype) {
    for (const key of ['torch_dtype', 'dtype']) if (key in config) config[key] = TORCH_DTYPES[options.dtype];
  }
  mkdirSync(options.to, { recursive: true });
  const files = ['config.json', 'model.safetensors'];
  writeFileSync(join(options.to, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeSafetensors(join(options.to, 'model.safetensors'), tensors, { format: 'pt' });
  const tok = { ...source.tokenizer };
  if (tok['vocab.txt'] && !tok['tokenizer.json']) {
    const cfg = tok['tokenizer_config.json'] ? (JSON.parse(tok['tokenizer_config.json']) as { do_lower_case?: unknown }) : {};
    tok['tokenizer.json'] = `${JSON.stringify(tokenizerJsonFromVocab(tok['vocab.txt'], { lowercase: cfg.do_lower_case !== false }), null, 2)}\n`;
  } else if (tok['tokenizer.json'] && !tok['vocab.txt']) {
    const parsed = JSON.parse(tok['tokenizer.json']) as { model?: { type?: unknown } };
    if (parsed.model?.type === 'WordPiece') tok['vocab.txt'] = vocabFromTokenizerJson(parsed);
  }
  for (const [name, text] of Object.entries(tok)) {
    writeFileSync(join(options.to, name), text);
    files.push(name);
  }
  const notes = [...source.notes];
  if (!tok['vocab.txt'] && !tok['tokenizer.json']) notes.push('no tokenizer files were found beside the model (pass --vocab): samp run needs vocab.txt or tokenizer.json');
  step('checking that samp loads the result');
  checkLoads(options.to);
  const result: ConvertResult = { format: source.format, to: options.to, tensors: source.tensors.size, dtypes, files, notes };
  if (options.onnx) {
    step('exporting model.onnx');
    result.onnx = exportOnnx(options.to, join(options.to, 'model.onnx'));
    files.push('model.onnx');
  }
  if (options.onnxInt8) {
    step('exporting model.int8.onnx');
    result.onnxInt8 = exportOnnx(options.to, join(options.to, 'model.int8.onnx'), { int8: 'dynamic' });
    files.push('model.int8.onnx');
  }
  return result;
}
