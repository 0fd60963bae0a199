import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rocAuc } from './auc.ts';

describe('rocAuc', () => {
  test('given scores that rank every churned customer first, then AUC is 1, and reversed it is 0', () => {
    assert.deepEqual(rocAuc([0.9, 0.8, 0.1], [1, 1, 0]), { ok: true, auc: 1 });
    assert.deepEqual(rocAuc([0.1, 0.2, 0.9], [1, 1, 0]), { ok: true, auc: 0 });
  });

  test('given the scikit-learn documentation example, then AUC is 0.75', () => {
    assert.deepEqual(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), { ok: true, auc: 0.75 });
  });

  test('given a tie between a positive and a negative, then that pair counts one half', () => {
    // Pairs (pos, neg): (0.5, 0.5) ½, (0.5, 0.2) 1, (0.9, 0.5) 1, (0.9, 0.2) 1 → 3.5 / 4.
    assert.deepEqual(rocAuc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), { ok: true, auc: 0.875 });
    assert.deepEqual(rocAuc([3, 3, 3, 3], [1, 0, 1, 0]), { ok: true, auc: 0.5 });
  });

  test('given only one class, mismatched lengths or a NaN score, then it says why instead of returning NaN', () => {
    assert.equal(rocAuc([0.1, 0.2], [1, 1]).ok, false);
    assert.equal(rocAuc([], []).ok, false);
    assert.equal(rocAuc([0.1], [1, 0]).ok, false);
    assert.equal(rocAuc([Number.NaN, 0.2], [1, 0]).ok, false);
  });
});
