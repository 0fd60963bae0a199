import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bgBbConditionalExpectedTransactions,
  bgBbExpectedTransactions,
  bgBbProbabilityAlive,
  bgBbTotalLogLikelihood,
  fitBgBb,
  type BgBbData,
  type BgBbParams,
} from './bgbb.ts';
import { numbers, readCsvColumns, skipUnlessPresent } from './reference-data.ts';
import { simulateBgBb } from './simulate.ts';

const DONATIONS = 'cdnow/donations.csv';
const btyd: BgBbParams = { alpha: 1.203507, beta: 0.7497667, gamma: 0.6567568, delta: 2.783887 };

const relativeClose = (actual: number, expected: number, tolerance: number, label: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${label}: ${actual} vs ${expected} (relative ${tolerance})`);

function loadDonations(): BgBbData {
  const c = readCsvColumns(DONATIONS);
  return { x: numbers(c.frequency), tx: numbers(c.recency), n: numbers(c.periods), weight: numbers(c.weights) };
}

describe('BG/BB', () => {
  test('given the donations summary (11,104 donors, 6 opportunities), when BG/BB is fitted, then it matches BTYD within 1e-3 and LL = −33225.58', { skip: skipUnlessPresent(DONATIONS) }, () => {
    const data = loadDonations();
    const fit = fitBgBb(data);
    assert.ok(fit.ok, fit.ok ? '' : fit.error);
    for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) relativeClose(fit.value.params[k], btyd[k], 1e-3, k);
    assert.ok(Math.abs(fit.value.logLikelihood - -33225.58) < 0.005, `LL ${fit.value.logLikelihood}`);
    assert.ok(Math.abs(bgBbTotalLogLikelihood(btyd, data) - -33225.58) < 0.005, 'LL at BTYD parameters');
  });

  test('given BTYD parameters, then a new donor’s expected repeat transactions over n = 1..11 match the published values', () => {
    const expected = [0.4985, 0.9233, 1.2969, 1.6323, 1.9381, 2.2202, 2.4826, 2.7285, 2.9603, 3.1798, 3.3887];
    expected.forEach((e, i) => {
      assert.ok(Math.abs(bgBbExpectedTransactions(btyd, i + 1) - e) < 5e-5, `n=${i + 1}: ${bgBbExpectedTransactions(btyd, i + 1)} vs ${e}`);
    });
  });

  test('given donors simulated from BTYD parameters, then P(alive) and the next-5 expected transactions match what the simulated donors did', () => {
    const sim = simulateBgBb(btyd, { customers: 300_000, n: 6, holdout: 5, seed: 2010 });
    for (const [x, tx] of [
      [0, 0],
      [2, 3],
      [4, 6],
      [6, 6],
    ] as const) {
      let count = 0;
      let alive = 0;
      let holdout = 0;
      let holdoutSq = 0;
      for (let i = 0; i < sim.x.length; i++) {
        if (sim.x[i] !== x || sim.tx[i] !== tx) continue;
        count++;
        alive += sim.aliveAfter[i]!;
        holdout += sim.holdoutTransactions[i]!;
        holdoutSq += sim.holdoutTransactions[i]! ** 2;
      }
      const pAlive = alive / count;
      const mean = holdout / count;
      const se = Math.sqrt((holdoutSq / count - mean * mean) / count);
      const predictedAlive = bgBbProbabilityAlive(btyd, x, tx, 6);
      const predicted = bgBbConditionalExpectedTransactions(btyd, x, tx, 6, 5);
      assert.ok(Math.abs(pAlive - predictedAlive) < 4 * Math.sqrt((predictedAlive * (1 - predictedAlive)) / count) + 1e-9, `P(alive | ${x},${tx}): simulated ${pAlive} vs ${predictedAlive} (${count} donors)`);
      assert.ok(Math.abs(mean - predicted) < 4 * se + 1e-9, `E[X(6,11) | ${x},${tx}]: simulated ${mean} ± ${se} vs ${predicted}`);
    }
  });

  test('given nobody transacted, or rows that are impossible, then the fit fails with a reason instead of NaN', () => {
    const none = fitBgBb({ x: Float64Array.of(0, 0), tx: Float64Array.of(0, 0), n: Float64Array.of(6, 6) });
    assert.equal(none.ok, false);
    assert.match(none.ok ? '' : none.error, /no repeat transactions/);
    const impossible = fitBgBb({ x: Float64Array.of(3), tx: Float64Array.of(2), n: Float64Array.of(6) });
    assert.match(impossible.ok ? '' : impossible.error, /row 0: need 0 ≤ x ≤ tx ≤ n/);
  });
});
