// Devices: discovery, `auto` resolution (cuda when it works, else cpu with one warning) and what each runs.
import { SampError, SampErrorCode, invalidArgument } from './errors.js';
import { native } from './native.js';

/** What a caller may ask for: `cpu`, `cuda` (device 0), `cuda:N`, or `auto`. */
export type DeviceSpec = 'cpu' | 'cuda' | 'auto' | `cuda:${number}`;

/** Float precisions of encoder layers. */
export const Precision = Object.freeze({ fp32: 'fp32', fp16: 'fp16', bf16: 'bf16' } as const);
/** One of {@link Precision}. */
export type Precision = keyof typeof Precision;

/** Modes of an encoder layer: a float precision, `quant-ffn-only` (the two FFN GEMMs 8-bit, attention in float)
 * or `fully-quant` (all four GEMM groups 8-bit, 8-bit data between kernels, the residual 8-bit). */
export const LayerMode = Object.freeze({ ...Precision, 'quant-ffn-only': 'quant-ffn-only', 'fully-quant': 'fully-quant' } as const);
/** One of {@link LayerMode}. */
export type LayerMode = keyof typeof LayerMode;

/** 8-bit types of quantized layers: INT8, or FP8 E4M3. */
export type Dtype8 = 'int8' | 'fp8';

/** How a device runs an 8-bit type: on its own instructions, emulated (correct but slow; for checks), or not. */
export type EightBitSupport = 'native' | 'emulated' | 'none';

/** Whether a mode quantizes GEMMs. */
export function isQuantized(mode: LayerMode): mode is 'quant-ffn-only' | 'fully-quant' {
  return mode === 'quant-ffn-only' || mode === 'fully-quant';
}

/** Ops every backend implements (the cross-backend op test covers each). */
export const Ops = Object.freeze([
  'gemm', 'gemm_i8', 'embedding_layernorm', 'add_layernorm', 'attention', 'pooler',
] as const);
/** One of {@link Ops}. */
export type Op = (typeof Ops)[number];

/** A resolved device. */
export interface Device {
  readonly kind: 'cpu' | 'cuda';
  readonly index: number;
  /** e.g. `cpu (avx512, 2 threads)` or `NVIDIA H100 80GB HBM3 (sm_90)`. */
  readonly name: string;
  /** Precisions this device runs encoder layers in. */
  readonly precisions: readonly Precision[];
  /** Layer modes this device runs (its precisions and the 8-bit modes where it runs an 8-bit type). */
  readonly modes: readonly LayerMode[];
  /** How it runs each 8-bit type. */
  readonly eightBit: Readonly<Record<Dtype8, EightBitSupport>>;
  /** Whether the device runs `op` in `precision`. */
  supports(op: Op, precision: Precision): boolean;
}

function cpuDevice(): Device {
  const { isa, threads } = native().backends().cpu;
  return Object.freeze({
    kind: 'cpu' as const,
    index: 0,
    name: `cpu (${isa}, ${threads} threads)`,
    precisions: Object.freeze(['fp32'] as const),
    modes: Object.freeze(['fp32', 'quant-ffn-only', 'fully-quant'] as const),
    eightBit: Object.freeze({ int8: 'native', fp8: 'emulated' } as const),
    supports: (op: Op, precision: Precision) => Ops.includes(op) && precision === 'fp32',
  });
}

function cudaDevice(index: number): Device {
  const { cuda } = native().backends();
  if (!cuda.compiled) throw new SampError(SampErrorCode.DeviceUnavailable, `CUDA is not available: ${cuda.reason}`);
  const d = cuda.devices[index];
  if (!d) {
    const why = cuda.devices.length === 0 ? cuda.reason : `only ${cuda.devices.length} usable device(s)`;
    throw new SampError(SampErrorCode.DeviceUnavailable, `CUDA device ${index} is not available: ${why}`);
  }
  return Object.freeze({
    kind: 'cuda' as const,
    index,
    name: `${d.name} (sm_${d.major}${d.minor})`,
    precisions: Object.freeze(['fp32', 'fp16', 'bf16'] as const),
    modes: Object.freeze(['fp32', 'fp16', 'bf16', 'quant-ffn-only', 'fully-quant'] as const),
    // INT8 tensor cores from sm_80, FP8 (E4M3) from sm_89
    eightBit: Object.freeze({ int8: 'native', fp8: d.major * 10 + d.minor >= 89 ? 'native' : 'none' } as const),
    supports: (op: Op, precision: Precision) => Ops.includes(op) && ['fp32', 'fp16', 'bf16'].includes(precision),
  });
}

let warnedFallback = false;

/** Resolves a device spec; `auto` takes cuda when it works, else cpu with one process warning. */
export function resolveDevice(spec: DeviceSpec | Device = 'auto'): Device {
  if (typeof spec === 'object' && spec !== null && 'kind' in spec) return spec;
  if (spec === 'cpu') return cpuDevice();
  if (spec === 'cuda') return cudaDevice(0);
  if (typeof spec === 'string' && /^cuda:\d+$/.test(spec)) return cudaDevice(Number(spec.slice(5)));
  if (spec === 'auto') {
    try {
      return cudaDevice(0);
    } catch (error) {
      if (!warnedFallback) {
        warnedFallback = true;
        process.emitWarning(`samp: running on the CPU (${(error as Error).message})`, { code: 'SAMP_CPU_FALLBACK' });
      }
      return cpuDevice();
    }
  }
  return invalidArgument('device', '"cpu", "cuda", "cuda:N" or "auto"', spec);
}

/** Every usable device: the CPU first, then each CUDA device. */
export function listDevices(): Device[] {
  const { cuda } = native().backends();
  return [cpuDevice(), ...(cuda.compiled ? cuda.devices.map((_, i) => cudaDevice(i)) : [])];
}

/** Why CUDA is absent or unusable here (empty when it is usable). */
export function cudaStatus(): { available: boolean; reason: string } {
  const { cuda } = native().backends();
  return { available: cuda.compiled && cuda.devices.length > 0, reason: cuda.devices.length > 0 ? '' : cuda.reason };
}
