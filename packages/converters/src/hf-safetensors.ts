// An HF directory's safetensors (one file or shards) as raw tensors, bytes as stored.
import { Checkpoint, SafetensorsFile } from '@samp/encoder';
import type { DType, StateDict } from './tensor.js';
import { DTYPE_BYTES } from './tensor.js';
import { formatError } from './format-error.js';

function collect(names: string[], info: (n: string) => { dtype: string; shape: number[] }, raw: (n: string) => Uint8Array, where: string): StateDict {
  const out: StateDict = new Map();
  for (const name of names) {
    const { dtype, shape } = info(name);
    if (!(dtype in DTYPE_BYTES)) throw formatError(where, `tensor "${name}" is ${dtype}, which samp does not convert`);
    out.set(name, { dtype: dtype as DType, shape: [...shape], data: raw(name) });
  }
  return out;
}

/** Every tensor of a model directory (model.safetensors or its shards). */
export function readSafetensorsDir(dir: string): StateDict {
  const ckpt = Checkpoint.open(dir);
  try {
    return collect(ckpt.names(), (n) => ckpt.info(n)!, (n) => ckpt.readRaw(n), dir);
  } finally {
    ckpt.close();
  }
}

/** Every tensor of one safetensors file. */
export function readSafetensorsFile(path: string): StateDict {
  const file = SafetensorsFile.open(path);
  try {
    return collect([...file.tensors.keys()], (n) => file.tensors.get(n)!, (n) => file.readRaw(n), path);
  } finally {
    file.close();
  }
}
