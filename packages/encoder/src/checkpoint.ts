// An HF model directory: config.json plus model.safetensors, or shards listed by model.safetensors.index.json.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { SafetensorsFile, type TensorInfo } from './safetensors.js';
import { shardFiles } from './shard-index.js';

/** The tensors of a model directory, read on demand from however many files hold them. */
export class Checkpoint {
  readonly dir: string;
  #files: SafetensorsFile[];
  #where = new Map<string, SafetensorsFile>();

  private constructor(dir: string, files: SafetensorsFile[]) {
    this.dir = dir;
    this.#files = files;
    for (const f of files) for (const name of f.tensors.keys()) this.#where.set(name, f);
  }

  /** Opens `dir`; throws SAMP_FILE_NOT_FOUND naming what is there and what is needed. */
  static open(dir: string): Checkpoint {
    if (!existsSync(dir)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${dir} does not exist`);
    const single = join(dir, 'model.safetensors');
    const index = join(dir, 'model.safetensors.index.json');
    if (existsSync(single)) return new Checkpoint(dir, [SafetensorsFile.open(single)]);
    if (existsSync(index)) {
      const files: SafetensorsFile[] = [];
      try {
        for (const path of shardFiles(index)) files.push(SafetensorsFile.open(path));
      } catch (error) {
        for (const f of files) f.close();
        throw error;
      }
      return new Checkpoint(dir, files);
    }
    const present = readdirSync(dir).join(', ') || 'nothing';
    const hint = existsSync(join(dir, 'pytorch_model.bin'))
      ? ' It has pytorch_model.bin: save the model with safetensors (transformers `save_pretrained(..., safe_serialization=True)`).'
      : '';
    throw new SampError(
      SampErrorCode.FileNotFound,
      `Expected model.safetensors or model.safetensors.index.json in ${dir} but found ${present}.${hint}`,
    );
  }

  has(name: string): boolean {
    return this.#where.has(name);
  }

  info(name: string): TensorInfo | undefined {
    return this.#where.get(name)?.tensors.get(name);
  }

  names(): string[] {
    return [...this.#where.keys()];
  }

  /** Reads a tensor's stored bytes as they are. */
  readRaw(name: string): Uint8Array {
    const file = this.#where.get(name);
    if (!file) throw new SampError(SampErrorCode.ModelFormat, `The checkpoint in ${this.dir} has no tensor "${name}"`);
    return file.readRaw(name);
  }

  /** Reads a tensor as fp32 and checks its shape. */
  read(name: string, shape?: readonly number[]): Float32Array {
    const file = this.#where.get(name);
    if (!file) throw new SampError(SampErrorCode.ModelFormat, `The checkpoint in ${this.dir} has no tensor "${name}"`);
    const info = file.tensors.get(name)!;
    if (shape && (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i]))) {
      throw new SampError(
        SampErrorCode.ModelFormat,
        `Expected tensor "${name}" of shape [${shape.join(', ')}] (from config.json) but the checkpoint has [${info.shape.join(', ')}]`,
      );
    }
    return file.readF32(name);
  }

  close(): void {
    for (const f of this.#files) f.close();
    this.#files = [];
    this.#where.clear();
  }
}
