import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ColumnSpec } from '../churn/features.ts';
import { cohensH, compareGroups, type FeatureComparison, inferColumns, MAX_EFFECT, magnitudeOf } from './index.ts';

const near = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) < tolerance, `${actual} ≠ ${expected}`);
const rowsWith = (name: string, values: unknown[]) => values.map((v) => ({ [name]: v }));
const only = (result: ReturnType<typeof compareGroups>): FeatureComparison => {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  assert.equal(result.features.length, 1);
  return result.features[0]!;
};

describe('compareGroups: numeric features', () => {
  test('given two groups of order counts, then means, medians and Hedges g match the hand computation', () => {
    // Both sds are √2.5, so the pooled sd is √2.5; d = (3 − 5)/√2.5; J = 1 − 3/(4·10 − 9) = 28/31.
    const result = compareGroups(rowsWith('orders', [1, 2, 3, 4, 5]), rowsWith('orders', [3, 4, 5, 6, '7']), [{ name: 'orders', kind: 'numeric' }]);
    const orders = only(result);
    assert.equal(orders.kind, 'numeric');
    if (orders.kind !== 'numeric') return;
    near(orders.effect, (-2 / Math.sqrt(2.5)) * (28 / 31));
    assert.equal(orders.magnitude, 'large');
    assert.deepEqual(orders.sentence, { key: 'average', feature: 'orders', groupA: 3, groupB: 5, medianA: 3, medianB: 5 });
    assert.equal(orders.capped, false);
  });

  test('given blanks and text among the numbers, then they are left out of the counts and the mean', () => {
    const orders = only(compareGroups(rowsWith('orders', [2, null, '', 'n/a', 4, 6, 8, 10]), rowsWith('orders', [1, 1, 1, 1, 2]), [{ name: 'orders', kind: 'numeric' }]));
    assert.equal(orders.countA, 5);
    assert.equal(orders.sentence.groupA, 6);
  });

  test('given both groups constant at the same value, then g is 0', () => {
    const result = only(compareGroups(rowsWith('x', [4, 4, 4, 4, 4]), rowsWith('x', [4, 4, 4, 4, 4]), [{ name: 'x', kind: 'numeric' }]));
    assert.equal(result.effect, 0);
  });

  test('given both groups constant at different values, then g is capped with a flag instead of Infinity', () => {
    const result = only(compareGroups(rowsWith('x', [1, 1, 1, 1, 1]), rowsWith('x', [9, 9, 9, 9, 9]), [{ name: 'x', kind: 'numeric' }]));
    assert.ok(result.kind === 'numeric' && result.capped);
    assert.equal(result.effect, -MAX_EFFECT);
  });
});

describe('compareGroups: shares', () => {
  test('given 62 % of VIPs and 4 % of churned viewed /education, then the sentence carries both shares and h is 2·asin√p₁ − 2·asin√p₂', () => {
    const vips = rowsWith('viewedEducation', [...Array(31).fill(true), ...Array(19).fill(false)]);
    const churned = rowsWith('viewedEducation', [true, ...Array(24).fill('no')]);
    const viewed = only(compareGroups(vips, churned, [{ name: 'viewedEducation', kind: 'boolean' }]));
    assert.deepEqual(viewed.sentence, { key: 'share', feature: 'viewedEducation', groupA: 0.62, groupB: 0.04 });
    near(viewed.effect, 2 * Math.asin(Math.sqrt(0.62)) - 2 * Math.asin(Math.sqrt(0.04)));
    near(cohensH(0.5, 0), Math.PI / 2);
  });

  test('given a city column, then each level is compared on its own, shares over customers with a city', () => {
    const a = rowsWith('city', ['Tehran', 'Tehran', 'Tehran', 'Shiraz', null]);
    const b = rowsWith('city', ['Tabriz', 'Tabriz', 'Shiraz', 'Tehran', 'Shiraz', 'Shiraz']);
    const result = compareGroups(a, b, [{ name: 'city', kind: 'categorical' }], { minValues: 3 });
    assert.ok(result.ok);
    const tehran = result.features.find((f) => f.kind === 'categorical' && f.level === 'Tehran')!;
    assert.deepEqual(tehran.sentence, { key: 'categoryShare', feature: 'city', category: 'Tehran', groupA: 0.75, groupB: 1 / 6 });
    const tabriz = result.features.find((f) => f.kind === 'categorical' && f.level === 'Tabriz')!;
    assert.equal(tabriz.sentence.groupA, 0);
    assert.equal(result.features.length, 3);
  });

  test('given more levels than maxLevels, then only the most frequent over both groups are compared', () => {
    const a = rowsWith('city', ['a', 'a', 'b', 'c', 'd']);
    const b = rowsWith('city', ['a', 'b', 'b', 'e', 'e']);
    const result = compareGroups(a, b, [{ name: 'city', kind: 'categorical' }], { maxLevels: 3 });
    assert.ok(result.ok);
    assert.deepEqual(result.features.map((f) => (f.kind === 'categorical' ? f.level : '')).sort(), ['a', 'b', 'e']);
  });
});

describe('compareGroups: ranking, filtering and degenerate input', () => {
  const columns: ColumnSpec[] = [
    { name: 'revenue', kind: 'numeric' },
    { name: 'openedEmail', kind: 'boolean' },
    { name: 'hasTagB', kind: 'boolean' },
    { name: 'hasTagA', kind: 'boolean' },
    { name: 'rare', kind: 'numeric' },
  ];
  const groupA = Array.from({ length: 20 }, (_, i) => ({ revenue: 95 + i, openedEmail: i < 11, hasTagA: i < 10, hasTagB: i < 10, rare: i < 3 ? i : null }));
  const groupB = Array.from({ length: 20 }, (_, i) => ({ revenue: 90 + i, openedEmail: i < 10, hasTagA: false, hasTagB: false, rare: i }));

  test('given several features, then they are ranked by |effect|, equal effects by name, and sparse ones are skipped with their counts', () => {
    const result = compareGroups(groupA, groupB, columns);
    assert.ok(result.ok);
    assert.deepEqual(result.features.map((f) => f.feature), ['hasTagA', 'hasTagB', 'revenue', 'openedEmail']);
    assert.deepEqual(result.skipped, [{ feature: 'rare', countA: 3, countB: 20, reason: 'too-few-values' }]);
    assert.equal(result.features[3]!.magnitude, 'negligible');
  });

  test('given the columns and rows in another order, then the result is the same', () => {
    const forward = compareGroups(groupA, groupB, columns);
    const backward = compareGroups([...groupA].reverse(), [...groupB].reverse(), [...columns].reverse());
    assert.ok(forward.ok && backward.ok);
    assert.deepEqual(backward.features, forward.features);
  });

  test('given an empty group, then the result says which one instead of NaN', () => {
    assert.deepEqual(compareGroups([], groupB, columns), { ok: false, reason: 'group A has no customers' });
    assert.deepEqual(compareGroups(groupA, [], columns), { ok: false, reason: 'group B has no customers' });
  });

  test('given a feature missing from every row, then it is skipped, and no number anywhere is NaN', () => {
    const result = compareGroups(groupA, groupB, [...columns, { name: 'absent', kind: 'numeric' }, { name: 'nothing', kind: 'categorical' }]);
    assert.ok(result.ok);
    assert.deepEqual(result.skipped.map((s) => s.feature), ['rare', 'absent', 'nothing']);
    JSON.stringify(result, (_key, value) => {
      if (typeof value === 'number') assert.ok(Number.isFinite(value));
      return value;
    });
  });

  test('given effect sizes, then Cohen’s marks name them', () => {
    assert.deepEqual([0.1, -0.3, 0.6, -2].map(magnitudeOf), ['negligible', 'small', 'medium', 'large']);
  });
});

describe('inferColumns', () => {
  test('given rows from a query, then booleans, numbers and the rest get their kinds, sorted by name', () => {
    const rows = [
      { orders: 3, city: 'Tehran', vip: true, id: 'c1' },
      { orders: null, city: 12, vip: false, id: 'c2' },
    ];
    assert.deepEqual(inferColumns(rows, ['id']), [
      { name: 'city', kind: 'categorical' },
      { name: 'orders', kind: 'numeric' },
      { name: 'vip', kind: 'boolean' },
    ]);
  });
});
