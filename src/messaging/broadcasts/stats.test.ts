import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liftOver, newcombeDifference, wilson } from './stats.ts';

const close = (actual: number, expected: number, digits = 4) => assert.ok(Math.abs(actual - expected) < 0.5 * 10 ** -digits, `${actual} ≠ ${expected}`);

test('given 81 of 263, when the Wilson interval is computed, then it matches the published 0.2553–0.3662', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", example 81/263.
  const ci = wilson(81, 263);
  close(ci.low, 0.2553);
  close(ci.high, 0.3662);
});

test('given 56/70 against 48/80, when the Newcombe hybrid score interval is computed, then it matches the published 0.0524–0.3339', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions", Table II, method 10.
  const ci = newcombeDifference(56, 70, 48, 80);
  close(ci.low, 0.0524);
  close(ci.high, 0.3339);
});

test('given 9/10 against 3/10, when the interval is computed, then it matches the published 0.1705–0.8090', () => {
  const ci = newcombeDifference(9, 10, 3, 10);
  close(ci.low, 0.1705);
  close(ci.high, 0.809);
});

test('given a variant at 12 % and a holdout at 8 %, when the lift is computed, then absolute 0.04, relative 0.5 and a CI around it', () => {
  const lift = liftOver(120, 1000, 40, 500);
  close(lift.absolute, 0.04, 9);
  close(lift.relative as number, 0.5, 9);
  assert.ok(lift.ci95.low < 0.04 && lift.ci95.high > 0.04);
  // Hand computation: Wilson(120/1000) = [0.10118, 0.14207], Wilson(40/500) = [0.05933, 0.10705];
  // low = 0.04 − √((0.12−0.10118)² + (0.10705−0.08)²) = 0.04 − 0.03296 = 0.00704.
  close(lift.ci95.low, 0.00704, 3);
  close(lift.ci95.high, 0.04 + Math.sqrt((0.14207 - 0.12) ** 2 + (0.08 - 0.05933) ** 2), 3);
});

test('given a holdout that converted nobody, when the lift is computed, then the relative lift is null and the interval still exists', () => {
  const lift = liftOver(5, 100, 0, 100);
  assert.equal(lift.relative, null);
  assert.ok(lift.ci95.low < 0.05 && lift.ci95.high > 0.05 && lift.ci95.high <= 1);
});
