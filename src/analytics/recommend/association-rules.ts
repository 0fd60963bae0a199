import { compareText } from '../churn/features.ts';
import { forEachItemPartners, internBaskets } from './baskets.ts';

/**
 * "Bought together": pair association rules A → B from baskets of product ids (Agrawal, Imieliński
 * & Swami 1993; measures as in Tan, Steinbach & Kumar, "Introduction to Data Mining", §6.7):
 *
 * - support(A → B)    = baskets with A and B / N
 * - confidence(A → B) = baskets with A and B / baskets with A
 * - lift(A → B)       = confidence / (baskets with B / N); 1 means independent
 *
 * N counts the non-empty baskets of at most `maxBasketSize` distinct items. Bigger baskets are
 * left out: a basket of m items makes m(m−1)/2 pairs (50 → 1,225, 500 → 124,750), so a few
 * wholesale or bulk orders would cost most of the time and, pairing everything with
 * everything, say little about what goes together.
 *
 * @example
 * const { rules } = mineAssociationRules([['tea', 'sugar'], ['tea', 'sugar', 'milk'], ['tea']], { minSupport: 0.5 });
 * // rules[0] → { antecedent: 'sugar', consequent: 'tea', support: 2/3, confidence: 1, lift: 1, … }
 */

export interface AssociationOptions {
  /** Least share of baskets holding both items, in (0, 1]. Default 0.001. */
  minSupport?: number;
  /** Least confidence, in [0, 1]. Default 0.1. */
  minConfidence?: number;
  /** Least lift; 1 keeps only pairs bought together more often than by chance. Default 0 (all). */
  minLift?: number;
  /** Most rules returned (the strongest). Default 100. */
  maxRules?: number;
  /** Baskets with more distinct items are left out (see above). Default 50. */
  maxBasketSize?: number;
}

export interface AssociationRule {
  antecedent: string;
  consequent: string;
  support: number;
  confidence: number;
  lift: number;
  /** Baskets with both items. */
  pairCount: number;
  /** Baskets with the antecedent. */
  antecedentCount: number;
  /** Baskets with the consequent. */
  consequentCount: number;
}

export interface AssociationRules {
  /** N: the baskets counted. */
  basketCount: number;
  /** Baskets left out for being over maxBasketSize. */
  skippedBaskets: number;
  /** Rules that passed the thresholds, before maxRules cut them. */
  matchingRules: number;
  /** By lift, then confidence, then support (all descending), then antecedent and consequent (code-point order). */
  rules: AssociationRule[];
}

export function mineAssociationRules(baskets: Iterable<Iterable<string>>, options: AssociationOptions = {}): AssociationRules {
  const minSupport = options.minSupport ?? 0.001;
  const minConfidence = options.minConfidence ?? 0.1;
  const minLift = options.minLift ?? 0;
  const maxRules = options.maxRules ?? 100;
  const maxBasketSize = options.maxBasketSize ?? 50;
  if (!(minSupport > 0 && minSupport <= 1)) throw new RangeError(`minSupport must be in (0, 1], got ${minSupport}`);
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new RangeError(`minConfidence must be in [0, 1], got ${minConfidence}`);
  if (!(minLift >= 0)) throw new RangeError(`minLift must be ≥ 0, got ${minLift}`);
  if (!(Number.isInteger(maxRules) && maxRules >= 0)) throw new RangeError(`maxRules must be a whole number ≥ 0, got ${maxRules}`);
  if (!(Number.isInteger(maxBasketSize) && maxBasketSize >= 2)) throw new RangeError(`maxBasketSize must be a whole number ≥ 2, got ${maxBasketSize}`);

  const interned = internBaskets(baskets, maxBasketSize);
  const n = interned.basketCount;
  const { items, itemCounts } = interned;
  // Least basket count that reaches minSupport; the small slack keeps 0.3 · 10 from meaning 4.
  const minCount = Math.max(1, Math.ceil(minSupport * n - 1e-9));

  const rules: AssociationRule[] = [];
  const consider = (antecedent: number, consequent: number, pairCount: number) => {
    const antecedentCount = itemCounts[antecedent]!;
    const consequentCount = itemCounts[consequent]!;
    const confidence = pairCount / antecedentCount;
    if (confidence < minConfidence) return;
    // Computed from the integer counts in one expression, so equal counts give bit-equal lifts and ties sort by id.
    const lift = (pairCount * n) / (antecedentCount * consequentCount);
    if (lift < minLift) return;
    rules.push({
      antecedent: items[antecedent]!,
      consequent: items[consequent]!,
      support: pairCount / n,
      confidence,
      lift,
      pairCount,
      antecedentCount,
      consequentCount,
    });
  };
  forEachItemPartners(
    interned,
    (item) => itemCounts[item]! >= minCount,
    (antecedent, partners, counts) => {
      for (const consequent of partners) if (counts[consequent]! >= minCount) consider(antecedent, consequent, counts[consequent]!);
    },
  );
  rules.sort(
    (x, y) =>
      y.lift - x.lift ||
      y.confidence - x.confidence ||
      y.support - x.support ||
      compareText(x.antecedent, y.antecedent) ||
      compareText(x.consequent, y.consequent),
  );
  return { basketCount: n, skippedBaskets: interned.skippedBaskets, matchingRules: rules.length, rules: rules.slice(0, maxRules) };
}
