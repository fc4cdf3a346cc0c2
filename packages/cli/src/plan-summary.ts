// A plan in a few words for status lines: `fp16`, or `fully-quant x10, fp32 x2` for a mixed plan.
export function planSummary(plan: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const p of plan) counts.set(p, (counts.get(p) ?? 0) + 1);
  return counts.size === 1 ? plan[0]! : [...counts].map(([p, n]) => `${p} x${n}`).join(', ');
}
