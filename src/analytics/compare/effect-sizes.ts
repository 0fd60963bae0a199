/**
 * Effect sizes for comparing two groups of customers, from Cohen, "Statistical Power Analysis for
 * the Behavioral Sciences" (2nd ed., 1988): d for a difference of means (§2.2), h for a
 * difference of proportions (§6.2), with his small/medium/large marks (0.2 / 0.5 / 0.8 for both).
 * d carries Hedges' small-sample correction (Hedges 1981, eq. 6a; Hedges & Olkin 1985, §5.A).
 */

export type Magnitude = 'negligible' | 'small' | 'medium' | 'large';

/** Cohen's thresholds, the same for d and h. */
export function magnitudeOf(effect: number): Magnitude {
  const size = Math.abs(effect);
  if (size < 0.2) return 'negligible';
  if (size < 0.5) return 'small';
  if (size < 0.8) return 'medium';
  return 'large';
}

export interface Summary {
  count: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
}

/** Count, mean, median and sd of finite values (at least one). */
export function summarize(values: readonly number[]): Summary {
  const count = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, x) => s + x, 0) / count;
  const middle = count >> 1;
  const median = count % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const squares = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { count, mean, median, sd: count > 1 ? Math.sqrt(squares / (count - 1)) : 0 };
}

/** The largest |d| reported: beyond it the groups barely overlap and a bigger number says nothing more. */
export const MAX_EFFECT = 10;

export interface StandardizedDifference {
  /** Hedges' g: Cohen's d (pooled sd) times J = 1 − 3 / (4(n₁ + n₂) − 9); positive when group A is higher. */
  effect: number;
  /**
   * True when |g| was cut to MAX_EFFECT: either both groups are constant at different values (a
   * zero pooled sd; d would be infinite) or the groups are that far apart.
   */
  capped: boolean;
}

/** Hedges' g of A versus B; never NaN. Needs n₁ + n₂ ≥ 3 (one degree of freedom for the pooled sd). */
export function hedgesG(a: Summary, b: Summary): StandardizedDifference {
  const freedom = a.count + b.count - 2;
  if (freedom < 1) throw new RangeError('hedgesG needs at least three values in all');
  const pooled = Math.sqrt(((a.count - 1) * a.sd ** 2 + (b.count - 1) * b.sd ** 2) / freedom);
  const difference = a.mean - b.mean;
  const scale = Math.max(1, Math.abs(a.mean), Math.abs(b.mean));
  if (Math.abs(difference) <= 1e-12 * scale) return { effect: 0, capped: false };
  if (pooled <= 1e-12 * scale) return { effect: Math.sign(difference) * MAX_EFFECT, capped: true };
  const correction = 1 - 3 / (4 * (a.count + b.count) - 9);
  const g = (difference / pooled) * correction;
  return Math.abs(g) > MAX_EFFECT ? { effect: Math.sign(g) * MAX_EFFECT, capped: true } : { effect: g, capped: false };
}

/** Cohen's h = 2·asin√p₁ − 2·asin√p₂ for shares in [0, 1]; at most π in size. */
export function cohensH(shareA: number, shareB: number): number {
  const arcsine = (p: number) => 2 * Math.asin(Math.sqrt(Math.min(1, Math.max(0, p))));
  return arcsine(shareA) - arcsine(shareB);
}
