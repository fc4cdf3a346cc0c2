// The output record of one result, as samp run writes it (and the Python bridge returns it).
import type { PipelineResult } from '@samp/targets';

/** `{label, label_id, scores}`, `{entities}`, `{embedding}` or `{score}`: snake_case, by what the result holds. */
export function resultRecord(result: PipelineResult): Record<string, unknown> {
  if ('entities' in result) return { entities: result.entities };
  if ('embedding' in result) return { embedding: result.embedding };
  if ('score' in result) return { score: result.score };
  return { label: result.label, label_id: result.labelId, scores: result.scores };
}
