// Growing a typed array: a larger copy with the old contents at the start.

/** Any of the integer typed arrays the tokenizer fills. */
export type IntArray = Int32Array | Uint8Array | Int8Array;

/** A copy of `a` with room for `size` elements. */
export function grown<T extends IntArray>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}
