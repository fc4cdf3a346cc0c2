// samp convert: a checkpoint users have to a samp model directory (and ONNX graphs).
import { type ConvertResult, convert } from '@samp/converters';
import type { ConvertArgs } from './convert-args.js';

/** The JSON line `samp convert` prints (and the Python bridge returns): the result without the ONNX details. */
export function convertSummary(r: ConvertResult): Pick<ConvertResult, 'to' | 'format' | 'tensors' | 'dtypes' | 'files' | 'notes'> {
  return { to: r.to, format: r.format, tensors: r.tensors, dtypes: r.dtypes, files: r.files, notes: r.notes };
}

export function convertCommand(args: ConvertArgs, stderr: NodeJS.WritableStream): ConvertResult {
  const result = convert({
    from: args.from,
    to: args.to,
    format: args.format,
    dtype: args.dtype,
    onnx: args.onnx,
    onnxInt8: args.onnxInt8,
    config: args.config,
    vocab: args.vocab,
    overwrite: args.force,
    onStep: (step) => stderr.write(`samp convert: ${step}\n`),
  });
  for (const note of result.notes) stderr.write(`samp convert: note: ${note}\n`);
  const dtypes = Object.entries(result.dtypes).map(([d, n]) => `${n} ${d}`).join(', ');
  stderr.write(`samp convert: ${args.to}: ${result.tensors} tensors from ${result.format} (${dtypes}); ${result.files.join(', ')}\n`);
  return result;
}
