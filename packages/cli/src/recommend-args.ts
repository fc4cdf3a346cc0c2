// Options of samp recommend.
import { UsageError, oneOf, parse, positiveInt } from './args.js';

export interface RecommendArgs {
  model: string;
  task: 'classify' | 'match' | 'tag';
  calib: string;
  dev: string;
  out: string;
  maxDrop?: number;
  minMetric?: number;
  maxLatencyMs?: number;
  device: 'cpu' | 'cuda' | 'auto';
  batch: number;
  seq: number;
  dtype8: 'int8' | 'fp8' | 'auto';
  devSamples: number;
  samples: number;
  method: 'max' | 'percentile' | 'mse';
  granularity?: 'wordpiece' | 'char' | 'word';
  maxLength?: number;
  iters?: number;
  seed: number;
}

function fraction(name: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    const hint = max === 1 ? ' (a fraction: 0.01 is one point)' : '';
    throw new UsageError(`Expected --${name} to be a number in [0, ${max === 1 ? 1 : 'inf'})${hint} but received "${v}"`);
  }
  return n;
}

export function parseRecommendArgs(argv: string[]): RecommendArgs {
  const v = parse(argv, {
    model: 'string', task: 'string', calib: 'string', dev: 'string', out: 'string', 'max-drop': 'string', 'min-metric': 'string',
    'max-latency-ms': 'string', device: 'string', batch: 'string', seq: 'string', dtype8: 'string', 'dev-samples': 'string',
    samples: 'string', method: 'string', granularity: 'string', 'max-length': 'string', iters: 'string', seed: 'string',
  });
  for (const name of ['model', 'calib', 'dev', 'out']) if (!v[name]) throw new UsageError(`Missing --${name}`);
  const given = ['max-drop', 'min-metric', 'max-latency-ms'].filter((k) => v[k] !== undefined);
  if (given.length > 1) throw new UsageError(`Give one of --max-drop, --min-metric and --max-latency-ms, not ${given.map((k) => `--${k}`).join(' and ')}`);
  const latency = fraction('max-latency-ms', v['max-latency-ms'], Number.MAX_VALUE);
  if (latency === 0) throw new UsageError('Expected --max-latency-ms to be above 0');
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`Expected --seed to be an integer >= 0 but received "${v.seed}"`);
  return {
    model: v.model!,
    task: oneOf('task', v.task, ['classify', 'match', 'tag'] as const),
    calib: v.calib!,
    dev: v.dev!,
    out: v.out!,
    maxDrop: fraction('max-drop', v['max-drop'], 1),
    minMetric: fraction('min-metric', v['min-metric'], 1),
    maxLatencyMs: latency,
    device: oneOf('device', v.device, ['cpu', 'cuda', 'auto'] as const, 'cpu'),
    batch: positiveInt('batch', v.batch) ?? 8,
    seq: positiveInt('seq', v.seq) ?? 128,
    dtype8: oneOf('dtype8', v.dtype8, ['int8', 'fp8', 'auto'] as const, 'auto'),
    devSamples: positiveInt('dev-samples', v['dev-samples']) ?? 2000,
    samples: positiveInt('samples', v.samples) ?? 512,
    method: oneOf('method', v.method, ['max', 'percentile', 'mse'] as const, 'percentile'),
    granularity: v.granularity === undefined ? undefined : oneOf('granularity', v.granularity, ['wordpiece', 'char', 'word'] as const),
    maxLength: positiveInt('max-length', v['max-length']),
    iters: positiveInt('iters', v.iters),
    seed,
  };
}
