// Growable list of (id, start, end) produced for one input sequence.
import { grown } from './grow.js';

/** Token ids with their original spans; reused scratch, copied out when an encoding is built. */
export class TokenRun {
  ids = new Int32Array(128);
  starts = new Int32Array(128);
  ends = new Int32Array(128);
  /** 1 where a token begins a word (pre-tokenizer split or added token). */
  wordStarts = new Uint8Array(128);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(id: number, start: number, end: number, wordStart = 1): void {
    if (this.length === this.ids.length) {
      const size = this.length * 2;
      this.ids = grown(this.ids, size);
      this.starts = grown(this.starts, size);
      this.ends = grown(this.ends, size);
      this.wordStarts = grown(this.wordStarts, size);
    }
    const i = this.length++;
    this.ids[i] = id;
    this.starts[i] = start;
    this.ends[i] = end;
    this.wordStarts[i] = wordStart;
  }

  /**
   * Tokens kept when whole words are taken, from the kept side, until at least `limit` tokens are
   * reached (HF stops tokenizing there when truncation is on).
   */
  wordPrefixLength(limit: number, fromLeft: boolean): number {
    if (this.length <= limit) return this.length;
    if (!fromLeft) {
      let n = limit;
      while (n < this.length && this.wordStarts[n] === 0) n++;
      return n;
    }
    let first = this.length - limit; // index of the first kept token
    while (first > 0 && this.wordStarts[first] === 0) first--;
    return this.length - first;
  }

  /** Keeps `keep` tokens, dropping the rest from the end (right) or from the start (left). */
  truncate(keep: number, fromLeft: boolean): void {
    if (keep >= this.length) return;
    if (fromLeft) {
      const drop = this.length - keep;
      this.ids.copyWithin(0, drop, this.length);
      this.starts.copyWithin(0, drop, this.length);
      this.ends.copyWithin(0, drop, this.length);
      this.wordStarts.copyWithin(0, drop, this.length);
    }
    this.length = keep;
  }
}
