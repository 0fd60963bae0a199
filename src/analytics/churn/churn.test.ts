import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { prng } from '../../demo/people.ts';
import { buildChurnModel, crossValidateChurn, type FeatureSpec, scoreChurn, stratifiedFolds, trainChurnModel } from './index.ts';

const spec: FeatureSpec = [
  { name: 'visits', kind: 'numeric' },
  { name: 'plan', kind: 'categorical' },
  { name: 'newsletter', kind: 'boolean' },
];

/** Random customers; labelled churned when `visits` < 0 (separable), or by a 30 % coin that ignores every column. */
function synthetic(count: number, seed: number, labelFrom: 'visits' | 'coin') {
  const random = prng(seed);
  const rows = Array.from({ length: count }, () => ({
    visits: random() * 20 - 10,
    plan: random() < 0.5 ? 'basic' : 'pro',
    newsletter: random() < 0.3,
  }));
  const labels = rows.map((r) => (labelFrom === 'visits' ? r.visits < 0 : random() < 0.3));
  return { rows, labels };
}

describe('crossValidateChurn', () => {
  test('given a separable synthetic set, then every fold has AUC near 1', () => {
    const { rows, labels } = synthetic(600, 11, 'visits');
    const cv = crossValidateChurn(rows, labels, spec, { folds: 5, seed: 3 });
    assert.ok(cv.ok, cv.ok ? '' : cv.reason);
    assert.ok(cv.meanAuc > 0.999, `mean AUC ${cv.meanAuc}`);
    assert.equal(cv.folds.length, 5);
  });

  test('given random labels, then AUC is near 0.5', () => {
    const { rows, labels } = synthetic(3000, 5, 'coin');
    const cv = crossValidateChurn(rows, labels, spec, { folds: 10, seed: 1 });
    assert.ok(cv.ok, cv.ok ? '' : cv.reason);
    assert.ok(Math.abs(cv.meanAuc - 0.5) < 0.04, `mean AUC ${cv.meanAuc}`);
  });

  test('given the same seed, then folds and AUCs repeat exactly; another seed deals other folds', () => {
    const { rows, labels } = synthetic(300, 2, 'coin');
    const a = crossValidateChurn(rows, labels, spec, { folds: 4, seed: 9 });
    const b = crossValidateChurn(rows, labels, spec, { folds: 4, seed: 9 });
    assert.deepEqual(a, b);
    const numeric = labels.map(Number);
    assert.notDeepEqual(stratifiedFolds(numeric, 4, 9), stratifiedFolds(numeric, 4, 10));
  });

  test('given 26 % churn, then stratified folds partition the rows and each keeps the churn share', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 100 < 26 ? 1 : 0));
    const folds = stratifiedFolds(labels, 10, 1);
    assert.deepEqual(folds.flat().sort((x, y) => x - y), labels.map((_, i) => i));
    for (const fold of folds) {
      assert.equal(fold.length, 100);
      assert.equal(fold.filter((i) => labels[i] === 1).length, 26);
    }
  });

  test('given only one class, then the result says so instead of returning NaN', () => {
    const { rows } = synthetic(50, 1, 'visits');
    const cv = crossValidateChurn(rows, rows.map(() => false), spec);
    assert.equal(cv.ok, false);
    assert.match(cv.ok ? '' : cv.reason, /retained/);
    assert.equal(trainChurnModel(rows, rows.map(() => 1), spec).ok, false);
  });

  test('given fewer rows than folds, or fewer churned rows than folds, then the result says so', () => {
    const few = crossValidateChurn([{ visits: 1 }, { visits: 2 }, { visits: 3 }], [true, false, true], spec, { folds: 10 });
    assert.deepEqual(few, { ok: false, reason: '3 rows cannot make 10 folds' });
    const { rows } = synthetic(100, 4, 'visits');
    const rare = crossValidateChurn(rows, rows.map((_, i) => i < 3), spec, { folds: 5 });
    assert.equal(rare.ok, false);
    assert.match(rare.ok ? '' : rare.reason, /at least 5 rows of each class/);
  });

  test('given no rows, mismatched labels, a bad label or bad folds, then each is a reason, not a throw', () => {
    assert.equal(crossValidateChurn([], [], spec).ok, false);
    assert.equal(crossValidateChurn([{}, {}], [true], spec).ok, false);
    assert.equal(trainChurnModel([{}, {}], [true, 'yes' as unknown as boolean], spec).ok, false);
    assert.equal(crossValidateChurn([{}, {}], [true, false], spec, { folds: 1 }).ok, false);
    assert.equal(trainChurnModel([{}, {}], [true, false], [...spec, { name: 'plan', kind: 'numeric' }]).ok, false);
  });

  test('given a constant column, then it gets weight 0 and everything stays finite', () => {
    const { rows, labels } = synthetic(200, 8, 'visits');
    const withConstant = rows.map((r) => ({ ...r, country: 'IR', flat: 7 }));
    const constantSpec: FeatureSpec = [...spec, { name: 'country', kind: 'categorical' }, { name: 'flat', kind: 'numeric' }];
    const built = buildChurnModel(withConstant, labels, constantSpec, { folds: 4 });
    assert.ok(built.ok, built.ok ? '' : built.reason);
    const flat = built.model.coefficients.find((c) => c.feature === 'flat')!;
    assert.equal(flat.weight, 0);
    assert.ok(built.model.coefficients.every((c) => Number.isFinite(c.weight)));
    // With nothing but constants to go on, every customer scores the base rate and AUC is ½.
    const onlyConstants = crossValidateChurn(withConstant, labels, [{ name: 'flat', kind: 'numeric' }], { folds: 4 });
    assert.ok(onlyConstants.ok && onlyConstants.meanAuc === 0.5);
  });
});

describe('trainChurnModel and scoreChurn', () => {
  test('given a trained model, then new customers are scored with the training encoding and the model survives JSON', () => {
    const { rows, labels } = synthetic(400, 6, 'visits');
    const trained = trainChurnModel(rows, labels, spec);
    assert.ok(trained.ok, trained.ok ? '' : trained.reason);
    const { model } = trained;
    assert.deepEqual(model.coefficients.map((c) => c.feature), ['visits', 'plan=basic', 'plan=pro', 'newsletter']);
    assert.ok(model.converged && model.trainedRows === 400);
    const [churner, stayer, unseenPlan] = scoreChurn(model, [
      { visits: -8, plan: 'pro', newsletter: false },
      { visits: 8, plan: 'basic', newsletter: true },
      { visits: -8, plan: 'enterprise' },
    ]);
    assert.ok(churner! > 0.9 && stayer! < 0.1 && unseenPlan! > 0.9);
    const restored = JSON.parse(JSON.stringify(model));
    assert.deepEqual(scoreChurn(restored, rows.slice(0, 5)), scoreChurn(model, rows.slice(0, 5)));
  });
});
