// Loads the native addon once. A failed load names every path tried and the usual fixes.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SampError, SampErrorCode } from './errors.js';

/** @internal */
export interface NativeInputs { ids: Int32Array; types?: Int32Array; mask?: Int32Array; batch: number; seq: number }

/** @internal */
export interface NativeOutputs { hidden: Float32Array; pooled: Float32Array | null }

/** @internal */
export interface NativeModelHandle {
  forward(inputs: NativeInputs, pooled: boolean): Promise<NativeOutputs>;
  forwardSync(inputs: NativeInputs, pooled: boolean): NativeOutputs;
  benchmark(inputs: NativeInputs, warmup: number, iters: number): { ms: number[]; tokens: number };
  calibrate(inputs: NativeInputs): void;
  calibrationStats(): { amax: number; range: number; counts: Float64Array }[];
  weightBytes(): number;
  release(): void;
}

/** @internal */
export interface NativeOp {
  op: string; dtype: string; f: Float32Array[]; i: Int32Array[]; dims: number[];
  epilogue?: number; eps?: number; deviceIndex?: number;
}

/** @internal */
export interface NativeCudaDevice { name: string; major: number; minor: number; smCount: number; memory: number }

/** @internal */
export interface NativeAddon {
  backends(): {
    cpu: { isa: string; isa8: string; threads: number };
    cuda: { compiled: boolean; reason: string; devices: NativeCudaDevice[] };
  };
  runOp(device: string, op: NativeOp): Float32Array;
  NativeModel: new (
    device: string, deviceIndex: number, config: object, weights: object, plan: (string | object)[],
  ) => NativeModelHandle;
}

let cached: NativeAddon | undefined;

/** @internal The addon, loaded on first use. */
export function native(): NativeAddon {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.SAMP_KERNELS_ADDON,
    join(here, '..', 'build', 'Release', 'samp_kernels.node'),
  ].filter((p): p is string => typeof p === 'string' && p.length > 0);
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`${path}: not found`);
      continue;
    }
    try {
      cached = require(path) as NativeAddon;
      return cached;
    } catch (error) {
      failures.push(`${path}: ${(error as Error).message}`);
    }
  }
  throw new SampError(
    SampErrorCode.NativeLoad,
    `Could not load the samp_kernels native addon.\n  Tried:\n    ${failures.join('\n    ')}\n` +
      '  Possible solutions:\n' +
      '    - build it: `pnpm --filter @samp/kernels-cuda build` (needs cmake >= 3.20 and a C++17 compiler)\n' +
      '    - point SAMP_KERNELS_ADDON at a built samp_kernels.node',
  );
}
