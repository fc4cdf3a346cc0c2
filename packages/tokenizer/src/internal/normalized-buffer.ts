// Growable typed-array buffer of normalized characters, each with its span in the original text.
import { KIND_ISOLATED, KIND_SPACE, KIND_WORD } from './char-classes.js';
import { grown } from './grow.js';

/** Normalized text as parallel arrays; reused across calls so the hot path allocates nothing. */
export class NormalizedBuffer {
  cp = new Int32Array(256);
  start = new Int32Array(256);
  end = new Int32Array(256);
  kind = new Uint8Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  private grow(): void {
    const size = this.cp.length * 2;
    this.cp = grown(this.cp, size);
    this.start = grown(this.start, size);
    this.end = grown(this.end, size);
    this.kind = grown(this.kind, size);
  }

  /** Appends one normalized character of kind SPACE, ISOLATED or WORD from original span [start, end). */
  push(cp: number, kind: number, start: number, end: number): void {
    if (this.length === this.cp.length) this.grow();
    const i = this.length++;
    this.cp[i] = cp;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
  }

  /** Appends a word boundary. */
  boundary(): void {
    if (this.length > 0 && this.kind[this.length - 1] === KIND_SPACE) return;
    this.push(0x20, KIND_SPACE, 0, 0);
  }
}

export { KIND_ISOLATED, KIND_SPACE, KIND_WORD };
