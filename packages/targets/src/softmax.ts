// Numerically stable softmax and the logistic function over small vectors.

/** softmax(x) in place over [at, at + n). */
export function softmaxInPlace(x: Float32Array | Float64Array, at = 0, n = x.length): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[at + i]!);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[at + i] = Math.exp(x[at + i]! - max);
  for (let i = 0; i < n; i++) x[at + i]! /= sum;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
