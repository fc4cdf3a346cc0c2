// A bounded reader of zip archives (the container of torch.save since PyTorch 1.6): the central directory is read
// and every entry's range checked against the file before any entry is read; entries are read on demand, stored
// or deflated, never larger than their declared size. Zip64 sizes and offsets are understood.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { formatError } from './format-error.js';

/** One member of the archive. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_CENTRAL = 256 * 1024 * 1024;

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** True when the file starts with a zip local header. */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** An open zip archive. Call {@link ZipArchive.close} when done. */
export class ZipArchive {
  readonly path: string;
  readonly size: number;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  #fd: number | undefined;

  private constructor(path: string, fd: number, size: number, entries: Map<string, ZipEntry>) {
    this.path = path;
    this.#fd = fd;
    this.size = size;
    this.entries = entries;
  }

  static open(path: string): ZipArchive {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      return new ZipArchive(path, fd, size, readCentral(path, fd, size));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  #bytes(at: number, length: number): Buffer {
    if (this.#fd === undefined) throw formatError(this.path, 'the archive was closed');
    if (at < 0 || length < 0 || at + length > this.size) throw formatError(this.path, `a read of ${length} bytes at ${at} runs past the end of the file (${this.size} bytes)`);
    const buf = Buffer.alloc(length);
    if (length > 0 && readSync(this.#fd, buf, 0, length, at) !== length) throw formatError(this.path, `short read at ${at}`);
    return buf;
  }

  /** The offset of an entry's data, after its local header (checked). */
  dataOffset(entry: ZipEntry): number {
    const head = this.#bytes(entry.headerOffset, 30);
    if (head.readUInt32LE(0) !== LOCAL) throw formatError(this.path, `entry "${entry.name}" has no local header at ${entry.headerOffset}`);
    const start = entry.headerOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) throw formatError(this.path, `entry "${entry.name}" runs past the end of the file`);
    return start;
  }

  /** Reads a whole entry (inflating it if deflated), never more than its declared size. */
  read(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) throw formatError(this.path, `the archive has no member "${name}"`);
    const raw = this.#bytes(this.dataOffset(entry), entry.compressedSize);
    if (entry.method === 0) {
      if (entry.size !== entry.compressedSize) throw formatError(this.path, `stored entry "${name}" declares ${entry.size} bytes but holds ${entry.compressedSize}`);
      return raw;
    }
    // deflate expands at most ~1032:1, so a larger declared size is a lie
    if (entry.size > entry.compressedSize * 1032 + 64) throw formatError(this.path, `entry "${name}" declares ${entry.size} bytes from ${entry.compressedSize} compressed`);
    if (entry.method !== 8) throw formatError(this.path, `entry "${name}" uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
    let out: Buffer;
    try {
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      throw formatError(this.path, `entry "${name}" does not inflate to its declared ${entry.size} bytes (${(error as Error).message})`);
    }
    if (out.length !== entry.size) throw formatError(this.path, `entry "${name}" inflates to ${out.length} bytes, not the declared ${entry.size}`);
    return out;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, at);
  return buf;
}

function readCentral(path: string, fd: number, size: number): Map<string, ZipEntry> {
  const tailLength = Math.min(size, 22 + 65535);
  const tail = readAt(fd, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw formatError(path, 'no zip end-of-central-directory record (truncated or not a zip archive)');
  let count = tail.readUInt16LE(eocd + 10);
  let centralSize = tail.readUInt32LE(eocd + 12);
  let centralOffset = tail.readUInt32LE(eocd + 16);
  const eocdAt = size - tailLength + eocd;
  if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    if (eocdAt < 20) throw formatError(path, 'zip64 locator missing');
    const locator = readAt(fd, eocdAt - 20, 20);
    if (locator.readUInt32LE(0) !== EOCD64_LOCATOR) throw formatError(path, 'zip64 locator missing');
    const at = u64(locator, 8);
    if (at + 56 > size) throw formatError(path, 'zip64 end record lies outside the file');
    const rec = readAt(fd, at, 56);
    if (rec.readUInt32LE(0) !== EOCD64) throw formatError(path, 'bad zip64 end record');
    count = u64(rec, 32);
    centralSize = u64(rec, 40);
    centralOffset = u64(rec, 48);
  }
  if (centralSize > MAX_CENTRAL || centralOffset + centralSize > size || count * 46 > centralSize) {
    throw formatError(path, `the zip central directory (${count} entries, ${centralSize} bytes at ${centralOffset}) does not fit the file`);
  }
  const central = readAt(fd, centralOffset, centralSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > centralSize || central.readUInt32LE(p) !== CENTRAL) throw formatError(path, `zip central directory entry ${i} is malformed`);
    const method = central.readUInt16LE(p + 10);
    let compressedSize = central.readUInt32LE(p + 20);
    let entrySize = central.readUInt32LE(p + 24);
    const nameLength = central.readUInt16LE(p + 28);
    const extraLength = central.readUInt16LE(p + 30);
    const commentLength = central.readUInt16LE(p + 32);
    let headerOffset = central.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > centralSize) throw formatError(path, `zip central directory entry ${i} runs past the directory`);
    const name = central.toString('utf8', p + 46, p + 46 + nameLength);
    // zip64 extra field: the 0xffffffff fields, in order size, compressed size, offset
    let x = p + 46 + nameLength;
    while (x + 4 <= p + 46 + nameLength + extraLength) {
      const id = central.readUInt16LE(x);
      const len = central.readUInt16LE(x + 2);
      if (x + 4 + len > p + 46 + nameLength + extraLength) break;
      if (id === 0x0001) {
        let q = x + 4;
        const take = (): number => {
          if (q + 8 > x + 4 + len) throw formatError(path, `zip64 field of "${name}" is too short`);
          const v = u64(central, q);
          q += 8;
          return v;
        };
        if (entrySize === 0xffffffff) entrySize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (headerOffset === 0xffffffff) headerOffset = take();
      }
      x += 4 + len;
    }
    if (headerOffset + 30 + compressedSize > size) throw formatError(path, `zip entry "${name}" (${compressedSize} bytes at ${headerOffset}) lies outside the file`);
    if (entries.has(name)) throw formatError(path, `zip entry "${name}" appears twice`);
    entries.set(name, { name, method, compressedSize, size: entrySize, headerOffset });
    p = end;
  }
  const sorted = [...entries.values()].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.headerOffset + 30 + prev.compressedSize > sorted[i]!.headerOffset) throw formatError(path, `zip entries "${prev.name}" and "${sorted[i]!.name}" overlap`);
  }
  return entries;
}
