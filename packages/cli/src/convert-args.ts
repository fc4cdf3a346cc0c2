// samp convert's options.
import { UsageError, oneOf, parse } from './args.js';

export interface ConvertArgs {
  from: string;
  to: string;
  format: 'auto' | 'hf' | 'torch-bin' | 'uer';
  dtype?: 'fp32' | 'fp16' | 'bf16';
  onnx: boolean;
  onnxInt8?: 'dynamic' | 'qdq';
  config?: string;
  vocab?: string;
  force: boolean;
}

export function parseConvertArgs(argv: string[]): ConvertArgs {
  const v = parse(argv, {
    from: 'string', to: 'string', format: 'string', dtype: 'string', onnx: 'boolean', 'onnx-int8': 'string',
    config: 'string', vocab: 'string', force: 'boolean',
  });
  for (const name of ['from', 'to']) if (!v[name]) throw new UsageError(`Missing --${name}`);
  return {
    from: v.from!,
    to: v.to!,
    format: oneOf('format', v.format, ['auto', 'hf', 'torch-bin', 'uer'] as const, 'auto'),
    dtype: v.dtype === undefined ? undefined : oneOf('dtype', v.dtype, ['fp32', 'fp16', 'bf16'] as const),
    onnx: v.onnx === 'true',
    onnxInt8: v['onnx-int8'] === undefined ? undefined : oneOf('onnx-int8', v['onnx-int8'], ['dynamic', 'qdq'] as const),
    config: v.config,
    vocab: v.vocab,
    force: v.force === 'true',
  };
}
