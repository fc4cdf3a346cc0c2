// samp convert: a source model (see source.ts) to an HF model directory (config.json, model.safetensors, the
// tokenizer files) that every samp command loads, and optionally an ONNX graph beside it.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Checkpoint, QUANT_FILE, type TensorToWrite, encoderShape, readBertConfig, readEncoderWeights, writeSafetensors } from '@samp/encoder';
import { SampError, SampErrorCode, invalidArgument } from '@samp/kernels-cuda';
import { parseJsonObject } from './format-error.js';
import { type OnnxExportResult, exportOnnx } from './onnx/export.js';
import { type ReadSourceOptions, type SourceFormat, type TokenizerFiles, readSource } from './source.js';
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
  /** Also write an INT8 ONNX graph: `dynamic`, `model.int8.onnx` (ONNX Runtime's dynamic quantization of the
   * encoder's linears); `qdq`, `model.qdq.onnx` (the 8-bit layers of the source's samp.json plan, QDQ pairs with its
   * static INT8 clips). */
  onnxInt8?: 'dynamic' | 'qdq';
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

/** The tokenizer files to write: the source's, plus tokenizer.json made from a lone vocab.txt, or vocab.txt from a
 * lone WordPiece tokenizer.json (a note when it cannot be). */
function tokenizerFiles(files: TokenizerFiles, notes: string[]): TokenizerFiles {
  const tok = { ...files };
  if (tok['vocab.txt'] && !tok['tokenizer.json']) {
    const cfg = tok['tokenizer_config.json'] ? parseJsonObject(tok['tokenizer_config.json'], "the source's tokenizer_config.json") : {};
    tok['tokenizer.json'] = `${JSON.stringify(tokenizerJsonFromVocab(tok['vocab.txt'], { lowercase: cfg.do_lower_case !== false }), null, 2)}\n`;
  } else if (tok['tokenizer.json'] && !tok['vocab.txt']) {
    const parsed = parseJsonObject(tok['tokenizer.json'], "the source's tokenizer.json") as { model?: { type?: unknown } };
    if (parsed.model?.type === 'WordPiece') {
      try {
        tok['vocab.txt'] = vocabFromTokenizerJson(parsed);
      } catch (error) {
        notes.push(`no vocab.txt written: ${(error as Error).message}`);
      }
    }
  }
  return tok;
}

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
  if (options.onnxInt8 !== undefined && options.onnxInt8 !== 'dynamic' && options.onnxInt8 !== 'qdq') invalidArgument('onnxInt8', 'dynamic or qdq', options.onnxInt8);
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
  const notes = [...source.notes];
  const tok = tokenizerFiles(source.tokenizer, notes);
  if (!tok['vocab.txt'] && !tok['tokenizer.json']) notes.push('no tokenizer files were found beside the model (pass --vocab): samp run needs vocab.txt or tokenizer.json');
  const createdDir = !existsSync(options.to);
  const written: string[] = [];
  const write = (name: string, fn: (path: string) => void): void => {
    written.push(name);
    fn(join(options.to, name));
  };
  const result: ConvertResult = { format: source.format, to: options.to, tensors: source.tensors.size, dtypes, files: written, notes };
  try {
    mkdirSync(options.to, { recursive: true });
    write('config.json', (p) => writeFileSync(p, `${JSON.stringify(config, null, 2)}\n`));
    write('model.safetensors', (p) => writeSafetensors(p, tensors, { format: 'pt' }));
    for (const [name, text] of Object.entries(tok)) write(name, (p) => writeFileSync(p, text));
    if (source.quant !== undefined) write(QUANT_FILE, (p) => writeFileSync(p, source.quant!));
    step('checking that samp loads the result');
    checkLoads(options.to);
    if (options.onnx) {
      step('exporting model.onnx');
      write('model.onnx', (p) => (result.onnx = exportOnnx(options.to, p)));
    }
    if (options.onnxInt8) {
      const name = options.onnxInt8 === 'qdq' ? 'model.qdq.onnx' : 'model.int8.onnx';
      step(`exporting ${name}`);
      write(name, (p) => (result.onnxInt8 = exportOnnx(options.to, p, { int8: options.onnxInt8 })));
    }
  } catch (error) {
    // a failed conversion leaves no half-written model behind: the files this run wrote go (other files stay)
    for (const name of written) rmSync(join(options.to, name), { force: true });
    if (createdDir) rmSync(options.to, { recursive: true, force: true });
    throw error;
  }
  return result;
}
