/**
 * Parameter recovery: draw customers from known parameters, fit, and get the parameters back.
 * Tolerances are about twice the largest error seen over 20 other seeds (8 for Pareto/NBD) at
 * these sample sizes: BG/NBD r, α ≤ 4.2 %, a, b ≤ 12.7 %; Pareto/NBD ≤ 6.7 %;
 * Gamma-Gamma p, γ ≤ 11 %, q ≤ 2 %. The dropout and spend-scale parameters are the loose ones.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fitBgNbd } from './bgnbd-fit.ts';
import { compressRf } from './data.ts';
import { fitGammaGamma } from './gamma-gamma.ts';
import { fitParetoNbd } from './pareto-nbd-fit.ts';
import { Random } from './random.ts';
import { simulateBgNbd, simulateGammaGamma, simulateParetoNbd } from './simulate.ts';

function assertRecovered<P extends object>(actual: P, truth: P, tolerance: Partial<Record<keyof P, number>>): void {
  for (const k of Object.keys(truth) as (keyof P & string)[]) {
    const t = truth[k] as number;
    const error = Math.abs((actual[k] as number) - t) / t;
    const allowed = tolerance[k] ?? 0.1;
    assert.ok(error <= allowed, `${k}: ${actual[k]} vs true ${t} (${(error * 100).toFixed(1)} % > ${allowed * 100} %)`);
  }
}

/** Observation lengths spread over 52–156 whole weeks, a cohort acquired over two years. */
const spreadT = (customers: number) => Float64Array.from({ length: customers }, (_, i) => 52 + (i % 105));

describe('simulation and parameter recovery', () => {
  test('given 30,000 customers simulated from BG/NBD, when fitted, then r and α come back within 10 %, a and b within 25 %', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const fit = fitBgNbd(compressRf(simulateBgNbd(truth, { T: spreadT(30_000), seed: 7 })));
    assert.ok(fit.ok && fit.value.converged);
    assertRecovered(fit.value.params, truth, { a: 0.25, b: 0.25 });
  });

  test('given 30,000 customers simulated from Pareto/NBD on whole days, when fitted, then r, α, s, β come back within 15 %', () => {
    // Day-resolution times (as the app stores them) keep the number of distinct tuples, and so the
    // fit time, down; rounding t_x down by under a day biases nothing visible at this sample size.
    const truth = { r: 0.55, alpha: 10.5 * 7, s: 0.6, beta: 11.7 * 7 };
    const data = simulateParetoNbd(truth, { T: spreadT(30_000).map((w) => w * 7), seed: 8 });
    const fit = fitParetoNbd(compressRf({ ...data, tx: data.tx.map(Math.floor) }));
    assert.ok(fit.ok && fit.value.converged);
    assertRecovered(fit.value.params, truth, { r: 0.15, alpha: 0.15, s: 0.15, beta: 0.15 });
  });

  test('given 20,000 repeat customers simulated from Gamma-Gamma, when fitted, then p, q, γ come back within 20 %', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const random = Random.seeded(3);
    const x = Float64Array.from({ length: 20_000 }, () => 1 + Math.floor(random.uniform() * 8));
    const fit = fitGammaGamma(simulateGammaGamma(truth, x, 9));
    assert.ok(fit.ok && fit.value.converged);
    assertRecovered(fit.value.params, truth, { p: 0.2, q: 0.2, gamma: 0.2 });
  });

  test('given the same seed, then simulations repeat exactly; given another, they differ', () => {
    const params = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const one = simulateBgNbd(params, { T: 30, customers: 500, seed: 1 });
    const again = simulateBgNbd(params, { T: 30, customers: 500, seed: 1 });
    const other = simulateBgNbd(params, { T: 30, customers: 500, seed: 2 });
    assert.deepEqual(one, again);
    assert.notDeepEqual(one.x, other.x);
    for (let i = 0; i < 500; i++) assert.ok(one.tx[i]! <= one.T[i]! && (one.x[i]! > 0 || one.tx[i] === 0));
  });
});
