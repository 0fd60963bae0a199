import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEncoder, encodeFeatures, type FeatureSpec, fitEncoder } from './features.ts';

const rowsOf = (matrix: { rowCount: number; featureCount: number; values: Float64Array }) =>
  Array.from({ length: matrix.rowCount }, (_, i) => Array.from(matrix.values.subarray(i * matrix.featureCount, (i + 1) * matrix.featureCount)));

describe('encodeFeatures', () => {
  test('given a numeric column without gaps, then it is standardised with the training mean and sd and gets no missing indicator', () => {
    const { encoder, matrix } = encodeFeatures([{ x: 1 }, { x: '3' }, { x: 5 }], [{ name: 'x', kind: 'numeric' }]);
    assert.deepEqual(encoder.featureNames, ['x']);
    const sd = Math.sqrt(8 / 3);
    assert.deepEqual(rowsOf(matrix), [[-2 / sd], [0], [2 / sd]]);
  });

  test('given a numeric column with blanks, then a blank becomes the mean and a :missing indicator marks it', () => {
    const { encoder, matrix } = encodeFeatures([{ x: 2 }, { x: '' }, { x: null }, { x: 4 }, {}], [{ name: 'x', kind: 'numeric' }]);
    assert.deepEqual(encoder.featureNames, ['x', 'x:missing']);
    assert.deepEqual(rowsOf(matrix), [[-1, 0], [0, 1], [0, 1], [1, 0], [0, 1]]);
  });

  test('given categorical columns, then each training level is a 0/1 column and an unseen or missing level is all zeros', () => {
    const spec: FeatureSpec = [{ name: 'city', kind: 'categorical' }];
    const { encoder, matrix } = encodeFeatures([{ city: 'Tehran' }, { city: 'Shiraz' }, { city: 'Tehran' }], spec);
    assert.deepEqual(encoder.featureNames, ['city=Shiraz', 'city=Tehran']);
    assert.deepEqual(rowsOf(matrix), [[0, 1], [1, 0], [0, 1]]);
    assert.deepEqual(rowsOf(applyEncoder(encoder, [{ city: 'Tabriz' }, { city: ' ' }, {}])), [[0, 0], [0, 0], [0, 0]]);
  });

  test('given yes/no, true/false and 0/1 booleans, then they encode as 0/1 without scaling', () => {
    const spec: FeatureSpec = [{ name: 'b', kind: 'boolean' }];
    const { encoder, matrix } = encodeFeatures([{ b: 'Yes' }, { b: 'no' }, { b: true }, { b: 0 }, { b: '1' }], spec);
    assert.deepEqual(encoder.featureNames, ['b']);
    assert.deepEqual(rowsOf(matrix), [[1], [0], [1], [0], [1]]);
  });

  test('given a missing boolean, then it takes the training share and a :missing indicator', () => {
    const { matrix } = encodeFeatures([{ b: 'Yes' }, { b: 'No' }, { b: 'No' }, { b: 'No' }, { b: undefined }], [{ name: 'b', kind: 'boolean' }]);
    assert.deepEqual(rowsOf(matrix).at(-1), [0.25, 1]);
  });

  test('given new rows, then the fitted encoder reuses the training statistics instead of refitting', () => {
    const encoder = fitEncoder([{ x: 0 }, { x: 10 }], [{ name: 'x', kind: 'numeric' }]);
    assert.deepEqual(rowsOf(applyEncoder(encoder, [{ x: 10 }, { x: 20 }])), [[1], [3]]);
    // A gap the training rows did not have is imputed, with no indicator column to put it in.
    assert.deepEqual(rowsOf(applyEncoder(encoder, [{ x: 'n/a' }])), [[0]]);
    // The encoder is plain data: a JSON round trip encodes the same.
    const restored = JSON.parse(JSON.stringify(encoder));
    assert.deepEqual(applyEncoder(restored, [{ x: 7 }]).values, applyEncoder(encoder, [{ x: 7 }]).values);
  });

  test('given a constant column, then it encodes as zeros rather than dividing by a zero sd', () => {
    const { matrix } = encodeFeatures([{ x: 5 }, { x: 5 }, { x: 5 }], [{ name: 'x', kind: 'numeric' }]);
    assert.deepEqual(Array.from(matrix.values), [0, 0, 0]);
  });

  test('given more levels than maxLevels, then the most frequent are kept (ties by name) and the rest are all zeros', () => {
    const rows = ['a', 'b', 'b', 'c', 'c', 'c', 'd'].map((v) => ({ v }));
    const { encoder } = encodeFeatures(rows, [{ name: 'v', kind: 'categorical' }], { maxLevels: 3 });
    assert.deepEqual(encoder.featureNames, ['v=a', 'v=b', 'v=c']);
  });

  test('given columns of every kind, then features come out in spec order', () => {
    const spec: FeatureSpec = [
      { name: 'plan', kind: 'categorical' },
      { name: 'age', kind: 'numeric' },
      { name: 'vip', kind: 'boolean' },
    ];
    const { encoder } = encodeFeatures([{ plan: 'pro', age: 30, vip: true }, { plan: 'free', vip: false }], spec);
    assert.deepEqual(encoder.featureNames, ['plan=free', 'plan=pro', 'age', 'age:missing', 'vip']);
  });
});
