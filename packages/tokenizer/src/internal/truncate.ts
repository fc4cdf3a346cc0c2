// Truncation of one or two token runs, with HF's strategies and arithmetic.
import type { TruncationConfig } from '../config.js';
import type { TokenRun } from './token-run.js';

/**
 * Truncates `a` (and `b`) so that together they hold at most `maxLength` tokens (special tokens already
 * subtracted). `longest_first` is HF's algorithm (checked against its output by the golden tests). Where HF refuses `only_first` / `only_second`
 * (the target is too short to absorb the excess), the target is emptied and the other sequence gives up the
 * rest, so the result always fits.
 */
export function truncateRuns(a: TokenRun, b: TokenRun | null, params: TruncationConfig, maxLength: number): void {
  const left = params.direction === 'left';
  const total = a.length + (b ? b.length : 0);
  if (total <= maxLength) return;
  const toRemove = total - maxLength;
  if (!b) {
    a.truncate(maxLength, left);
    return;
  }
  if (params.strategy === 'longest_first') {
    // HF stops tokenizing each sequence at the first word end that reaches the full max length (special
    // tokens included); then the shorter keeps what it can, and when both must shrink the longer gets
    // floor(room/2), the other the rest (the first sequence counts as the longer on a tie).
    let n1 = a.wordPrefixLength(params.maxLength, left);
    let n2 = b.wordPrefixLength(params.maxLength, left);
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > maxLength ? n1 : Math.max(n1, maxLength - n1);
    if (n1 + n2 > maxLength) {
      n1 = Math.floor(maxLength / 2);
      n2 = n1 + (maxLength % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    a.truncate(n1, left);
    b.truncate(n2, left);
    return;
  }
  const [target, other] = params.strategy === 'only_first' ? [a, b] : [b, a];
  if (target.length > toRemove) {
    target.truncate(target.length - toRemove, left);
    return;
  }
  const rest = toRemove - target.length;
  target.truncate(0, left);
  other.truncate(other.length - rest, left);
}
