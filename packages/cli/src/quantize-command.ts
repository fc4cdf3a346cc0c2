// samp quantize: calibrate a model on a task's JSONL data and write a quantized model directory.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { type QuantizeResult, quantizeModel, toBatchInput } from '@samp/targets';
import type { BatchInput } from '@samp/tokenizer';
import type { QuantizeArgs } from './args.js';
import { readJsonLines } from './jsonl.js';
import { progress } from './progress.js';

/** Every line of the calibration file as a checked input; the first bad line fails with its number. */
async function readCalibration(path: string, task: QuantizeArgs['task']): Promise<BatchInput[]> {
  if (!existsSync(path)) throw new SampError(SampErrorCode.FileNotFound, `Calibration file ${path} does not exist`);
  const out: BatchInput[] = [];
  for await (const l of readJsonLines(path)) {
    if ('error' in l) throw new SampError(SampErrorCode.InvalidArgument, `${path}: ${l.error}`);
    try {
      out.push(toBatchInput(task, l.value));
    } catch (error) {
      throw new SampError(SampErrorCode.InvalidArgument, `${path}, line ${l.line}: ${(error as Error).message}`);
    }
  }
  return out;
}

export async function quantizeCommand(args: QuantizeArgs, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Promise<QuantizeResult> {
  const calib = await readCalibration(args.calib, args.task);
  const total = Math.min(args.samples, calib.length);
  const bar = progress(stderr, 'samp quantize: calibrating', true, total, 'inputs');
  const result = await quantizeModel({
    model: args.model,
    task: args.task,
    calib,
    out: args.out,
    mode: args.mode,
    layers: args.layers,
    dtype8: args.dtype8,
    method: args.method,
    percentile: args.percentile,
    samples: args.samples,
    granularity: args.granularity,
    maxLength: args.maxLength,
    batchSize: args.batchSize,
    source: basename(args.calib),
    onProgress: (done) => bar.tick(done),
  });
  bar.end(total);
  const layers = args.layers === 'all' ? 'all layers' : `layers ${args.layers.join(', ')}`;
  stderr.write(`samp quantize: ${args.out}: ${args.mode} (${args.dtype8}) on ${layers}, ${args.method} clips from ${result.quant.calibration.samples} inputs (${result.quant.calibration.tokens} tokens)\n`);
  return result;
}
