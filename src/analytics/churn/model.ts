import { applyEncoder, type EncoderOptions, type FeatureEncoder, type FeatureSpec, fitEncoder, type Row } from './features.ts';
import { fitLogistic, type LogisticOptions, predictLogistic } from './logistic.ts';

/**
 * The churn model the app keeps: the fitted encoder and the logistic regression on its columns.
 * Plain data, so it can be stored as JSON and used to score new customers later.
 *
 * @example
 * const trained = trainChurnModel(rows, rows.map((r) => r.Churn === 'Yes'), spec);
 * if (trained.ok) scoreChurn(trained.model, [newCustomer]); // → [0.73]
 */
export interface ChurnModel {
  encoder: FeatureEncoder;
  intercept: number;
  /** One per encoder feature, in the same order; weights are per sd of a numeric column. */
  coefficients: { feature: string; weight: number }[];
  l2: number;
  iterations: number;
  converged: boolean;
  trainedRows: number;
  /** Rows labelled churned among trainedRows. */
  positives: number;
}

export type ChurnTrainingOptions = LogisticOptions & EncoderOptions;

/** A label: true or 1 for churned, false or 0 for retained. */
export type ChurnLabel = boolean | number;

export type TrainResult = { ok: true; model: ChurnModel } | { ok: false; reason: string };
export type LabelCheck = { ok: true; labels: Uint8Array; positives: number } | { ok: false; reason: string };

/**
 * Checks what every fit needs and turns the labels into 0/1: rows present, one label per row,
 * labels that are booleans or 0/1, both classes present, no column named twice.
 */
export function checkTrainingInput(rows: readonly Row[], labels: ArrayLike<ChurnLabel>, spec: FeatureSpec): LabelCheck {
  if (rows.length === 0) return { ok: false, reason: 'no rows to learn from' };
  if (labels.length !== rows.length) return { ok: false, reason: `${rows.length} rows but ${labels.length} labels` };
  const names = new Set<string>();
  for (const column of spec) {
    if (names.has(column.name)) return { ok: false, reason: `column "${column.name}" is in the spec twice` };
    names.add(column.name);
  }
  const out = new Uint8Array(rows.length);
  let positives = 0;
  for (let i = 0; i < rows.length; i++) {
    const label = labels[i];
    if (label === true || label === 1) out[i] = 1;
    else if (label !== false && label !== 0) return { ok: false, reason: `label ${i} is ${String(label)}; expected true/false or 1/0` };
    positives += out[i]!;
  }
  if (positives === 0) return { ok: false, reason: 'every row is labelled retained; a churn model needs churned rows too' };
  if (positives === rows.length) return { ok: false, reason: 'every row is labelled churned; a churn model needs retained rows too' };
  return { ok: true, labels: out, positives };
}

/** Fits the encoder and the logistic regression on all of `rows`. */
export function trainChurnModel(
  rows: readonly Row[],
  labels: ArrayLike<ChurnLabel>,
  spec: FeatureSpec,
  options: ChurnTrainingOptions = {},
): TrainResult {
  const checked = checkTrainingInput(rows, labels, spec);
  if (!checked.ok) return checked;
  return { ok: true, model: fitOn(rows, checked.labels, spec, options) };
}

/** The fit itself, on rows already checked (cross-validation calls it once per fold). */
export function fitOn(rows: readonly Row[], labels: Uint8Array, spec: FeatureSpec, options: ChurnTrainingOptions): ChurnModel {
  const encoder = fitEncoder(rows, spec, options);
  const fit = fitLogistic(applyEncoder(encoder, rows), labels, options);
  let positives = 0;
  for (const label of labels) positives += label;
  return {
    encoder,
    intercept: fit.intercept,
    coefficients: encoder.featureNames.map((feature, j) => ({ feature, weight: fit.weights[j]! })),
    l2: options.l2 ?? 1,
    iterations: fit.iterations,
    converged: fit.converged,
    trainedRows: rows.length,
    positives,
  };
}

/** Churn probability of each row, encoded the way the model's training rows were. */
export function scoreChurn(model: ChurnModel, rows: readonly Row[]): number[] {
  const matrix = applyEncoder(model.encoder, rows);
  const weights = Float64Array.from(model.coefficients, (c) => c.weight);
  return Array.from(predictLogistic({ intercept: model.intercept, weights }, matrix));
}
