// One kernel on host data, on any backend: what the cross-backend op test is built on.
import { fromNative } from './errors.js';
import { type Device, type Op, type Precision, resolveDevice, type DeviceSpec } from './device.js';
import { native } from './native.js';

/** GEMM epilogues: C = A W^T, then + bias, + bias and GELU (erf), or + bias and tanh. */
export const Epilogue = Object.freeze({ none: 0, bias: 1, biasGelu: 2, biasTanh: 3 } as const);
/** One of {@link Epilogue}'s values. */
export type Epilogue = (typeof Epilogue)[keyof typeof Epilogue];

/** An op invocation: float operands, int operands and sizes, in the order the op defines (see native
 * `common/op_args.h`). Inputs are fp32 on the host; the device converts them to `precision`. */
export interface OpCall {
  op: Op;
  precision?: Precision;
  f: Float32Array[];
  i?: Int32Array[];
  dims: number[];
  epilogue?: Epilogue;
  eps?: number;
}

/** Runs one op on a device and returns its output as fp32. */
export function runOp(device: Device | DeviceSpec, call: OpCall): Float32Array {
  const d = resolveDevice(device);
  try {
    return native().runOp(d.kind, {
      op: call.op,
      dtype: call.precision ?? 'fp32',
      f: call.f,
      i: call.i ?? [],
      dims: call.dims,
      epilogue: call.epilogue ?? 0,
      eps: call.eps ?? 1e-12,
      deviceIndex: d.index,
    });
  } catch (error) {
    throw fromNative(error);
  }
}
