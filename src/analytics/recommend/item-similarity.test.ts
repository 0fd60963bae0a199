import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildItemSimilarity, kthLargest, recommendFor } from './item-similarity.ts';

// a: c1 c2 c3 · b: c1 c2 c4 · c: c2 c3 · d: c4. Both: ab 2, ac 2, bc 1, bd 1.
const history = new Map([
  ['c1', ['a', 'b']],
  ['c2', ['a', 'b', 'c']],
  ['c3', ['a', 'c']],
  ['c4', ['b', 'd']],
]);
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('buildItemSimilarity', () => {
  test('given four customers, then neighbours carry cosine similarity on the customer × item matrix, most similar first', () => {
    const model = buildItemSimilarity(history, { minCoCount: 1 });
    assert.equal(model.customerCount, 4);
    const ofB = model.neighbours.get('b')!;
    assert.deepEqual(ofB.map((n) => [n.item, n.coCount]), [['a', 2], ['d', 1], ['c', 1]]);
    near(ofB[0]!.similarity, 2 / 3);
    near(ofB[1]!.similarity, 1 / Math.sqrt(3));
    near(ofB[2]!.similarity, 1 / Math.sqrt(6));
  });

  test('given the default minCoCount of 2, then pairs shared by a single customer are dropped', () => {
    const model = buildItemSimilarity(history);
    assert.deepEqual(model.neighbours.get('b')!.map((n) => n.item), ['a']);
    assert.equal(model.neighbours.get('d'), undefined);
  });

  test('given a customer listed twice, then the two lists are merged; a customer over the item cap is left out', () => {
    const split = buildItemSimilarity([['c1', ['a']], ['c1', ['b']], ['c2', ['a', 'b']]]);
    assert.deepEqual(split.neighbours.get('a')!.map((n) => [n.item, n.coCount, n.similarity]), [['b', 2, 1]]);
    const capped = buildItemSimilarity([...history, ['reseller', ['a', 'b', 'c', 'd', 'e']]], { minCoCount: 1, maxItemsPerCustomer: 4 });
    assert.equal(capped.skippedCustomers, 1);
    assert.deepEqual(capped.neighbours, buildItemSimilarity(history, { minCoCount: 1 }).neighbours);
  });

  test('given maxNeighbours, then only the most similar are kept', () => {
    const model = buildItemSimilarity(history, { minCoCount: 1, maxNeighbours: 1 });
    assert.deepEqual(model.neighbours.get('b')!.map((n) => n.item), ['a']);
  });
});

describe('recommendFor', () => {
  const model = buildItemSimilarity(history, { minCoCount: 1 });

  test('given two purchases, then a candidate scores the sum of its similarities and names both as reasons', () => {
    const [first, second, ...rest] = recommendFor(model, ['a', 'b'], 5);
    assert.equal(first!.item, 'c');
    near(first!.score, 2 / Math.sqrt(6) + 1 / Math.sqrt(6));
    assert.deepEqual(first!.because.map((r) => r.item), ['a', 'b']);
    assert.equal(second!.item, 'd');
    assert.deepEqual(second!.because.map((r) => r.item), ['b']);
    assert.deepEqual(rest, []);
  });

  test('given everything the model could suggest was bought, then nothing already bought comes back', () => {
    const recommended = recommendFor(model, ['a', 'b', 'c'], 10);
    assert.deepEqual(recommended.map((r) => r.item), ['d']);
  });

  test('given k and maxReasons, then the list and its reasons are cut', () => {
    const [only, ...none] = recommendFor(model, ['a', 'b'], 1, 1);
    assert.deepEqual(none, []);
    assert.deepEqual(only!.because.map((r) => r.item), ['a']);
  });

  test('given the purchases in another order or repeated, then the result is bit-identical', () => {
    assert.deepEqual(recommendFor(model, ['b', 'a', 'b'], 5), recommendFor(model, ['a', 'b'], 5));
  });

  test('given no purchases, unknown items, k = 0 or an empty model, then the list is empty', () => {
    assert.deepEqual(recommendFor(model, [], 5), []);
    assert.deepEqual(recommendFor(model, ['zzz'], 5), []);
    assert.deepEqual(recommendFor(model, ['a'], 0), []);
    const empty = buildItemSimilarity(new Map());
    assert.deepEqual(empty.customerCount, 0);
    assert.deepEqual(recommendFor(empty, ['a'], 5), []);
  });
});

describe('kthLargest', () => {
  test('given arrays full of ties, then it agrees with sorting', () => {
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    for (let trial = 0; trial < 2000; trial++) {
      const values = Float64Array.from({ length: 1 + Math.floor(next() * 40) }, () => Math.floor(next() * 6) / 6);
      const k = 1 + Math.floor(next() * values.length);
      const expected = [...values].sort((x, y) => y - x)[k - 1];
      assert.equal(kthLargest(values.slice(), k), expected);
    }
  });
});
