/**
 * ROC-AUC, exactly, from ranks: the Mann–Whitney U statistic divided by n₊·n₋ (Hanley & McNeil
 * 1982, "The meaning and use of the area under a ROC curve"). It is the probability that a random
 * positive scores above a random negative, ties counting one half; tied scores get the average
 * of their ranks, which is what makes the half count.
 *
 * @example
 * rocAuc([0.9, 0.2, 0.7], [1, 0, 0]); // → { ok: true, auc: 1 }
 */
export type AucResult = { ok: true; auc: number } | { ok: false; reason: string };

export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): AucResult {
  const n = scores.length;
  if (labels.length !== n) return { ok: false, reason: `${n} scores but ${labels.length} labels` };
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]!)) return { ok: false, reason: `score ${i} is not a finite number` };
    if (labels[i] === 1) positives++;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { ok: false, reason: 'AUC needs both classes; only one is present' };

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    // Ranks start+1 … end share their average.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (labels[order[k]!] === 1) positiveRankSum += averageRank;
    start = end;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return { ok: true, auc: u / (positives * negatives) };
}
