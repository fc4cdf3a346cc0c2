// @samp/recommender: the self-adaptive part of samp. Measures per-layer sensitivity, traces the accuracy-decay
// curves of Fully-Quant, Quant-FFN-Only and their mix, and recommends the plan a requirement asks for.
export { type RecommendOptions, type RecommendResult, recommend } from './recommend.js';
export { type Candidate, type Choice, LATENCY_TIE, type Requirement, choose, knee, metricFloor, paretoFront } from './choose.js';
export { type DevExample, type GoldSpan, type MetricTask, devExample, spreadEvenly } from './dev-set.js';
export { devMetric, flipRate, predictionKeys } from './metric.js';
export { type CandidatePlan, type Family, QUANT_MODES, type QuantMode, curvePlan, harmOrder, mixedPlan, planSpec, singleLayerPlan } from './plans.js';
export { REPORT_FILES, type Report, type SensitivityRow, reportMarkdown } from './report.js';
export { type ChartInput, chartSpec, renderChart } from './chart.js';
