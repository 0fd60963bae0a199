import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mineAssociationRules } from './association-rules.ts';

/** The market-basket example of Tan, Steinbach & Kumar, "Introduction to Data Mining", table 6.1. */
const groceries = [
  ['bread', 'milk'],
  ['bread', 'diapers', 'beer', 'eggs'],
  ['milk', 'diapers', 'beer', 'cola'],
  ['bread', 'milk', 'diapers', 'beer'],
  ['bread', 'milk', 'diapers', 'cola'],
];
const brief = (rules: { antecedent: string; consequent: string }[]) => rules.map((r) => `${r.antecedent}→${r.consequent}`);

describe('mineAssociationRules', () => {
  test('given the textbook baskets, then support, confidence, lift and counts are the hand-computed values', () => {
    const result = mineAssociationRules(groceries, { minSupport: 0.6, minConfidence: 0 });
    assert.equal(result.basketCount, 5);
    // {beer, diapers} is in 3 of 5 baskets; beer in 3, diapers in 4.
    assert.deepEqual(result.rules[0], {
      antecedent: 'beer',
      consequent: 'diapers',
      support: 0.6,
      confidence: 1,
      lift: 1.25,
      pairCount: 3,
      antecedentCount: 3,
      consequentCount: 4,
    });
    assert.deepEqual(result.rules[1], { antecedent: 'diapers', consequent: 'beer', support: 0.6, confidence: 0.75, lift: 1.25, pairCount: 3, antecedentCount: 4, consequentCount: 3 });
    // The other frequent pairs have lift 0.75 / 0.8 = 0.9375 and tie on everything but their ids.
    assert.deepEqual(brief(result.rules.slice(2)), ['bread→diapers', 'bread→milk', 'diapers→bread', 'diapers→milk', 'milk→bread', 'milk→diapers']);
    assert.ok(result.rules.slice(2).every((r) => r.lift === 0.9375 && r.confidence === 0.75 && r.support === 0.6));
  });

  test('given equal lift and confidence, then higher support comes first, then ids', () => {
    const { rules } = mineAssociationRules(groceries, { minSupport: 0.4, minConfidence: 1 });
    assert.deepEqual(brief(rules), ['beer→diapers', 'cola→diapers', 'cola→milk']);
  });

  test('given minConfidence, minLift and maxRules, then each filters, and matchingRules tells how many passed before the cut', () => {
    assert.deepEqual(brief(mineAssociationRules(groceries, { minSupport: 0.6, minConfidence: 0.8 }).rules), ['beer→diapers']);
    assert.deepEqual(brief(mineAssociationRules(groceries, { minSupport: 0.6, minLift: 1 }).rules), ['beer→diapers', 'diapers→beer']);
    const cut = mineAssociationRules(groceries, { minSupport: 0.6, maxRules: 1 });
    assert.equal(cut.rules.length, 1);
    assert.equal(cut.matchingRules, 8);
  });

  test('given a product listed twice in one order, then the basket counts it once', () => {
    const { rules } = mineAssociationRules([['a', 'a', 'b'], ['a'], ['b', 'b']], { minSupport: 0.3, minConfidence: 0 });
    assert.deepEqual(rules.map((r) => [r.antecedent, r.pairCount, r.antecedentCount]), [['a', 1, 2], ['b', 1, 2]]);
  });

  test('given a basket over maxBasketSize, then it is left out of every count and reported as skipped', () => {
    const result = mineAssociationRules([['a', 'b'], ['a', 'b'], ['a', 'c', 'd', 'e']], { minSupport: 0.5, maxBasketSize: 3 });
    assert.equal(result.basketCount, 2);
    assert.equal(result.skippedBaskets, 1);
    assert.deepEqual(result.rules.map((r) => [r.antecedent, r.antecedentCount, r.lift]), [['a', 2, 1], ['b', 2, 1]]);
  });

  test('given the baskets and their items in another order, then the rules are identical', () => {
    const shuffled = [...groceries].reverse().map((basket) => [...basket].reverse());
    assert.deepEqual(mineAssociationRules(shuffled, { minSupport: 0.2 }), mineAssociationRules(groceries, { minSupport: 0.2 }));
  });

  test('given no baskets, empty baskets or only single items, then there are no rules and no NaN', () => {
    assert.deepEqual(mineAssociationRules([]), { basketCount: 0, skippedBaskets: 0, matchingRules: 0, rules: [] });
    assert.deepEqual(mineAssociationRules([[], []]), { basketCount: 0, skippedBaskets: 0, matchingRules: 0, rules: [] });
    assert.deepEqual(mineAssociationRules([['a'], ['b']]).rules, []);
  });

  test('given a generator of orders, then it is read once and works like an array', () => {
    function* orders() {
      yield* groceries;
    }
    assert.deepEqual(mineAssociationRules(orders(), { minSupport: 0.6 }), mineAssociationRules(groceries, { minSupport: 0.6 }));
  });

  test('given thresholds out of range, then it throws: a caller bug, not a data condition', () => {
    assert.throws(() => mineAssociationRules(groceries, { minSupport: 0 }), RangeError);
    assert.throws(() => mineAssociationRules(groceries, { minConfidence: 1.5 }), RangeError);
    assert.throws(() => mineAssociationRules(groceries, { maxBasketSize: 1 }), RangeError);
  });
});

describe('mineAssociationRules at scale', () => {
  test('given a million orders over 5,000 products, then a planted pair is found with its exact counts', (t) => {
    // Deterministic filler: each order holds 1–4 products spread over the catalogue; every 10th also holds tea and sugar.
    function* orders() {
      let state = 12345;
      const next = () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 4294967296;
      };
      for (let i = 0; i < 1_000_000; i++) {
        const order = Array.from({ length: 1 + Math.floor(next() * 4) }, () => `p${Math.floor(next() * 5000)}`);
        if (i % 10 === 0) order.push('tea', 'sugar');
        yield order;
      }
    }
    const started = performance.now();
    const result = mineAssociationRules(orders(), { minSupport: 0.01, minConfidence: 0.5 });
    t.diagnostic(`1M orders mined in ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(result.basketCount, 1_000_000);
    assert.deepEqual(brief(result.rules), ['sugar→tea', 'tea→sugar']);
    assert.equal(result.rules[0]!.pairCount, 100_000);
    assert.equal(result.rules[0]!.support, 0.1);
  });
});
