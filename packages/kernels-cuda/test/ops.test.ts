// Every CPU op against the plain reference; every CUDA op against the CPU op, where a CUDA device is present.
import { describe, expect, it } from 'vitest';
import { cudaStatus, runOp } from '../src/index.js';
import { maxAbsDiff, opCases, referenceOp } from './op-cases.js';

const cases = opCases();
const cuda = cudaStatus();

describe('cpu ops against the reference arithmetic', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = runOp('cpu', c.call);
      expect(maxAbsDiff(got, referenceOp(c.call))).toBeLessThanOrEqual(c.tolerance.fp32);
    });
  }
});

describe.skipIf(!cuda.available)(`cuda ops against the cpu ops${cuda.available ? '' : ` (skipped: ${cuda.reason})`}`, () => {
  for (const c of cases) {
    for (const precision of ['fp32', 'fp16', 'bf16'] as const) {
      it(`${c.name} ${precision}`, () => {
        const cpu = runOp('cpu', c.call);
        const got = runOp('cuda', { ...c.call, precision });
        expect(maxAbsDiff(got, cpu)).toBeLessThanOrEqual(c.tolerance[precision]);
      });
    }
  }
});
