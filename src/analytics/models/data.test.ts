import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compressRf, distinctValues, groupRows, invalidRfData, rfData } from './data.ts';

describe('recency/frequency data', () => {
  test('given repeated (x, t_x, T) tuples, when compressed, then each distinct tuple appears once with the number of customers as weight', () => {
    const data = rfData([
      { x: 0, tx: 0, T: 10 },
      { x: 2, tx: 5, T: 10 },
      { x: 0, tx: 0, T: 10 },
      { x: 2, tx: 5, T: 12 },
      { x: 2, tx: 5, T: 10 },
      { x: 0, tx: 0, T: 10 },
    ]);
    const compressed = compressRf(data);
    assert.deepEqual(Array.from(compressed.x), [0, 2, 2]);
    assert.deepEqual(Array.from(compressed.T), [10, 10, 12]);
    assert.deepEqual(Array.from(compressed.weight), [3, 2, 1]);
    assert.deepEqual(Array.from(compressed.rowOfInput), [0, 1, 0, 2, 1, 0], 'each input row maps to its tuple');
  });

  test('given weighted rows, when compressed, then weights add up instead of counting rows', () => {
    const data = rfData(
      [
        { x: 1, tx: 1, T: 2 },
        { x: 1, tx: 1, T: 2 },
      ],
      [2.5, 4],
    );
    assert.deepEqual(Array.from(compressRf(data).weight), [6.5]);
  });

  test('given +0 and −0 in a column, then they group together', () => {
    const grouped = groupRows([Float64Array.of(0, -0, 1)], 3);
    assert.equal(grouped.groups, 2);
    assert.deepEqual(Array.from(distinctValues(Float64Array.of(3, 1, 3, 1, 2)).values), [3, 1, 2]);
  });

  test('given rows that break the model assumptions, then the reason names the row and the rule', () => {
    assert.equal(invalidRfData(rfData([{ x: 1, tx: 1, T: 2 }])), null);
    assert.match(invalidRfData(rfData([{ x: 1, tx: 3, T: 2 }])) ?? '', /row 0: tx must lie in \[0, T\]/);
    assert.match(invalidRfData(rfData([{ x: 0, tx: 0, T: 2 }, { x: 0, tx: 1, T: 2 }])) ?? '', /row 1: .* tx = 0/);
    assert.match(invalidRfData(rfData([{ x: -1, tx: 0, T: 2 }])) ?? '', /negative/);
    assert.match(invalidRfData(rfData([{ x: Number.NaN, tx: 0, T: 2 }])) ?? '', /finite/);
    assert.match(invalidRfData({ x: new Float64Array(2), tx: new Float64Array(1), T: new Float64Array(2) }) ?? '', /differ in length/);
  });
});
