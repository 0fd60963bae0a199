import { compareText } from '../churn/features.ts';
import { forEachItemPartners, internBaskets } from './baskets.ts';

/**
 * Item-to-item recommendations from purchase history (Linden, Smith & York 2003, "Amazon.com
 * recommendations: item-to-item collaborative filtering"). Two items are similar when the same
 * customers bought both: cosine similarity of their columns in the binary customer × item matrix,
 *
 *   sim(i, j) = customers who bought both / √(customers who bought i · customers who bought j).
 *
 * A customer's candidates are the neighbours of what they bought, scored by the sum of
 * similarities to those purchases, minus what they already have; each comes with the purchases
 * that led to it ("because you bought X").
 *
 * @example
 * const model = buildItemSimilarity(new Map([['c1', ['tea', 'sugar']], ['c2', ['tea', 'sugar', 'milk']]]), { minCoCount: 1 });
 * recommendFor(model, ['tea'], 3);
 * // → [{ item: 'sugar', score: 1, because: [{ item: 'tea', similarity: 1 }] }, { item: 'milk', … }]
 */

export interface ItemSimilarityOptions {
  /**
   * Least number of customers who bought both items. Default 2: with one shared customer, two
   * rare items get cosine 1 and would top every list by accident.
   */
  minCoCount?: number;
  /** Neighbours kept per item (the most similar); bounds the model's size. Default 50. */
  maxNeighbours?: number;
  /**
   * Customers with more distinct items are left out: a reseller's or a test account's history
   * pairs everything with everything (m items → m(m−1)/2 pairs). Default 200.
   */
  maxItemsPerCustomer?: number;
}

export interface Neighbour {
  item: string;
  similarity: number;
  /** Customers who bought both. */
  coCount: number;
}

export interface ItemSimilarityModel {
  /** Customers counted. */
  customerCount: number;
  /** Customers left out for being over maxItemsPerCustomer. */
  skippedCustomers: number;
  /** Most similar first (ties by id), at most maxNeighbours per item. */
  neighbours: ReadonlyMap<string, readonly Neighbour[]>;
}

export interface Recommendation {
  item: string;
  /** Sum of the item's similarity to each thing the customer bought. */
  score: number;
  /** The customer's purchases that point to this item, most similar first. */
  because: { item: string; similarity: number }[];
}

/**
 * Builds the model from each customer's purchases: a Map or any iterable of
 * [customerId, itemIds] (a customer appearing more than once is merged; repeats of an item count once).
 */
export function buildItemSimilarity(
  purchases: Iterable<readonly [customerId: string, items: Iterable<string>]>,
  options: ItemSimilarityOptions = {},
): ItemSimilarityModel {
  const minCoCount = options.minCoCount ?? 2;
  const maxNeighbours = options.maxNeighbours ?? 50;
  const maxItems = options.maxItemsPerCustomer ?? 200;
  if (!(Number.isInteger(minCoCount) && minCoCount >= 1)) throw new RangeError(`minCoCount must be a whole number ≥ 1, got ${minCoCount}`);
  if (!(Number.isInteger(maxNeighbours) && maxNeighbours >= 1)) throw new RangeError(`maxNeighbours must be a whole number ≥ 1, got ${maxNeighbours}`);
  if (!(Number.isInteger(maxItems) && maxItems >= 2)) throw new RangeError(`maxItemsPerCustomer must be a whole number ≥ 2, got ${maxItems}`);

  const baskets = internBaskets(mergeByCustomer(purchases), maxItems);
  const { items, itemCounts } = baskets;

  const neighbours = new Map<string, Neighbour[]>();
  forEachItemPartners(
    baskets,
    // An item bought by fewer than minCoCount customers cannot share minCoCount of them with another.
    (item) => itemCounts[item]! >= minCoCount,
    (a, partners, counts) => {
      const similarities = new Float64Array(partners.length);
      let candidates = 0;
      for (let i = 0; i < partners.length; i++) {
        const b = partners[i]!;
        similarities[i] = counts[b]! >= minCoCount ? counts[b]! / Math.sqrt(itemCounts[a]! * itemCounts[b]!) : -1;
        if (similarities[i]! >= 0) candidates++;
      }
      if (candidates === 0) return;
      // A popular item has thousands of partners: find the k-th best similarity in linear time,
      // and only build and fully order (ties by id) the few at or above it.
      const cutoff = candidates > maxNeighbours ? kthLargest(similarities.slice(), maxNeighbours) : 0;
      const best: Neighbour[] = [];
      for (let i = 0; i < partners.length; i++) {
        const b = partners[i]!;
        if (similarities[i]! >= cutoff) best.push({ item: items[b]!, similarity: similarities[i]!, coCount: counts[b]! });
      }
      best.sort((x, y) => y.similarity - x.similarity || compareText(x.item, y.item));
      neighbours.set(items[a]!, best.slice(0, maxNeighbours));
    },
  );
  return { customerCount: baskets.basketCount, skippedCustomers: baskets.skippedBaskets, neighbours };
}

/**
 * The top `k` items for a customer who bought `boughtItems`, never one of those. Items unknown
 * to the model add nothing; no purchases (or k ≤ 0) gives an empty list.
 */
export function recommendFor(model: ItemSimilarityModel, boughtItems: Iterable<string>, k = 10, maxReasons = 3): Recommendation[] {
  if (k <= 0) return [];
  const owned = new Set(boughtItems);
  // Summed in sorted order so the scores are bit-identical whatever order the purchases came in.
  const sources = [...owned].sort(compareText);
  const candidates = new Map<string, Recommendation>();
  for (const source of sources) {
    for (const neighbour of model.neighbours.get(source) ?? []) {
      if (owned.has(neighbour.item)) continue;
      let candidate = candidates.get(neighbour.item);
      if (!candidate) {
        candidate = { item: neighbour.item, score: 0, because: [] };
        candidates.set(neighbour.item, candidate);
      }
      candidate.score += neighbour.similarity;
      candidate.because.push({ item: source, similarity: neighbour.similarity });
    }
  }
  const top = [...candidates.values()].sort((x, y) => y.score - x.score || compareText(x.item, y.item)).slice(0, k);
  for (const recommendation of top) {
    recommendation.because.sort((x, y) => y.similarity - x.similarity || compareText(x.item, y.item));
    recommendation.because.length = Math.min(recommendation.because.length, maxReasons);
  }
  return top;
}

/** One item list per customer, however the history was split. */
function* mergeByCustomer(purchases: Iterable<readonly [string, Iterable<string>]>): Generator<Iterable<string>> {
  const merged = new Map<string, Iterable<string>[]>();
  for (const [customer, items] of purchases) {
    const list = merged.get(customer);
    if (list) list.push(items);
    else merged.set(customer, [items]);
  }
  for (const parts of merged.values()) yield parts.length === 1 ? parts[0]! : parts.flatMap((part) => [...part]);
}

/**
 * The k-th largest value of `values` (1-based; reorders the array), by Hoare's quickselect with a
 * median-of-three pivot: linear on average, where sorting every partner list cost more than
 * counting the pairs.
 */
export function kthLargest(values: Float64Array, k: number): number {
  const target = values.length - k; // index of the answer in ascending order
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    const [x, y, z] = [values[low]!, values[middle]!, values[high]!];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) high = j;
    else if (target >= i) low = i;
    else return values[target]!;
  }
  return values[target]!;
}
