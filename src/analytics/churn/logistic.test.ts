import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DesignMatrix } from './features.ts';
import { fitLogistic, predictLogistic, sigmoid } from './logistic.ts';

const matrix = (rows: number[][]): DesignMatrix => ({ rowCount: rows.length, featureCount: rows[0]?.length ?? 0, values: Float64Array.from(rows.flat()) });
const logit = (p: number) => Math.log(p / (1 - p));

describe('fitLogistic', () => {
  test('given one binary feature and no penalty, then the fit is the closed-form maximum likelihood', () => {
    // x = 0: 1 churned of 4; x = 1: 3 churned of 4. MLE: b = logit(1/4), w = logit(3/4) − logit(1/4).
    const x = matrix([[0], [0], [0], [0], [1], [1], [1], [1]]);
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const fit = fitLogistic(x, y, { l2: 0 });
    assert.ok(fit.converged);
    assert.ok(Math.abs(fit.intercept - logit(0.25)) < 1e-9);
    assert.ok(Math.abs(fit.weights[0]! - (logit(0.75) - logit(0.25))) < 1e-9);
    const p = predictLogistic(fit, x);
    assert.ok(Math.abs(p[0]! - 0.25) < 1e-9 && Math.abs(p[7]! - 0.75) < 1e-9);
  });

  test('given an L2 penalty, then the penalised gradient is zero at the solution', () => {
    const rows = [[1, 2], [2, -1], [-1, 0.5], [0.3, 0.3], [-2, 1], [1.5, -0.5]];
    const y = [1, 1, 0, 0, 0, 1];
    const l2 = 0.7;
    const fit = fitLogistic(matrix(rows), y, { l2 });
    assert.ok(fit.converged && fit.iterations < 15);
    const p = predictLogistic(fit, matrix(rows));
    const gradient = [0, 0, 0];
    rows.forEach((r, i) => {
      const residual = y[i]! - p[i]!;
      gradient[0]! += residual;
      gradient[1]! += residual * r[0]!;
      gradient[2]! += residual * r[1]!;
    });
    gradient[1]! -= l2 * fit.weights[0]!;
    gradient[2]! -= l2 * fit.weights[1]!;
    for (const g of gradient) assert.ok(Math.abs(g) < 1e-9, `gradient ${gradient}`);
  });

  test('given perfectly separable data, then the penalty keeps the weights finite and Newton still converges', () => {
    const x = matrix([[-3], [-2], [-1], [1], [2], [3]]);
    const fit = fitLogistic(x, [0, 0, 0, 1, 1, 1], { l2: 1 });
    assert.ok(fit.converged);
    assert.ok(Number.isFinite(fit.weights[0]!) && fit.weights[0]! > 0);
  });

  test('given collinear columns and no penalty, then it still returns finite numbers', () => {
    const fit = fitLogistic(matrix([[1, 1], [2, 2], [3, 3], [4, 4]]), [0, 1, 0, 1], { l2: 0 });
    assert.ok(Number.isFinite(fit.intercept) && fit.weights.every(Number.isFinite));
  });

  test('given extreme linear predictors, then sigmoid neither overflows nor returns NaN', () => {
    assert.equal(sigmoid(1000), 1);
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoid(0), 0.5);
  });
});
