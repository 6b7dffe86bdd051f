/**
 * Nearest-rank percentile: the values sorted ascending as v[1..n], the p-th percentile (0 < p ≤ 100)
 * is v[⌈p/100 × n⌉], always one of the values, never an interpolation. So the median (p = 50) of
 * an even count is the lower of the two middle values: of [1, 2, 3, 4] it is 2; p90 of ten values
 * is the 9th. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
