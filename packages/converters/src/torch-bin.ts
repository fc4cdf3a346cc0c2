// pytorch_model.bin: torch.save's zip format (PyTorch >= 1.6) and its legacy format (one stream of pickles followed
// by the raw storages), read through the restricted unpickler with only what a tensor state dict needs allowed.
// Storages are located and checked against the file before a byte of tensor data is read.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { formatError } from './format-error.js';
import { type PickleGlobal, PickleTuple, unpickle } from './pickle.js';
import { DTYPE_BYTES, type DType, type RawTensor, type StateDict } from './tensor.js';
import { ZipArchive, looksLikeZip } from './zip.js';

const STORAGES: Record<string, DType> = {
  FloatStorage: 'F32', DoubleStorage: 'F64', HalfStorage: 'F16', BFloat16Storage: 'BF16', LongStorage: 'I64',
  IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8', BoolStorage: 'BOOL',
};
/** Largest tensor materialized (bytes): a typed array's limit. */
const MAX_TENSOR_BYTES = 2 ** 32 - 1;
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** `torch.FloatStorage` etc. -> dtype: the storage types a persistent id may name. */
const storageTypes = new Map(Object.entries(STORAGES).map(([name, dtype]) => [`torch.${name}`, dtype]));

/** A storage named by a persistent id; its bytes are read once, when a tensor needs them. */
class Storage {
  #bytes: Uint8Array | undefined;
  constructor(readonly key: string, readonly dtype: DType, readonly numel: number, private readonly load: () => Uint8Array) {}
  bytes(): Uint8Array {
    return (this.#bytes ??= this.load());
  }
}

/** A tensor view of a storage, as `_rebuild_tensor_v2` describes it. */
class TensorRef {
  constructor(readonly storage: Storage, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}
}

function intTuple(v: unknown, what: string, path: string): number[] {
  if (!(v instanceof PickleTuple) || v.items.length > 16 || !v.items.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw formatError(path, `${what} is not a tuple of non-negative integers`);
  }
  return v.items as number[];
}

function allowList(path: string): Map<string, PickleGlobal> {
  const g = new Map<string, PickleGlobal>();
  const add = (module: string, name: string, call?: (args: readonly unknown[]) => unknown, build?: PickleGlobal['build']): void => {
    g.set(`${module}.${name}`, { module, name, ...(call ? { call } : {}), ...(build ? { build } : {}) });
  };
  const rebuild = (args: readonly unknown[]): TensorRef => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof Storage)) throw formatError(path, 'a tensor is rebuilt from something that is not a storage');
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw formatError(path, 'a tensor has a bad storage offset');
    const shape = intTuple(size, 'a tensor size', path);
    const strides = intTuple(stride, 'a tensor stride', path);
    if (shape.length !== strides.length) throw formatError(path, `a tensor has ${shape.length} sizes but ${strides.length} strides`);
    return new TensorRef(storage, offset, shape, strides);
  };
  add('torch._utils', '_rebuild_tensor_v2', rebuild);
  add('torch._utils', '_rebuild_tensor', rebuild);
  const parameter = (args: readonly unknown[]): unknown => {
    if (!(args[0] instanceof TensorRef)) throw formatError(path, 'a parameter wraps something that is not a tensor');
    return args[0];
  };
  add('torch._utils', '_rebuild_parameter', parameter);
  add('torch._utils', '_rebuild_parameter_with_state', parameter);
  add('collections', 'OrderedDict', (args) => {
    const m = new Map<unknown, unknown>();
    const items = args[0];
    if (Array.isArray(items)) {
      for (const pair of items) {
        if (!(pair instanceof PickleTuple) || pair.items.length !== 2) throw formatError(path, 'OrderedDict items are not pairs');
        m.set(pair.items[0], pair.items[1]);
      }
    }
    return m;
  }, (target) => target); // an OrderedDict's BUILD state is its (empty) __dict__
  for (const name of Object.keys(STORAGES)) add('torch', name); // named in persistent ids, never called
  return g;
}

/** Resolves the dtype of a storage type given in a persistent id (a global from the allow list). */
function storageDtype(v: unknown, path: string): DType {
  const g = v as PickleGlobal | undefined;
  const type = g && typeof g === 'object' && 'module' in g ? storageTypes.get(`${g.module}.${g.name}`) : undefined;
  if (!type) throw formatError(path, 'a storage has an unknown type');
  return type;
}

function persistentStorage(pid: unknown, path: string, locate: (key: string, dtype: DType, numel: number) => Storage, seen: Map<string, Storage>): Storage {
  if (!(pid instanceof PickleTuple) || pid.items[0] !== 'storage' || pid.items.length < 5) throw formatError(path, 'a persistent id is not a storage');
  const [, type, key, , count, view] = pid.items;
  if (typeof key !== 'string' || key.length > 64) throw formatError(path, 'a storage has a bad key');
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw formatError(path, `storage ${key} has a bad size`);
  if (view !== undefined && view !== null) throw formatError(path, `storage ${key} is a storage view (PyTorch < 1.0), which samp does not read`);
  const dtype = storageDtype(type, path);
  const known = seen.get(key);
  if (known) {
    if (known.dtype !== dtype || known.numel !== count) throw formatError(path, `storage ${key} is described two ways`);
    return known;
  }
  const s = locate(key, dtype, count);
  seen.set(key, s);
  return s;
}

/** Copies a (possibly strided) view into a contiguous tensor, after checking it lies inside its storage. */
function materialize(name: string, ref: TensorRef, path: string): RawTensor {
  const { storage, offset, shape, stride } = ref;
  const size = DTYPE_BYTES[storage.dtype];
  let count = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    count *= shape[d]!;
    if (shape[d]! > 0) last += (shape[d]! - 1) * stride[d]!;
    if (count * size > MAX_TENSOR_BYTES) throw formatError(path, `tensor "${name}" of shape [${shape.join(', ')}] is larger than samp reads`);
  }
  if (count > 0 && (last >= storage.numel || count > storage.numel)) {
    throw formatError(path, `tensor "${name}" (shape [${shape.join(', ')}], offset ${offset}) reaches past its storage of ${storage.numel} elements`);
  }
  if (count === 0) return { dtype: storage.dtype, shape, data: new Uint8Array(0) };
  const src = storage.bytes();
  let contiguous = true;
  for (let d = shape.length - 1, expect = 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expect) contiguous = false;
    expect *= shape[d]!;
  }
  if (contiguous) return { dtype: storage.dtype, shape, data: src.slice(offset * size, (offset + count) * size) };
  const out = new Uint8Array(count * size);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = offset;
    for (let d = 0; d < shape.length; d++) at += index[d]! * stride[d]!;
    out.set(src.subarray(at * size, at * size + size), i * size);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { dtype: storage.dtype, shape, data: out };
}

/** The state dict inside an unpickled object: a dict of tensors, possibly under "state_dict" / "model". */
function stateDictOf(value: unknown, path: string): StateDict {
  let v = value;
  for (const key of ['state_dict', 'model', 'module']) {
    if (v instanceof Map && v.has(key) && v.get(key) instanceof Map && ![...v.values()].some((x) => x instanceof TensorRef)) v = v.get(key);
  }
  if (!(v instanceof Map)) throw formatError(path, 'the file holds no dict of tensors (a state_dict)');
  const out: StateDict = new Map();
  for (const [k, t] of v) {
    if (typeof k !== 'string') throw formatError(path, 'a state-dict key is not a string');
    if (t instanceof TensorRef) out.set(k, materialize(k, t, path));
    // non-tensor entries (an epoch counter, an optimizer's step) are not weights: skipped
  }
  if (out.size === 0) throw formatError(path, 'the file holds no tensors');
  return out;
}

function readZip(path: string): StateDict {
  const zip = ZipArchive.open(path);
  try {
    const pkl = [...zip.entries.keys()].find((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
    if (!pkl) throw formatError(path, 'a zip without data.pkl is not a torch.save file');
    const root = pkl.slice(0, -'data.pkl'.length);
    const order = zip.entries.get(`${root}byteorder`);
    if (order && zip.read(`${root}byteorder`).toString('latin1') !== 'little') throw formatError(path, 'the tensors are big-endian, which samp does not read');
    const seen = new Map<string, Storage>();
    const locate = (key: string, dtype: DType, count: number): Storage => {
      const entry = zip.entries.get(`${root}data/${key}`);
      if (!entry) throw formatError(path, `storage ${key} has no member ${root}data/${key}`);
      if (entry.size !== count * DTYPE_BYTES[dtype]) throw formatError(path, `storage ${key} declares ${count} ${dtype} values but its member holds ${entry.size} bytes`);
      return new Storage(key, dtype, count, () => zip.read(`${root}data/${key}`));
    };
    const { value } = unpickle(zip.read(pkl), { globals: allowList(path), path, persistentLoad: (pid) => persistentStorage(pid, path, locate, seen) });
    return stateDictOf(value, path);
  } finally {
    zip.close();
  }
}

function readLegacy(path: string, bytes: Uint8Array): StateDict {
  const plain = { globals: allowList(path), path }; // the same allow list: a refusal names the global that matters
  let at = 0;
  const magic = unpickle(bytes, plain, at);
  if (magic.value !== LEGACY_MAGIC && BigInt(magic.value as number) !== LEGACY_MAGIC) throw formatError(path, 'not a torch.save file (no magic number)');
  const version = unpickle(bytes, plain, magic.end);
  if (version.value !== 1001) throw formatError(path, `legacy torch.save protocol ${String(version.value)}; samp reads 1001`);
  const info = unpickle(bytes, plain, version.end);
  if (info.value instanceof Map && info.value.get('little_endian') === false) throw formatError(path, 'the tensors are big-endian, which samp does not read');
  at = info.end;
  const declared = new Map<string, { dtype: DType; count: number }>();
  const seen = new Map<string, Storage>();
  const placed = new Map<string, { start: number; length: number }>();
  const locate = (key: string, dtype: DType, count: number): Storage => {
    declared.set(key, { dtype, count });
    return new Storage(key, dtype, count, () => {
      const where = placed.get(key);
      if (!where) throw formatError(path, `storage ${key} is not in the file`);
      return bytes.slice(where.start, where.start + where.length);
    });
  };
  const main = unpickle(bytes, { globals: allowList(path), path, persistentLoad: (pid) => persistentStorage(pid, path, locate, seen) }, at);
  const keys = unpickle(bytes, plain, main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) throw formatError(path, 'the storage key list is missing');
  let p = keys.end;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value as string[]) {
    if (p + 8 > bytes.length) throw formatError(path, `storage ${key} is truncated`);
    const n = Number(view.getBigInt64(p, true));
    const d = declared.get(key);
    if (!d) throw formatError(path, `storage ${key} is stored but never used`);
    if (n !== d.count) throw formatError(path, `storage ${key} declares ${d.count} values but stores ${n}`);
    const length = n * DTYPE_BYTES[d.dtype];
    if (p + 8 + length > bytes.length) throw formatError(path, `storage ${key} (${length} bytes) runs past the end of the file`);
    placed.set(key, { start: p + 8, length });
    p += 8 + length;
  }
  return stateDictOf(main.value, path);
}

/** Reads a torch.save file of a state dict (zip or legacy format) into tensors, running nothing from the file. */
export function readTorchBin(path: string): StateDict {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(512);
  let size: number;
  try {
    size = fstatSync(fd).size;
    readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (looksLikeZip(head)) return readZip(path);
  if (head.toString('latin1', 257, 262) === 'ustar') {
    throw new SampError(SampErrorCode.ModelFormat, `${path} is in torch.save's tar format (PyTorch < 0.4), which samp does not read. Load it in PyTorch and save it again.`);
  }
  if (head[0] !== 0x80) throw formatError(path, 'not a torch.save file (neither a zip archive nor a pickle)');
  if (size > MAX_TENSOR_BYTES) throw formatError(path, `a legacy-format file of ${size} bytes is larger than samp reads; save it again with PyTorch >= 1.6`);
  return readLegacy(path, readFileSync(path));
}
