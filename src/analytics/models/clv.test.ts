import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BgNbdParams } from './bgnbd.ts';
import { fitBgNbd } from './bgnbd-fit.ts';
import { churnRiskBand, customerLifetimeValue, customerLifetimeValues, discountedExpectedTransactions } from './clv.ts';
import { rfData } from './data.ts';
import { fitGammaGamma, gammaGammaExpectedAverageSpend } from './gamma-gamma.ts';
import { numbers, readCsvColumns, skipUnlessPresent } from './reference-data.ts';
import { conditionalExpectedTransactions, type TransactionModel } from './transaction-model.ts';

const WITH_SPEND = 'cdnow/cdnow_customers_summary_with_transactions.csv';
const btyd: BgNbdParams = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
const model: TransactionModel = { model: 'bgnbd', params: btyd };

describe('customer lifetime value', () => {
  test('given lifetimes’ README example (CDNOW weekly summary, 12 steps of 30 units, 1 % a step), then CLV of customers 1–5 matches lifetimes', { skip: skipUnlessPresent(WITH_SPEND) }, () => {
    // lifetimes' customer_lifetime_value defaults to freq="D" (30 units a month) even though this
    // summary is in weeks; the printed values are 140.096218, 18.943466, 38.180575 (×3).
    const c = readCsvColumns(WITH_SPEND);
    const data = { x: numbers(c.x), tx: numbers(c.t_x), T: numbers(c.T) };
    const mbar = numbers(c.zbar);
    const transactions = fitBgNbd(data);
    const spend = fitGammaGamma({ x: data.x, mbar });
    assert.ok(transactions.ok && spend.ok);
    const fitted: TransactionModel = { model: 'bgnbd', params: transactions.value.params };
    const expectedSpend = Float64Array.from(data.x, (x, i) => gammaGammaExpectedAverageSpend(spend.value.params, x, mbar[i]!)!);
    const clv = customerLifetimeValues(fitted, data, expectedSpend, { steps: 12, unitsPerStep: 30, discountRate: 0.01 });
    [140.096218, 18.943466, 38.180575, 38.180575, 38.180575].forEach((e, i) => {
      assert.ok(Math.abs(clv[i]! - e) < 1e-3, `customer ${i + 1}: ${clv[i]} vs ${e}`);
    });
  });

  test('given no discounting, then CLV is spend × expected transactions over the whole horizon', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86 };
    const undiscounted = customerLifetimeValue(model, customer, 20, { steps: 12, unitsPerStep: 4.345, discountRate: 0 });
    const direct = 20 * conditionalExpectedTransactions(model, customer, 12 * 4.345);
    assert.ok(Math.abs(undiscounted - direct) < 1e-10, `${undiscounted} vs ${direct}`);
    const discounted = customerLifetimeValue(model, customer, 20, { steps: 12, unitsPerStep: 4.345, discountRate: 0.01 });
    assert.ok(discounted < undiscounted && discounted > undiscounted / 1.01 ** 12);
    const oneStep = discountedExpectedTransactions(model, customer, { steps: 1, unitsPerStep: 4.345, discountRate: 0.05 });
    assert.ok(Math.abs(oneStep - conditionalExpectedTransactions(model, customer, 4.345) / 1.05) < 1e-12);
  });

  test('given customers sharing a history, then the batch CLV computes each history once and scales by each spend', () => {
    const data = rfData([
      { x: 1, tx: 10, T: 20 },
      { x: 1, tx: 10, T: 20 },
      { x: 0, tx: 0, T: 20 },
    ]);
    const clv = customerLifetimeValues(model, data, [10, 30, 10], { steps: 6, unitsPerStep: 4, discountRate: 0.01 });
    assert.ok(Math.abs(clv[1]! - 3 * clv[0]!) < 1e-12);
    assert.ok(clv[2]! > 0 && clv[2]! !== clv[0]);
  });

  test('given P(alive), then the churn-risk band is low ≥ 0.7, medium ≥ 0.3, high below, with adjustable thresholds', () => {
    assert.equal(churnRiskBand(0.9), 'low');
    assert.equal(churnRiskBand(0.7), 'low');
    assert.equal(churnRiskBand(0.5), 'medium');
    assert.equal(churnRiskBand(0.3), 'medium');
    assert.equal(churnRiskBand(0.1), 'high');
    assert.equal(churnRiskBand(Number.NaN), 'high', 'a broken probability is not hidden as low risk');
    assert.equal(churnRiskBand(0.5, { low: 0.5 }), 'low');
    assert.equal(churnRiskBand(0.25, { medium: 0.2 }), 'medium');
  });
});
