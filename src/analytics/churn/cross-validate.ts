import { prng } from '../../demo/people.ts';
import { rocAuc } from './auc.ts';
import type { FeatureSpec, Row } from './features.ts';
import { type ChurnLabel, type ChurnModel, type ChurnTrainingOptions, checkTrainingInput, fitOn, scoreChurn } from './model.ts';

/**
 * Stratified k-fold cross-validation of the churn model: each fold keeps the churn rate of the
 * whole set, the encoder is fitted on the training folds only (no leakage of test means or
 * levels), and the held-out fold is scored by ROC-AUC.
 *
 * @example
 * const cv = crossValidateChurn(rows, labels, spec, { folds: 10, seed: 7 });
 * if (cv.ok) console.log(cv.meanAuc, cv.sdAuc);
 */
export interface CrossValidationOptions extends ChurnTrainingOptions {
  /** Default 10. */
  folds?: number;
  /** Seed of the shuffle; the same seed gives the same folds. Default 1. */
  seed?: number;
}

export interface FoldResult {
  /** 0-based. */
  fold: number;
  auc: number;
  trainRows: number;
  testRows: number;
  testPositives: number;
  iterations: number;
  converged: boolean;
}

export type CrossValidation =
  | {
      ok: true;
      folds: FoldResult[];
      meanAuc: number;
      /** Sample standard deviation (n − 1) of the fold AUCs. */
      sdAuc: number;
    }
  | { ok: false; reason: string };

export type ChurnModelBuild = { ok: true; model: ChurnModel; validation: Extract<CrossValidation, { ok: true }> } | { ok: false; reason: string };

/**
 * Row indices of each fold's test set. Each class is shuffled (seeded Fisher–Yates) and dealt
 * round-robin over the folds, the second class continuing where the first stopped, so fold
 * sizes differ by at most one and class shares by at most one row.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): number[][] {
  const random = prng(seed);
  const byClass: number[][] = [[], []];
  for (let i = 0; i < labels.length; i++) byClass[labels[i] === 1 ? 1 : 0]!.push(i);
  const out: number[][] = Array.from({ length: folds }, () => []);
  let next = 0;
  for (const members of byClass) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const index of members) {
      out[next % folds]!.push(index);
      next++;
    }
  }
  for (const fold of out) fold.sort((a, b) => a - b);
  return out;
}

export function crossValidateChurn(
  rows: readonly Row[],
  labels: ArrayLike<ChurnLabel>,
  spec: FeatureSpec,
  options: CrossValidationOptions = {},
): CrossValidation {
  const k = options.folds ?? 10;
  if (!Number.isInteger(k) || k < 2) return { ok: false, reason: `folds must be an integer ≥ 2, got ${k}` };
  const checked = checkTrainingInput(rows, labels, spec);
  if (!checked.ok) return checked;
  if (rows.length < k) return { ok: false, reason: `${rows.length} rows cannot make ${k} folds` };
  const negatives = rows.length - checked.positives;
  // A fold without a churned (or retained) row has no AUC; stratification avoids that only if each class has ≥ k rows.
  if (Math.min(checked.positives, negatives) < k) {
    return { ok: false, reason: `${k} folds need at least ${k} rows of each class; there are ${checked.positives} churned and ${negatives} retained` };
  }

  const testSets = stratifiedFolds(checked.labels, k, options.seed ?? 1);
  const results: FoldResult[] = [];
  for (let f = 0; f < k; f++) {
    const isTest = new Uint8Array(rows.length);
    for (const i of testSets[f]!) isTest[i] = 1;
    const trainRows: Row[] = [];
    const trainLabels: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      if (isTest[i]) continue;
      trainRows.push(rows[i]!);
      trainLabels.push(checked.labels[i]!);
    }
    const model = fitOn(trainRows, Uint8Array.from(trainLabels), spec, options);
    const testRows = testSets[f]!.map((i) => rows[i]!);
    const testLabels = testSets[f]!.map((i) => checked.labels[i]!);
    const auc = rocAuc(scoreChurn(model, testRows), testLabels);
    if (!auc.ok) return { ok: false, reason: `fold ${f}: ${auc.reason}` };
    results.push({
      fold: f,
      auc: auc.auc,
      trainRows: trainRows.length,
      testRows: testRows.length,
      testPositives: testLabels.reduce((s, y) => s + y, 0),
      iterations: model.iterations,
      converged: model.converged,
    });
  }
  const aucs = results.map((r) => r.auc);
  const meanAuc = aucs.reduce((s, a) => s + a, 0) / k;
  const sdAuc = Math.sqrt(aucs.reduce((s, a) => s + (a - meanAuc) ** 2, 0) / (k - 1));
  return { ok: true, folds: results, meanAuc, sdAuc };
}

/** Cross-validates, then fits the final model on all rows: what the app stores and reports. */
export function buildChurnModel(
  rows: readonly Row[],
  labels: ArrayLike<ChurnLabel>,
  spec: FeatureSpec,
  options: CrossValidationOptions = {},
): ChurnModelBuild {
  const validation = crossValidateChurn(rows, labels, spec, options);
  if (!validation.ok) return validation;
  const checked = checkTrainingInput(rows, labels, spec);
  if (!checked.ok) return checked;
  return { ok: true, model: fitOn(rows, checked.labels, spec, options), validation };
}
