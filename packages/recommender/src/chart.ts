// The chart of a recommendation: metric against speedup for every plan measured, one line per decay curve, the
// baselines and the chosen plan marked; a vega-lite spec rendered to SVG by vega (no browser needed).
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import type { Candidate } from './choose.js';

export interface ChartInput {
  title: string;
  metricName: string;
  candidates: readonly Candidate[];
  chosen: string | null;
  fp32Metric: number;
  /** The metric floor of the requirement, if it has one. */
  floor?: number;
}

/** The vega-lite spec of the chart (x: speedup over fp16 where the device has fp16, else over fp32). */
export function chartSpec(c: ChartInput): TopLevelSpec {
  const vsFp16 = c.candidates.some((x) => x.speedupFp16 !== undefined);
  const points = c.candidates.map((x) => ({
    plan: x.label,
    family: x.family,
    k: x.k,
    metric: x.metric,
    speedup: vsFp16 ? x.speedupFp16! : x.speedupFp32,
    chosen: x.label === c.chosen,
  }));
  const x = { field: 'speedup', type: 'quantitative', title: `speedup over ${vsFp16 ? 'fp16' : 'fp32'} (x)`, scale: { zero: false } } as const;
  const y = { field: 'metric', type: 'quantitative', title: c.metricName, scale: { zero: false } } as const;
  const rules = [{ value: c.fp32Metric, what: 'fp32' }, ...(c.floor !== undefined ? [{ value: c.floor, what: 'required' }] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    width: 560,
    height: 340,
    data: { values: points },
    layer: [
      {
        transform: [{ filter: "datum.family != 'fp32' && datum.family != 'fp16'" }],
        mark: { type: 'line', opacity: 0.6 },
        encoding: { x, y, color: { field: 'family', type: 'nominal', title: 'plan' }, order: { field: 'k' } },
      },
      { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color: { field: 'family', type: 'nominal' } } },
      {
        transform: [{ filter: 'datum.chosen' }],
        mark: { type: 'point', shape: 'diamond', size: 260, filled: false, strokeWidth: 2.5, color: 'black' },
        encoding: { x, y },
      },
      {
        transform: [{ filter: 'datum.chosen' }],
        mark: { type: 'text', dy: -14, fontWeight: 'bold' },
        encoding: { x, y, text: { value: `chosen: ${c.chosen ?? ''}` } },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
        encoding: { y: { field: 'value', type: 'quantitative' }, x: { value: 0 }, text: { field: 'what' } },
      },
    ],
  };
}

/** The chart as an SVG document. */
export async function renderChart(c: ChartInput): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(c)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
