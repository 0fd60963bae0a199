/**
 * Counting of items and item pairs over many baskets (orders, or a customer's set of purchases),
 * shared by the association rules and the item-item recommender. Built for ~1M baskets:
 *
 * - item ids are interned to small integers once (one Map<string, number> lookup per item), and
 *   the baskets kept as one flat Int32Array, so the pair pass touches no strings;
 * - pairs are tallied per item in a dense Int32Array (see forEachItemPartners), with no per-pair
 *   allocation and no hash map of pairs.
 */

/** Baskets with duplicate items removed, items as integers. */
export interface InternedBaskets {
  /** Item id of each integer. */
  items: string[];
  /** Baskets that contain each item (indexed by its integer). */
  itemCounts: Int32Array;
  /** Items of basket k are flat[offsets[k] … offsets[k + 1]). */
  offsets: Int32Array;
  flat: Int32Array;
  /** Baskets kept (non-empty, within the size cap). */
  basketCount: number;
  /** Baskets left out for having more than maxBasketSize distinct items. */
  skippedBaskets: number;
}

/**
 * Interns and stores `baskets` in one pass (so a generator or a stream of orders works). Empty
 * baskets are ignored; baskets over `maxBasketSize` distinct items are skipped entirely (not only
 * for pairs), so that supports and confidences all count the same set of baskets.
 */
export function internBaskets(baskets: Iterable<Iterable<string>>, maxBasketSize: number): InternedBaskets {
  const ids = new Map<string, number>();
  const items: string[] = [];
  const counts: number[] = [];
  /** The basket an item was last seen in, to drop repeats without a Set per basket. */
  const lastSeen: number[] = [];
  let flat = new Int32Array(1024);
  let length = 0;
  const offsets: number[] = [0];
  let skippedBaskets = 0;
  let basketIndex = 0;
  for (const basket of baskets) {
    const start = length;
    for (const item of basket) {
      let id = ids.get(item);
      if (id === undefined) {
        id = items.length;
        ids.set(item, id);
        items.push(item);
        counts.push(0);
        lastSeen.push(-1);
      }
      if (lastSeen[id] === basketIndex) continue;
      lastSeen[id] = basketIndex;
      if (length === flat.length) {
        const grown = new Int32Array(flat.length * 2);
        grown.set(flat);
        flat = grown;
      }
      flat[length++] = id;
    }
    basketIndex++;
    const size = length - start;
    if (size === 0) continue;
    if (size > maxBasketSize) {
      length = start;
      skippedBaskets++;
      continue;
    }
    for (let k = start; k < length; k++) counts[flat[k]!]!++;
    offsets.push(length);
  }
  return {
    items,
    itemCounts: Int32Array.from(counts),
    offsets: Int32Array.from(offsets),
    flat: flat.slice(0, length),
    basketCount: offsets.length - 1,
    skippedBaskets,
  };
}

/**
 * For every kept item a, calls `visit(a, partners, counts)`: `partners` are the kept items that
 * share at least one basket with a, and `counts[b]` is how many baskets hold both a and b (valid
 * only during the call). Each unordered pair is seen twice, once from each side, so a caller
 * can build per-item results (rules a → b, a's top neighbours) without storing every pair.
 * Leaving out items too rare to be in any reported pair (Apriori's pruning: a pair is never
 * more frequent than either of its items) saves most of the work on long-tail catalogues.
 *
 * Counted item by item rather than in one hash map of pairs: an inverted index lists the baskets
 * of a, and their other items are tallied in a dense array that is reset after each a. That is
 * plain array arithmetic (Σ basket size² steps) with one counter per item instead of one map
 * entry per distinct pair: a Map of 20M pairs took 14 s on 200k customers and is near V8's
 * 2²⁴-entry Map limit; the dense tally took under 2 s.
 */
export function forEachItemPartners(
  baskets: InternedBaskets,
  keep: (item: number) => boolean,
  visit: (a: number, partners: readonly number[], counts: Int32Array) => void,
): void {
  const itemCount = baskets.items.length;
  const { offsets, flat, basketCount } = baskets;
  const kept = new Uint8Array(itemCount);
  for (let item = 0; item < itemCount; item++) if (keep(item)) kept[item] = 1;

  // Inverted index (compressed rows): the baskets of item a are postings[starts[a] … starts[a + 1]).
  const starts = new Int32Array(itemCount + 1);
  for (let p = 0; p < flat.length; p++) if (kept[flat[p]!]) starts[flat[p]! + 1]!++;
  for (let item = 0; item < itemCount; item++) starts[item + 1]! += starts[item]!;
  const postings = new Int32Array(starts[itemCount]!);
  const fill = starts.slice(0, itemCount);
  for (let k = 0; k < basketCount; k++) {
    for (let p = offsets[k]!; p < offsets[k + 1]!; p++) {
      const item = flat[p]!;
      if (kept[item]) postings[fill[item]!++] = k;
    }
  }

  const counts = new Int32Array(itemCount);
  const partners: number[] = [];
  for (let a = 0; a < itemCount; a++) {
    if (!kept[a]) continue;
    for (let q = starts[a]!; q < starts[a + 1]!; q++) {
      const k = postings[q]!;
      for (let p = offsets[k]!; p < offsets[k + 1]!; p++) {
        const b = flat[p]!;
        if (b === a || !kept[b]) continue;
        if (counts[b] === 0) partners.push(b);
        counts[b]!++;
      }
    }
    if (partners.length) visit(a, partners, counts);
    for (const b of partners) counts[b] = 0;
    partners.length = 0;
  }
}
