/**
 * How well a fitted transaction model tracks reality — the checks of FHL 2005 §4 and the BTYD
 * walkthrough: the cumulative repeat-transaction tracking curve over calibration + holdout, the
 * holdout conditional means by calibration frequency, and plain accuracy figures.
 */
import { distinctValues, type RfData } from './data.ts';
import { conditionalExpectedTransactions, expectedTransactions, type TransactionModel } from './transaction-model.ts';

export interface TrackingPoint {
  /** end of the period, on the same clock as `birth` */
  end: number;
  /** expected cumulative repeat transactions of all customers by `end` */
  expected: number;
  actual: number | null;
}

/**
 * Expected cumulative repeat transactions at each period end: Σ_i E[X(end − birth_i)] over
 * customers born (first purchase) before `end`. With the BTYD convention on CDNOW weeks,
 * birth_i = 39 − T_cal,i − 1/7, so that the age at the end of week w is w − 39 + T_cal,i + 1/7.
 * Customers with the same birth share one evaluation.
 */
export function trackingCurve(model: TransactionModel, birth: Float64Array, periodEnds: ArrayLike<number>, actual?: ArrayLike<number>): TrackingPoint[] {
  const births = distinctValues(birth);
  const count = new Float64Array(births.values.length);
  for (let i = 0; i < birth.length; i++) {
    const g = births.indexOfRow[i]!;
    count[g] = count[g]! + 1;
  }
  const points: TrackingPoint[] = [];
  for (let p = 0; p < periodEnds.length; p++) {
    const end = periodEnds[p]!;
    let expected = 0;
    for (let g = 0; g < count.length; g++) {
      const age = end - births.values[g]!;
      if (age > 0) expected += count[g]! * expectedTransactions(model, age);
    }
    points.push({ end, expected, actual: actual ? (actual[p] ?? null) : null });
  }
  return points;
}

export interface FrequencyBucket {
  /** calibration repeat transactions; the last bucket holds this many or more */
  frequency: number;
  label: string;
  customers: number;
  /** mean of E[Y(t*) | x, t_x, T] over the bucket */
  expectedMean: number;
  /** mean observed holdout transactions */
  actualMean: number;
}

/**
 * Holdout comparison by calibration frequency (FHL 2005 fig. 5): customers bucketed by x
 * (0, 1, …, `lastBucket`+), conditional expectation over the holdout length vs what they did.
 * Empty buckets are left out.
 */
export function holdoutByFrequency(
  model: TransactionModel,
  calibration: RfData,
  holdoutTransactions: ArrayLike<number>,
  holdoutLength: number | ArrayLike<number>,
  lastBucket = 7,
): FrequencyBucket[] {
  const sums = Array.from({ length: lastBucket + 1 }, () => ({ customers: 0, expected: 0, actual: 0 }));
  for (let i = 0; i < calibration.x.length; i++) {
    const w = calibration.weight ? calibration.weight[i]! : 1;
    const x = calibration.x[i]!;
    const bucket = sums[Math.min(lastBucket, Math.floor(x))]!;
    const t = typeof holdoutLength === 'number' ? holdoutLength : holdoutLength[i]!;
    bucket.customers += w;
    bucket.expected += w * conditionalExpectedTransactions(model, { x, tx: calibration.tx[i]!, T: calibration.T[i]! }, t);
    bucket.actual += w * holdoutTransactions[i]!;
  }
  const out: FrequencyBucket[] = [];
  sums.forEach((s, frequency) => {
    if (s.customers === 0) return;
    out.push({
      frequency,
      label: frequency === lastBucket ? `${frequency}+` : String(frequency),
      customers: s.customers,
      expectedMean: s.expected / s.customers,
      actualMean: s.actual / s.customers,
    });
  });
  return out;
}

export interface AccuracySummary {
  meanAbsoluteError: number;
  rootMeanSquaredError: number;
  /** (Σ predicted − Σ actual) / Σ actual × 100; null when Σ actual = 0 */
  aggregatePercentError: number | null;
  /** Pearson correlation; null when either side has no variance */
  correlation: number | null;
  count: number;
}

/** MAE, RMSE, aggregate % error and correlation of predictions against actuals (weighted). */
export function accuracySummary(predicted: ArrayLike<number>, actual: ArrayLike<number>, weight?: ArrayLike<number>): AccuracySummary {
  let n = 0;
  let abs = 0;
  let sq = 0;
  let sp = 0;
  let sa = 0;
  for (let i = 0; i < predicted.length; i++) {
    const w = weight ? weight[i]! : 1;
    const d = predicted[i]! - actual[i]!;
    n += w;
    abs += w * Math.abs(d);
    sq += w * d * d;
    sp += w * predicted[i]!;
    sa += w * actual[i]!;
  }
  if (n === 0) return { meanAbsoluteError: 0, rootMeanSquaredError: 0, aggregatePercentError: null, correlation: null, count: 0 };
  const mp = sp / n;
  const ma = sa / n;
  let cov = 0;
  let vp = 0;
  let va = 0;
  for (let i = 0; i < predicted.length; i++) {
    const w = weight ? weight[i]! : 1;
    const dp = predicted[i]! - mp;
    const da = actual[i]! - ma;
    cov += w * dp * da;
    vp += w * dp * dp;
    va += w * da * da;
  }
  return {
    meanAbsoluteError: abs / n,
    rootMeanSquaredError: Math.sqrt(sq / n),
    aggregatePercentError: sa !== 0 ? ((sp - sa) / sa) * 100 : null,
    correlation: vp > 0 && va > 0 ? cov / Math.sqrt(vp * va) : null,
    count: n,
  };
}
