// samp quantize: calibrate a model on a task's JSONL data and write a quantized model directory.
import { basename } from 'node:path';
import { type QuantizeResult, quantizeModel, toBatchInput } from '@samp/targets';
import type { QuantizeArgs } from './args.js';
import { readRecords } from './jsonl.js';
import { progress } from './progress.js';

export async function quantizeCommand(args: QuantizeArgs, stderr: NodeJS.WritableStream & { isTTY?: boolean }): Promise<QuantizeResult> {
  const calib = await readRecords(args.calib, 'Calibration', (x) => toBatchInput(args.task, x));
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
