import { type ColumnSpec, compareText, readBoolean, readCategory, readNumber, type Row } from '../churn/features.ts';
import { cohensH, hedgesG, type Magnitude, magnitudeOf, type Summary, summarize } from './effect-sizes.ts';

/**
 * "What sets VIPs apart from churned customers?": compares two groups of customer rows feature by
 * feature and ranks the features by how strongly they differ, with a sentence the console can
 * render in any language.
 *
 * - numeric (revenue, orders, days since the last order, count of an event): mean, median and
 *   Hedges' g.
 * - boolean (viewed /education, has tag X, opened an email): share of each group, Cohen's h.
 * - categorical (city): one comparison per level — share of each group in that level, Cohen's h.
 *
 * Effects are signed: positive means more of it in group A. A feature with fewer than
 * `minValues` non-missing values in either group is skipped (and listed, with why), because an
 * effect size from three customers is noise that would sort to the top.
 *
 * @example
 * const result = compareGroups(vips, churned, [{ name: 'viewedEducation', kind: 'boolean' }, { name: 'orders', kind: 'numeric' }]);
 * // result.features[0].sentence → { key: 'share', feature: 'viewedEducation', groupA: 0.62, groupB: 0.04 }
 * // console: t('compare.share', …) → "62 % of VIPs vs 4 % of churned viewed /education"
 */

export interface CompareOptions {
  /** Fewest non-missing values a feature needs in each group. Default 5; never below 2. */
  minValues?: number;
  /** Most levels compared per categorical feature: the most frequent over both groups. Default 10. */
  maxLevels?: number;
}

/** What the console renders; every number is a plain value (shares in [0, 1]). */
export type Sentence =
  | { key: 'average'; feature: string; groupA: number; groupB: number; medianA: number; medianB: number }
  | { key: 'share'; feature: string; groupA: number; groupB: number }
  | { key: 'categoryShare'; feature: string; category: string; groupA: number; groupB: number };

interface ComparisonBase {
  feature: string;
  /** Signed effect size: positive when group A has more. Hedges' g for numbers, Cohen's h for shares. */
  effect: number;
  magnitude: Magnitude;
  /** Non-missing values in each group. */
  countA: number;
  countB: number;
  sentence: Sentence;
}
export type FeatureComparison =
  | (ComparisonBase & { kind: 'numeric'; measure: 'hedges-g'; a: Summary; b: Summary; capped: boolean })
  | (ComparisonBase & { kind: 'boolean'; measure: 'cohens-h'; shareA: number; shareB: number })
  | (ComparisonBase & { kind: 'categorical'; measure: 'cohens-h'; level: string; shareA: number; shareB: number });

export interface SkippedFeature {
  feature: string;
  countA: number;
  countB: number;
  reason: 'too-few-values';
}

export type GroupComparison =
  | {
      ok: true;
      sizeA: number;
      sizeB: number;
      /** Largest |effect| first; ties by feature, then level, in code-point order. */
      features: FeatureComparison[];
      skipped: SkippedFeature[];
    }
  | { ok: false; reason: string };

export function compareGroups(groupA: readonly Row[], groupB: readonly Row[], columns: readonly ColumnSpec[], options: CompareOptions = {}): GroupComparison {
  if (groupA.length === 0) return { ok: false, reason: 'group A has no customers' };
  if (groupB.length === 0) return { ok: false, reason: 'group B has no customers' };
  const minValues = Math.max(2, options.minValues ?? 5);
  const maxLevels = options.maxLevels ?? 10;
  const features: FeatureComparison[] = [];
  const skipped: SkippedFeature[] = [];
  for (const column of columns) {
    const compared = compareColumn(groupA, groupB, column, maxLevels);
    if (compared.countA < minValues || compared.countB < minValues) {
      skipped.push({ feature: column.name, countA: compared.countA, countB: compared.countB, reason: 'too-few-values' });
    } else {
      features.push(...compared.comparisons);
    }
  }
  features.sort(byStrength);
  return { ok: true, sizeA: groupA.length, sizeB: groupB.length, features, skipped };
}

function byStrength(x: FeatureComparison, y: FeatureComparison): number {
  return (
    Math.abs(y.effect) - Math.abs(x.effect) ||
    compareText(x.feature, y.feature) ||
    compareText(x.kind === 'categorical' ? x.level : '', y.kind === 'categorical' ? y.level : '')
  );
}

interface ColumnComparison {
  countA: number;
  countB: number;
  comparisons: FeatureComparison[];
}

function compareColumn(groupA: readonly Row[], groupB: readonly Row[], column: ColumnSpec, maxLevels: number): ColumnComparison {
  switch (column.kind) {
    case 'numeric':
      return compareNumeric(groupA, groupB, column.name);
    case 'boolean':
      return compareBoolean(groupA, groupB, column.name);
    case 'categorical':
      return compareCategorical(groupA, groupB, column.name, maxLevels);
  }
}

function compareNumeric(groupA: readonly Row[], groupB: readonly Row[], feature: string): ColumnComparison {
  const valuesOf = (rows: readonly Row[]) => rows.map((r) => readNumber(r[feature])).filter((x) => x !== undefined);
  const valuesA = valuesOf(groupA);
  const valuesB = valuesOf(groupB);
  const countA = valuesA.length;
  const countB = valuesB.length;
  if (countA < 2 || countB < 2) return { countA, countB, comparisons: [] };
  const a = summarize(valuesA);
  const b = summarize(valuesB);
  const { effect, capped } = hedgesG(a, b);
  const sentence: Sentence = { key: 'average', feature, groupA: a.mean, groupB: b.mean, medianA: a.median, medianB: b.median };
  return { countA, countB, comparisons: [{ kind: 'numeric', measure: 'hedges-g', feature, effect, magnitude: magnitudeOf(effect), countA, countB, sentence, a, b, capped }] };
}

function compareBoolean(groupA: readonly Row[], groupB: readonly Row[], feature: string): ColumnComparison {
  const tally = (rows: readonly Row[]) => {
    let count = 0;
    let yes = 0;
    for (const row of rows) {
      const value = readBoolean(row[feature]);
      if (value === undefined) continue;
      count++;
      if (value) yes++;
    }
    return { count, share: count ? yes / count : 0 };
  };
  const a = tally(groupA);
  const b = tally(groupB);
  const effect = cohensH(a.share, b.share);
  const sentence: Sentence = { key: 'share', feature, groupA: a.share, groupB: b.share };
  return {
    countA: a.count,
    countB: b.count,
    comparisons: [{ kind: 'boolean', measure: 'cohens-h', feature, effect, magnitude: magnitudeOf(effect), countA: a.count, countB: b.count, sentence, shareA: a.share, shareB: b.share }],
  };
}

function compareCategorical(groupA: readonly Row[], groupB: readonly Row[], feature: string, maxLevels: number): ColumnComparison {
  const tally = (rows: readonly Row[]) => {
    const levels = new Map<string, number>();
    let count = 0;
    for (const row of rows) {
      const level = readCategory(row[feature]);
      if (level === undefined) continue;
      count++;
      levels.set(level, (levels.get(level) ?? 0) + 1);
    }
    return { count, levels };
  };
  const a = tally(groupA);
  const b = tally(groupB);
  const together = new Map(a.levels);
  for (const [level, n] of b.levels) together.set(level, (together.get(level) ?? 0) + n);
  const levels = [...together]
    .sort((x, y) => y[1] - x[1] || compareText(x[0], y[0]))
    .slice(0, maxLevels)
    .map(([level]) => level);
  const comparisons = levels.map((level): FeatureComparison => {
    const shareA = a.count ? (a.levels.get(level) ?? 0) / a.count : 0;
    const shareB = b.count ? (b.levels.get(level) ?? 0) / b.count : 0;
    const effect = cohensH(shareA, shareB);
    const sentence: Sentence = { key: 'categoryShare', feature, category: level, groupA: shareA, groupB: shareB };
    return { kind: 'categorical', measure: 'cohens-h', feature, level, effect, magnitude: magnitudeOf(effect), countA: a.count, countB: b.count, sentence, shareA, shareB };
  });
  return { countA: a.count, countB: b.count, comparisons };
}
