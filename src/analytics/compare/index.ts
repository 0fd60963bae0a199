/** "VIP vs churned": per-feature comparison of two customer groups, ranked by effect size. */
export {
  type CompareOptions,
  compareGroups,
  type FeatureComparison,
  type GroupComparison,
  type Sentence,
  type SkippedFeature,
} from './compare-groups.ts';
export { cohensH, hedgesG, MAX_EFFECT, type Magnitude, magnitudeOf, type StandardizedDifference, type Summary, summarize } from './effect-sizes.ts';
export { inferColumns } from './infer-columns.ts';
