// Inputs of random tokens and calibration clips taken on them: for timing a random-weight model whose plan
// quantizes (the clips are real statistics of these inputs, but mean nothing for accuracy).
import type { EncoderInputs, EncoderShape, EncoderWeights } from '@samp/kernels-cuda';
import { clipsFromStats } from './calibration.js';
import type { CalibrationClips } from './precision.js';
import { Encoder } from './encoder.js';

/** batch x seq random token ids past the special tokens (the first 1000 rows of a BERT vocab), [CLS] first. */
export function randomTokenInputs(vocab: number, batch: number, seq: number, seed: number): EncoderInputs {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const inputIds = Int32Array.from({ length: batch * seq }, (_, i) => (i % seq === 0 ? 101 % vocab : Math.min(vocab - 1, 1000 + Math.floor(next() * (vocab - 1000)))));
  return { inputIds, batch, seqLen: seq };
}

/** Max clips of an fp32 cpu forward over two batches of 4 x min(seq, 128) random tokens. */
export function randomCalibration(shape: EncoderShape, weights: EncoderWeights, seq: number): CalibrationClips {
  const calib = Encoder.fromWeights(shape, weights, { device: 'cpu', precision: 'fp32' });
  try {
    for (let i = 0; i < 2; i++) calib.calibrate(randomTokenInputs(shape.vocab, 4, Math.min(seq, 128), 7 + i));
    return clipsFromStats(calib.calibrationStats(), shape.layers, { method: 'max' });
  } finally {
    calib.dispose();
  }
}
