// Small statistics helpers shared by the in-process and HTTP measurements.

/** Nearest-rank quantile of an ascending-sorted array (q in [0, 1]). */
export function quantile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(xs: number[]): number {
  return quantile(Float64Array.from(xs).sort(), 0.5);
}
