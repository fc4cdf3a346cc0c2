// What a user brings, read into HF-named tensors and an HF config: an HF directory (safetensors or
// pytorch_model.bin, sharded or not), a single .safetensors or .bin file, or a UER-py checkpoint.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { QUANT_FILE } from '@samp/encoder';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { formatError, parseJsonObject } from './format-error.js';
import { readSafetensorsDir, readSafetensorsFile } from './hf-safetensors.js';
import type { StateDict } from './tensor.js';
import { readTorchBin } from './torch-bin.js';
import { TORCH_BIN, TORCH_BIN_INDEX, readTorchBinDir } from './torch-bin-dir.js';
import { looksLikeUer, uerToHf } from './uer.js';

/** Source formats: HF names in safetensors or a .bin (`hf`, `torch-bin`), or UER-py names (`uer`). */
export type SourceFormat = 'hf' | 'torch-bin' | 'uer';

export interface ReadSourceOptions {
  /** Default `auto`: safetensors -> hf; a .bin -> uer when its names are UER-py's, else torch-bin. `uer` insists on
   * UER-py names; `torch-bin` (and `uer`) read a directory's pytorch_model.bin even beside model.safetensors. */
  format?: SourceFormat | 'auto';
  /** The model config: HF config.json, or UER-py's model config (heads_num, ...). Default: config.json beside the
   * weights. */
  config?: string;
  /** The vocabulary (vocab.txt) when it is not beside the weights. */
  vocab?: string;
}

/** Tokenizer files that travel with the model, as text. */
export interface TokenizerFiles {
  'vocab.txt'?: string;
  'tokenizer.json'?: string;
  'tokenizer_config.json'?: string;
  'special_tokens_map.json'?: string;
}

export interface Source {
  format: SourceFormat;
  /** The weights file or directory read. */
  path: string;
  /** Tensors under HF BERT names, bytes as stored in the source. */
  tensors: StateDict;
  /** HF config.json fields. */
  config: Record<string, unknown>;
  tokenizer: TokenizerFiles;
  /** The samp.json (plan and calibration) of a samp model directory, as text; it travels with the tensors. */
  quant?: string;
  /** What the reader noticed (tensors it left out, sizes it assumed). */
  notes: string[];
}

const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

function readJson(path: string): Record<string, unknown> {
  return parseJsonObject(readFileSync(path, 'utf8'), path);
}

/** Strips a prefix every name shares when it is DataParallel's `module.`. */
function withoutModulePrefix(sd: StateDict): StateDict {
  const names = [...sd.keys()];
  if (names.length === 0 || !names.every((n) => n.startsWith('module.'))) return sd;
  return new Map([...sd].map(([n, t]) => [n.slice('module.'.length), t]));
}

/** The weights of a directory: safetensors first, or pytorch_model.bin first for `--format torch-bin` / `uer`. */
function weightsIn(dir: string, format: ReadSourceOptions['format']): { path: string; kind: 'safetensors' | 'bin' } {
  const safetensors = existsSync(join(dir, 'model.safetensors')) || existsSync(join(dir, 'model.safetensors.index.json'));
  const bin = existsSync(join(dir, TORCH_BIN)) || existsSync(join(dir, TORCH_BIN_INDEX));
  const preferBin = format === 'torch-bin' || format === 'uer';
  if (bin && (preferBin || !safetensors)) return { path: dir, kind: 'bin' };
  if (safetensors) return { path: dir, kind: 'safetensors' };
  const present = readdirSync(dir).join(', ') || 'nothing';
  throw new SampError(
    SampErrorCode.FileNotFound,
    `Expected model.safetensors, ${TORCH_BIN} or their shard index in ${dir} but found ${present}. Give a weights file as --from to convert it.`,
  );
}

/** Reads a model to convert. */
export function readSource(from: string, options: ReadSourceOptions = {}): Source {
  if (!existsSync(from)) throw new SampError(SampErrorCode.FileNotFound, `${from} does not exist`);
  for (const [what, p] of [['config', options.config], ['vocabulary', options.vocab]] as const) {
    if (p !== undefined && !existsSync(p)) throw new SampError(SampErrorCode.FileNotFound, `The ${what} file ${p} does not exist`);
  }
  const isDir = statSync(from).isDirectory();
  const home = isDir ? from : dirname(from);
  const weights = isDir ? weightsIn(from, options.format) : { path: from, kind: extname(from) === '.safetensors' ? 'safetensors' as const : 'bin' as const };
  let tensors: StateDict;
  if (weights.kind === 'safetensors') tensors = isDir ? readSafetensorsDir(from) : readSafetensorsFile(from);
  else tensors = withoutModulePrefix(isDir ? readTorchBinDir(from) : readTorchBin(from));
  const uerNames = looksLikeUer(tensors.keys());
  const format: SourceFormat = options.format && options.format !== 'auto' ? options.format : uerNames ? 'uer' : weights.kind === 'safetensors' ? 'hf' : 'torch-bin';
  if (format === 'uer' && !uerNames) throw formatError(weights.path, 'has no UER-py tensor names (embedding.word..., encoder.transformer.N...)');
  if (format !== 'uer' && uerNames) throw formatError(weights.path, `has UER-py tensor names; convert it with --format uer (or auto) instead of ${format}`);

  const configPath = options.config ?? join(home, 'config.json');
  const notes: string[] = [];
  let config: Record<string, unknown>;
  if (format === 'uer') {
    const uerConfig = existsSync(configPath) ? readJson(configPath) : {};
    const hfConfig = typeof uerConfig.num_attention_heads === 'number' ? uerConfig : undefined;
    const mapped = uerToHf(tensors, weights.path, hfConfig ? { heads_num: hfConfig.num_attention_heads } : uerConfig);
    tensors = mapped.tensors;
    config = hfConfig ? { ...mapped.config, ...hfConfig } : { model_type: 'bert', hidden_act: 'gelu', ...mapped.config };
    if (!existsSync(configPath)) notes.push(`no model config at ${configPath}: assumed ${String(config.num_attention_heads)} attention heads (hidden / 64); pass --config with UER-py's config to be sure`);
    if (mapped.dropped.length > 0) notes.push(`left out ${mapped.dropped.length} UER-py tensors with no BERT encoder or head counterpart: ${mapped.dropped.slice(0, 6).join(', ')}${mapped.dropped.length > 6 ? ', ...' : ''}`);
  } else {
    if (!existsSync(configPath)) {
      throw new SampError(SampErrorCode.FileNotFound, `Expected the model's config.json at ${configPath}; pass --config FILE when it lives elsewhere`);
    }
    config = readJson(configPath);
  }
  const tokenizer: TokenizerFiles = {};
  for (const name of TOKENIZER_FILES) {
    const p = name === 'vocab.txt' && options.vocab ? options.vocab : join(home, name);
    if (existsSync(p)) tokenizer[name] = readFileSync(p, 'utf8');
  }
  const quantPath = join(home, QUANT_FILE);
  const quant = format !== 'uer' && existsSync(quantPath) ? readFileSync(quantPath, 'utf8') : undefined;
  return { format, path: weights.path, tensors, config, tokenizer, notes, ...(quant !== undefined ? { quant } : {}) };
}
