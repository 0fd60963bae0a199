/**
 * Confidence intervals for conversion rates and their differences. We use Wilson score intervals
 * for each proportion and Newcombe's hybrid score interval (Newcombe 1998, method 10) for the
 * difference: unlike the Wald interval it stays inside [-1, 1] and keeps its coverage with the
 * small counts and rates near 0 that broadcast conversions usually have.
 */
export const z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for x successes out of n (n = 0: the whole [0, 1]). */
export function wilson(x: number, n: number, z = z95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval for p1 − p2 (x1 of n1 against x2 of n2). */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = z95): Interval {
  const p1 = n1 ? x1 / n1 : 0;
  const p2 = n2 ? x2 / n2 : 0;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2),
    high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2),
  };
}

export interface Lift {
  absolute: number;
  relative: number | null;
  ci95: Interval;
}

/** A variant's lift over the control (the holdout). */
export function liftOver(x: number, n: number, controlX: number, controlN: number): Lift {
  const rate = n ? x / n : 0;
  const control = controlN ? controlX / controlN : 0;
  return {
    absolute: rate - control,
    relative: control > 0 ? (rate - control) / control : null,
    ci95: newcombeDifference(x, n, controlX, controlN),
  };
}
