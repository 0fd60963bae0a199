import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rfData } from './data.ts';
import { accuracySummary, holdoutByFrequency, trackingCurve } from './diagnostics.ts';
import { conditionalExpectedTransactions, expectedTransactions, type TransactionModel } from './transaction-model.ts';

const bgnbd: TransactionModel = { model: 'bgnbd', params: { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 } };
const pareto: TransactionModel = { model: 'paretonbd', params: { r: 0.55315, alpha: 10.57633, s: 0.60625, beta: 11.6715 } };

describe('model diagnostics', () => {
  test('given customers born at different times, then the tracking curve sums each one’s E[X(age)] and ignores the unborn', () => {
    const birth = Float64Array.of(0, 0, 5, 12);
    for (const model of [bgnbd, pareto]) {
      const curve = trackingCurve(model, birth, [4, 10], [1, 3]);
      assert.ok(Math.abs(curve[0]!.expected - 2 * expectedTransactions(model, 4)) < 1e-12, 'only the two born at 0 count at week 4');
      const at10 = 2 * expectedTransactions(model, 10) + expectedTransactions(model, 5);
      assert.ok(Math.abs(curve[1]!.expected - at10) < 1e-12);
      assert.deepEqual(
        curve.map((p) => p.actual),
        [1, 3],
      );
    }
    assert.equal(trackingCurve(bgnbd, birth, [1])[0]!.actual, null, 'no actuals given');
  });

  test('given weighted customers and a custom last bucket, then holdout means are per customer and the last bucket collects the rest', () => {
    const calibration = rfData(
      [
        { x: 0, tx: 0, T: 30 },
        { x: 1, tx: 10, T: 30 },
        { x: 3, tx: 25, T: 30 },
        { x: 9, tx: 29, T: 30 },
      ],
      [10, 4, 1, 1],
    );
    const buckets = holdoutByFrequency(pareto, calibration, [0.1, 1, 2, 8], 20, 2);
    assert.deepEqual(
      buckets.map((b) => [b.label, b.customers]),
      [
        ['0', 10],
        ['1', 4],
        ['2+', 2],
      ],
    );
    assert.equal(buckets[2]!.actualMean, 5);
    const expected2 =
      (conditionalExpectedTransactions(pareto, { x: 3, tx: 25, T: 30 }, 20) + conditionalExpectedTransactions(pareto, { x: 9, tx: 29, T: 30 }, 20)) / 2;
    assert.ok(Math.abs(buckets[2]!.expectedMean - expected2) < 1e-12);
  });

  test('given predictions and actuals, then MAE, RMSE, aggregate % error and correlation are the textbook ones', () => {
    const summary = accuracySummary([1, 2, 3, 4], [1, 3, 2, 6]);
    assert.equal(summary.meanAbsoluteError, 1);
    assert.equal(summary.rootMeanSquaredError, Math.sqrt(6 / 4));
    assert.ok(Math.abs(summary.aggregatePercentError! - ((10 - 12) / 12) * 100) < 1e-12);
    assert.ok(Math.abs(summary.correlation! - 0.8366600265340756) < 1e-12, `numpy.corrcoef gives 0.83666…, got ${summary.correlation}`);
    const weighted = accuracySummary([1, 3], [2, 3], [3, 1]);
    assert.equal(weighted.meanAbsoluteError, 0.75);
    assert.equal(weighted.count, 4);
  });

  test('given no variance or nothing to compare, then correlation and % error are null rather than NaN', () => {
    const flat = accuracySummary([2, 2, 2], [1, 0, 3]);
    assert.equal(flat.correlation, null);
    assert.equal(accuracySummary([1], [0]).aggregatePercentError, null);
    assert.deepEqual(accuracySummary([], []), { meanAbsoluteError: 0, rootMeanSquaredError: 0, aggregatePercentError: null, correlation: null, count: 0 });
  });
});
