// A restricted unpickler: a pickle virtual machine (protocols 0-5) that builds plain values only. A global is
// looked up in an allow-list given by the caller; any other global is refused with SAMP_UNSAFE_PICKLE naming it,
// before anything else happens. Nothing from the file is ever called: an allowed global maps to a function of
// ours. Every read is bounded by the bytes left, every container by the file's size.
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { formatError } from './format-error.js';
import { longLE, Reader } from './pickle-reader.js';

/** A pickled tuple (kept apart from lists so that callers can tell them apart). */
export class PickleTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** An allowed global: what REDUCE (calling it) builds, or the value it stands for when it is only referred to. */
export interface PickleGlobal {
  readonly module: string;
  readonly name: string;
  call?: (args: readonly unknown[]) => unknown;
  /** BUILD with a state on a value this global made; absent: only an empty state is accepted. */
  build?: (target: unknown, state: unknown) => unknown;
}

export interface UnpickleOptions {
  /** `module.name` -> the global. Anything not here is refused. */
  globals: ReadonlyMap<string, PickleGlobal>;
  /** Resolves a persistent id (torch's storages). Absent: persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Where the pickle came from, for error messages. */
  path: string;
}

/** Unpickles one object starting at `start`; returns it and the offset after its STOP. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions, start = 0): { value: unknown; end: number } {
  const r = new Reader(bytes, options.path, start);
  const stack: unknown[] = [];
  const marks: number[] = []; // stack lengths at each MARK (as Python's metastack)
  const memo = new Map<number, unknown>();
  const made = new WeakMap<object, PickleGlobal>(); // value -> the global whose call made it (for BUILD)
  const fail = (why: string): never => {
    throw formatError(options.path, `pickle ${why} (at byte ${r.pos})`);
  };
  const floor = (): number => marks[marks.length - 1] ?? 0;
  const pop = (): unknown => {
    if (stack.length <= floor()) fail('pops past a mark or an empty stack');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length <= floor()) fail('has no object on the stack');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const at = marks.pop();
    if (at === undefined) fail('has no mark');
    const items = stack.slice(at);
    stack.length = at!;
    return items;
  };
  const global = (module: string, name: string): PickleGlobal => {
    const g = options.globals.get(`${module}.${name}`);
    if (!g) {
      throw new SampError(
        SampErrorCode.UnsafePickle,
        `${options.path}: the pickle refers to the global ${module}.${name}, which is not one a tensor state dict needs; ` +
          'samp refuses it and runs nothing from the file. Save the model with safetensors, or load it in a trusted Python and save its state_dict.',
      );
    }
    return g;
  };
  const call = (fn: unknown, args: unknown): void => {
    if (!(fn && typeof fn === 'object' && 'module' in fn && 'name' in fn)) fail('calls something that is not a global');
    const g = fn as PickleGlobal;
    if (!g.call) fail(`calls ${g.module}.${g.name}, which samp does not call`);
    if (!(args instanceof PickleTuple)) fail(`calls ${g.module}.${g.name} without an argument tuple`);
    const value = g.call!((args as PickleTuple).items);
    if (value && typeof value === 'object') made.set(value, g);
    stack.push(value);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (!(target instanceof Map)) fail('sets items on something that is not a dict');
    if (items.length % 2 !== 0) fail('sets an odd number of dict items');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint' && typeof key !== 'boolean' && key !== null) fail('uses an unhashable dict key');
      (target as Map<unknown, unknown>).set(key, items[i + 1]);
    }
  };
  const append = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target)) fail('appends to something that is not a list');
    for (const it of items) (target as unknown[]).push(it);
  };

  for (;;) {
    const op = r.u8();
    switch (op) {
      case 0x80: { // PROTO
        const v = r.u8();
        if (v > 5) fail(`protocol ${v} is newer than 5`);
        break;
      }
      case 0x95: r.need(8); break; // FRAME: length only (frames are in-line here)
      case 0x2e: { // STOP
        if (marks.length > 0) fail('stops inside a mark');
        const value = pop();
        return { value, end: r.pos };
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(r.i32()); break; // BININT
      case 0x4b: stack.push(r.u8()); break; // BININT1
      case 0x4d: stack.push(r.u16()); break; // BININT2
      case 0x8a: stack.push(longLE(r.raw(r.u8()))); break; // LONG1
      case 0x8b: { // LONG4
        const n = r.i32();
        if (n < 0 || n > 64) fail(`has a ${n}-byte integer`);
        stack.push(longLE(r.raw(n)));
        break;
      }
      case 0x49: { // INT (text)
        const s = r.line();
        if (s === '00') stack.push(false);
        else if (s === '01') stack.push(true);
        else if (/^-?\d{1,15}$/.test(s)) stack.push(Number(s));
        else fail(`has a bad INT ${JSON.stringify(s.slice(0, 20))}`);
        break;
      }
      case 0x4c: { // LONG (text)
        const s = r.line().replace(/L$/, '');
        if (!/^-?\d{1,40}$/.test(s)) fail('has a bad LONG');
        const v = BigInt(s);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: stack.push(r.f64be()); break; // BINFLOAT
      case 0x46: { // FLOAT (text)
        const v = Number(r.line());
        if (Number.isNaN(v)) fail('has a bad FLOAT');
        stack.push(v);
        break;
      }
      case 0x58: stack.push(r.text(r.u32())); break; // BINUNICODE
      case 0x8c: stack.push(r.text(r.u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(r.text(r.u64())); break; // BINUNICODE8
      case 0x54: stack.push(Buffer.from(r.raw(r.i32())).toString('latin1')); break; // BINSTRING
      case 0x55: stack.push(Buffer.from(r.raw(r.u8())).toString('latin1')); break; // SHORT_BINSTRING
      case 0x42: stack.push(r.raw(r.u32())); break; // BINBYTES
      case 0x43: stack.push(r.raw(r.u8())); break; // SHORT_BINBYTES
      case 0x8e: stack.push(r.raw(r.u64())); break; // BINBYTES8
      case 0x56: stack.push(r.line()); break; // UNICODE (raw-unicode-escape; ASCII names in practice)
      case 0x53: { // STRING (quoted repr)
        const s = r.line();
        if (s.length < 2 || (s[0] !== "'" && s[0] !== '"') || s[s.length - 1] !== s[0]) fail('has a bad STRING');
        stack.push(s.slice(1, -1));
        break;
      }
      case 0x29: stack.push(new PickleTuple([])); break; // EMPTY_TUPLE
      case 0x85: stack.push(new PickleTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        stack.push(new PickleTuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PickleTuple([pop(), b, c]));
        break;
      }
      case 0x74: stack.push(new PickleTuple(popMark())); break; // TUPLE
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x61: { // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x64: { // DICT
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail('adds items to something that is not a set');
        for (const it of items) (s as Set<unknown>).add(it);
        break;
      }
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x70: memo.set(Number(r.line()), top()); break; // PUT
      case 0x71: memo.set(r.u8(), top()); break; // BINPUT
      case 0x72: memo.set(r.u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: case 0x68: case 0x6a: { // GET, BINGET, LONG_BINGET
        const key = op === 0x67 ? Number(r.line()) : op === 0x68 ? r.u8() : r.u32();
        if (!memo.has(key)) fail(`reads memo ${key}, which was never stored`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: { // GLOBAL
        const module = r.line();
        const name = r.line();
        stack.push(global(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('names a global with non-strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        call(pop(), args);
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), allowed only for globals we build ourselves
        const args = pop();
        call(pop(), args);
        break;
      }
      case 0x92: { // NEWOBJ_EX
        pop(); // kwargs
        const args = pop();
        call(pop(), args);
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        const g = target && typeof target === 'object' ? made.get(target) : undefined;
        const empty = state === null || (state instanceof Map && state.size === 0) || (state instanceof PickleTuple && state.items.length === 0);
        if (g?.build) stack[stack.length - 1] = g.build(target, state);
        else if (!empty) fail('sets state on an object samp does not build');
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) fail('has a persistent id, which this file may not have');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x50: { // PERSID
        const pid = r.line();
        if (!options.persistentLoad) fail('has a persistent id, which this file may not have');
        stack.push(options.persistentLoad!(pid));
        break;
      }
      case 0x69: { // INST: a class named in-line, then called with the marked arguments
        const module = r.line();
        const name = r.line();
        const g = global(module, name);
        call(g, new PickleTuple(popMark()));
        break;
      }
      case 0x6f: { // OBJ: class and arguments after the mark
        const items = popMark();
        if (items.length === 0) fail('OBJ without a class');
        call(items[0], new PickleTuple(items.slice(1)));
        break;
      }
      case 0x82: case 0x83: case 0x84: { // EXT1/2/4: the extension registry is code we do not have
        throw new SampError(SampErrorCode.UnsafePickle, `${options.path}: the pickle uses the extension registry (opcode 0x${op.toString(16)}), which samp refuses; nothing was run.`);
      }
      default:
        fail(`has unknown opcode 0x${op.toString(16)}`);
    }
  }
}
