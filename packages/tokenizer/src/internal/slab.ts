// Bump allocation of small zeroed buffers from shared 64 KiB slabs, as Node's Buffer pool does for small
// Buffers: one allocation serves many encodings. A slab lives as long as any view into it.

const SLAB_BYTES = 64 * 1024;
const MAX_FROM_SLAB = SLAB_BYTES / 8;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed region of `bytes` bytes (a multiple of 4): `[buffer, byteOffset]`. */
export function allocZeroed(bytes: number): [ArrayBuffer, number] {
  if (bytes > MAX_FROM_SLAB) return [new ArrayBuffer(bytes), 0];
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const at = used;
  used += bytes;
  return [slab, at];
}
