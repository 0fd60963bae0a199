import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitBgNbd } from './bgnbd-fit.ts';
import { compressRf, rfData, type RfData } from './data.ts';
import { chooseTransactionFit, fitTransactionModel, type TransactionModelFit } from './fit.ts';
import { fitParetoNbd } from './pareto-nbd-fit.ts';
import { Random } from './random.ts';
import { numbers, readCsvColumns, skipUnlessPresent } from './reference-data.ts';
import { conditionalExpectedTransactions, probabilityAlive } from './transaction-model.ts';

const SUMMARY = 'cdnow/cdnow_customers_summary.csv';

/** Every number in the fit is finite: the contract is "never NaN or Infinity". */
function assertAllFinite(fit: TransactionModelFit): void {
  for (const [k, v] of Object.entries(fit.params)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
  assert.ok(Number.isFinite(fit.logLikelihood), `LL = ${fit.logLikelihood}`);
}

/**
 * Customers who never drop out and buy more regularly than a Poisson process (gamma(2) gaps, as
 * in grocery or subscription-like retail), each at her own gamma-distributed rate, observed for
 * 20–60 weeks. Nobody goes quiet for long, so the BG/NBD likelihood keeps rising as the dropout
 * parameter a falls to 0 — the boundary optimum where Python lifetimes reports a convergence
 * failure. (With exactly Poisson purchasing the maximum sits at the boundary only about half the
 * time, as theory says for a parameter whose true value is on the boundary.)
 */
function regularBuyersWhoNeverDropOut(customers: number, seed: number): RfData {
  const random = Random.seeded(seed);
  const x = new Float64Array(customers);
  const tx = new Float64Array(customers);
  const T = new Float64Array(customers);
  for (let i = 0; i < customers; i++) {
    T[i] = 20 + Math.floor(random.uniform() * 41);
    const rate = random.gamma(0.5, 4);
    for (let t = random.gamma(2, 2 * rate); t <= T[i]!; t += random.gamma(2, 2 * rate)) {
      x[i] = x[i]! + 1;
      tx[i] = t;
    }
  }
  return { x, tx, T };
}

describe('fitting a transaction model', () => {
  test('given CDNOW, when either model is preferred, then that model is fitted without fallback', { skip: skipUnlessPresent(SUMMARY) }, () => {
    const c = readCsvColumns(SUMMARY);
    const data = { x: numbers(c.frequency), tx: numbers(c.recency), T: numbers(c.T) };
    const bg = fitTransactionModel(data, { prefer: 'bgnbd' });
    assert.ok(bg.ok && bg.value.model === 'bgnbd' && bg.value.converged && !bg.value.fallbackFrom);
    assert.ok(Math.abs(bg.value.params.r - 0.2426) < 1e-3);
    const pareto = fitTransactionModel(data, { prefer: 'paretonbd' });
    assert.ok(pareto.ok && pareto.value.model === 'paretonbd' && pareto.value.converged && !pareto.value.fallbackFrom);
    assert.ok(Math.abs(pareto.value.params.s - 0.606) < 1e-3);
  });

  test('given regular buyers who never drop out, when BG/NBD is fitted, then it converges at the boundary a → 0, says so, and predicts everyone alive', () => {
    const data = regularBuyersWhoNeverDropOut(20_000, 42);
    const fit = fitTransactionModel(data, { prefer: 'bgnbd' });
    assert.ok(fit.ok, fit.ok ? '' : fit.error);
    assert.equal(fit.value.model, 'bgnbd');
    assert.equal(fit.value.fallbackFrom, undefined, 'a boundary optimum is not a failure');
    assert.equal(fit.value.converged, true);
    assert.ok(fit.value.boundary.includes('a'), `boundary: ${fit.value.boundary}`);
    assertAllFinite(fit.value);
    assert.ok(fit.value.model === 'bgnbd' && fit.value.params.a <= 1e-5, `a = ${fit.value.params.a}`);
    assert.ok(Math.abs(fit.value.params.r - 0.5) < 0.1 && Math.abs(fit.value.params.alpha - 4) < 0.5, 'the purchase rates are still recovered');
    for (let i = 0; i < 200; i++) {
      const customer = { x: data.x[i]!, tx: data.tx[i]!, T: data.T[i]! };
      assert.ok(probabilityAlive(fit.value, customer) > 0.9999);
      assert.ok(Number.isFinite(conditionalExpectedTransactions(fit.value, customer, 52)));
    }
  });

  test('given regular buyers who never drop out, when Pareto/NBD is fitted, then a dropout parameter goes to its bound and the fit is still finite', () => {
    const fit = fitTransactionModel(regularBuyersWhoNeverDropOut(1_500, 7), { prefer: 'paretonbd' });
    assert.ok(fit.ok && fit.value.model === 'paretonbd', fit.ok ? fit.value.model : fit.error);
    assert.ok(fit.value.boundary.length > 0, 'some dropout parameter runs to a bound');
    assertAllFinite(fit.value);
  });

  test('given a preferred fit that did not converge, then the other model is used and the fallback is reported', () => {
    const data = compressRf(regularBuyersWhoNeverDropOut(2_000, 3));
    const chosen = chooseTransactionFit({ model: 'bgnbd', result: fitBgNbd(data, { maxIterations: 1 }) }, () => ({ model: 'paretonbd', result: fitParetoNbd(data) }));
    assert.ok(chosen.ok);
    assert.equal(chosen.value.model, 'paretonbd');
    assert.equal(chosen.value.fallbackFrom?.model, 'bgnbd');
    assert.match(chosen.value.fallbackFrom?.reason ?? '', /^BG\/NBD did not converge in \d+ iterations$/);

    const neither = chooseTransactionFit({ model: 'bgnbd', result: fitBgNbd(data, { maxIterations: 1 }) }, () => ({ model: 'paretonbd', result: fitParetoNbd(data, { maxIterations: 1 }) }));
    assert.ok(neither.ok && neither.value.model === 'bgnbd' && neither.value.converged === false, 'both failed: the preferred, flagged unconverged');
    assertAllFinite(neither.value);
  });

  test('given only one-time buyers, no customers or impossible rows, then the result is an error with a reason, never NaN', () => {
    const oneTimers = fitTransactionModel(rfData([{ x: 0, tx: 0, T: 30 }, { x: 0, tx: 0, T: 12 }]));
    assert.equal(oneTimers.ok, false);
    assert.match(oneTimers.ok ? '' : oneTimers.error, /no repeat transactions/);
    const empty = fitTransactionModel(rfData([]));
    assert.match(empty.ok ? '' : empty.error, /no customers/);
    const impossible = fitTransactionModel(rfData([{ x: 2, tx: 40, T: 30 }]));
    assert.match(impossible.ok ? '' : impossible.error, /row 0: tx must lie in \[0, T\]/);
  });

  test('given a single customer, then the fit is defined: finite parameters at their bounds, listed in boundary', () => {
    for (const prefer of ['bgnbd', 'paretonbd'] as const) {
      const fit = fitTransactionModel(rfData([{ x: 3, tx: 20, T: 30 }]), { prefer });
      assert.ok(fit.ok, fit.ok ? '' : fit.error);
      assertAllFinite(fit.value);
      assert.ok(fit.value.boundary.length > 0, `${prefer}: one customer cannot pin the parameters (${fit.value.boundary})`);
      const p = probabilityAlive(fit.value, { x: 3, tx: 20, T: 30 });
      assert.ok(p >= 0 && p <= 1);
    }
  });
});
