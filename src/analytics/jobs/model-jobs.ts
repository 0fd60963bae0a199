import { type BgBbData, type BgBbParams, bgBbExpectedTransactions, fitBgBb } from '../models/bgbb.ts';
import { type ClvOptions, discountedExpectedTransactions } from '../models/clv.ts';
import type { RfData } from '../models/data.ts';
import { accuracySummary, type AccuracySummary, type FrequencyBucket, holdoutByFrequency, type TrackingPoint, trackingCurve } from '../models/diagnostics.ts';
import { fitTransactionModel, type TransactionModelFit } from '../models/fit.ts';
import { fitGammaGamma, type GammaGammaFit } from '../models/gamma-gamma.ts';
import { conditionalExpectedTransactions, probabilityAlive, type TransactionModelName } from '../models/transaction-model.ts';
import type { Result } from '../../platform/result.ts';

/**
 * The CPU-heavy parts of a refresh — model fits and per-tuple predictions — as plain functions of
 * arrays, so that they run on a worker thread (jobs/run.ts) while the API keeps answering.
 */

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
const finiteOr0 = (v: number) => (Number.isFinite(v) ? v : 0);

export interface PredictInput {
  data: RfData;
  prefer: TransactionModelName;
  horizon: number;
  clv: ClvOptions;
}

export interface Predictions {
  fit: Result<TransactionModelFit>;
  pAlive: Float64Array;
  expected: Float64Array;
  discounted: Float64Array;
}

/** Fits the transaction model and predicts every (x, t_x, T) row of `data`. */
export function predictTuples(input: PredictInput): Predictions {
  const { data } = input;
  const fit = fitTransactionModel(data, { prefer: input.prefer });
  const n = data.x.length;
  const out = { fit, pAlive: new Float64Array(n), expected: new Float64Array(n), discounted: new Float64Array(n) };
  if (!fit.ok) return out;
  for (let i = 0; i < n; i++) {
    const c = { x: data.x[i] as number, tx: data.tx[i] as number, T: data.T[i] as number };
    out.pAlive[i] = clamp01(probabilityAlive(fit.value, c));
    out.expected[i] = finiteOr0(conditionalExpectedTransactions(fit.value, c, input.horizon));
    out.discounted[i] = finiteOr0(discountedExpectedTransactions(fit.value, c, input.clv));
  }
  return out;
}

export function fitSpend(input: { x: Float64Array; mbar: Float64Array }): Result<GammaGammaFit> {
  return fitGammaGamma(input);
}

export interface HoldoutInput {
  calibration: RfData & { weight: Float64Array };
  holdoutActual: Float64Array;
  holdoutLength: number;
  prefer: TransactionModelName;
  birth: Float64Array;
  periodEnds: number[];
  actualCumulative: number[];
}

export interface HoldoutCheck {
  fit: Result<TransactionModelFit>;
  accuracy: AccuracySummary | null;
  buckets: FrequencyBucket[];
  tracking: TrackingPoint[];
}

/** Refits on the calibration period and compares its predictions with the holdout. */
export function holdoutCheck(input: HoldoutInput): HoldoutCheck {
  const fit = fitTransactionModel(input.calibration, { prefer: input.prefer });
  if (!fit.ok) return { fit, accuracy: null, buckets: [], tracking: [] };
  const model = fit.value;
  const { calibration } = input;
  const predicted = Array.from(calibration.x, (x, i) =>
    conditionalExpectedTransactions(model, { x, tx: calibration.tx[i] as number, T: calibration.T[i] as number }, input.holdoutLength),
  );
  return {
    fit,
    accuracy: accuracySummary(predicted, input.holdoutActual, calibration.weight),
    buckets: holdoutByFrequency(model, calibration, input.holdoutActual, input.holdoutLength),
    tracking: trackingCurve(model, input.birth, input.periodEnds, input.actualCumulative),
  };
}

export interface DiscreteFit {
  fit: Result<{ params: BgBbParams; logLikelihood: number; converged: boolean; boundary: string[] }>;
  /** Expected repeat purchases of a new customer over 1…12 opportunities. */
  expected: number[];
}

/** BG/BB on discrete opportunities (months after the first purchase). */
export function fitDiscrete(data: BgBbData): DiscreteFit {
  const fit = fitBgBb(data);
  if (!fit.ok) return { fit, expected: [] };
  const { params, logLikelihood, converged, boundary } = fit.value;
  return {
    fit: { ok: true, value: { params, logLikelihood, converged, boundary } },
    expected: Array.from({ length: 12 }, (_, i) => bgBbExpectedTransactions(params, i + 1)),
  };
}

export const modelJobs = { predictTuples, fitSpend, holdoutCheck, fitDiscrete };
export type ModelJobs = typeof modelJobs;
