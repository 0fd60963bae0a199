/**
 * Shapes of the analytics API (src/analytics/routes/schemas.ts). Figures are numbers or null;
 * a null comes with a `reason` the console shows in a tooltip.
 */

export const CALENDARS = ['gregorian', 'jalali'] as const;
export const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export const COHORT_GRAINS = ['week', 'month'] as const;
export const TRANSACTION_MODELS = ['bgnbd', 'paretonbd'] as const;
export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose_them',
  'hibernating',
  'lost',
] as const;
export const RISK_BANDS = ['low', 'medium', 'high'] as const;
export const SCORED_SORTS = ['clv_at_risk', 'clv', 'revenue', 'p_alive', 'last_order'] as const;

export type Calendar = (typeof CALENDARS)[number];
export type Grain = (typeof GRAINS)[number];
export type CohortGrain = (typeof COHORT_GRAINS)[number];
export type TransactionModel = (typeof TRANSACTION_MODELS)[number];
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export type RiskBand = (typeof RISK_BANDS)[number];
export type ScoredSort = (typeof SCORED_SORTS)[number];

export interface AnalyticsFocus {
  kpi: string;
  target: number;
  start: string;
  end: string;
}

export interface AnalyticsSettings {
  activeDays: number;
  calendar: Calendar;
  timezone: string;
  horizonDays: number;
  discountRate: number;
  preferredModel: TransactionModel;
  churnLabelAttribute: string | null;
  focus: AnalyticsFocus | null;
  refreshMinutes: number;
}

export interface SettingsPatch {
  activeDays?: number;
  calendar?: Calendar;
  horizonDays?: number;
  discountRate?: number;
  preferredModel?: TransactionModel;
  churnLabelAttribute?: string | null;
  focus?: { kpi: string; target: number; start?: string; end?: string } | null;
  refreshMinutes?: number;
}

export interface AnalyticsStatus {
  asOf: string | null;
  state: 'idle' | 'queued' | 'running' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  customers: number;
  orders: number;
  excludedOrders: number;
  currency: string;
}

export interface Period {
  start: string;
  /** inclusive */
  end: string;
  label: string;
}

export interface KpiValue {
  value: number | null;
  reason: string | null;
}

export type KpiUnit = 'count' | 'percent' | 'money' | 'ratio';

export interface Kpi {
  id: string;
  unit: KpiUnit;
  formula: string;
  definition: string;
  higherIsBetter: boolean;
  /** One per period, oldest first. */
  values: KpiValue[];
  /** Last period vs the one before: percent, or percentage points for percent KPIs. */
  change: number | null;
}

export interface FocusProgress {
  kpi: string;
  target: number;
  start: string;
  end: string;
  current: number | null;
  progress: number | null;
  elapsed: number;
}

export interface KpiReport {
  asOf: string | null;
  currency: string;
  calendar: Calendar;
  grain: Grain;
  periods: Period[];
  /** While the last period runs, changes compare it with these days of the period before. */
  comparedTo: { start: string; end: string } | null;
  kpis: Kpi[];
  focus: FocusProgress | null;
}

export interface KpiQuery {
  grain: Grain;
  calendar?: Calendar;
  date?: string;
  periods: number;
  segment?: RfmSegment;
  tag?: string;
  channel?: string;
}

export interface CohortCell {
  offset: number;
  customers: number;
  percent: number;
  revenue: number;
}

export interface Cohort {
  start: string;
  label: string;
  size: number;
  cells: CohortCell[];
}

export interface CohortReport {
  asOf: string | null;
  currency: string;
  calendar: Calendar;
  grain: CohortGrain;
  cohorts: Cohort[];
}

export interface RfmReport {
  asOf: string | null;
  currency: string;
  customers: number;
  /** `share`: percent of the scored customers, 0–100. */
  segments: { segment: RfmSegment; customers: number; revenue: number; share: number; rule: string }[];
  grid: { r: number; f: number; customers: number; revenue: number }[];
}

export interface ScoredCustomer {
  customerId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  orders: number;
  revenue: number;
  firstOrderAt: string;
  lastOrderAt: string;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
  pAlive: number | null;
  expectedPurchases: number | null;
  expectedSpend: number | null;
  clv: number | null;
  clvAtRisk: number | null;
  risk: RiskBand | null;
}

export interface TransactionsModel {
  model: TransactionModel;
  preferred: TransactionModel;
  fallbackReason: string | null;
  params: Record<string, number>;
  logLikelihood: number;
  converged: boolean;
  boundary: string[];
  customers: number;
  unit: 'day';
  calibrationEnd: string;
  holdoutDays: number;
  tracking: { week: number; start: string; actual: number; expected: number }[];
  holdoutByFrequency: { frequency: string; customers: number; actual: number; expected: number }[];
  accuracy: { mae: number; rmse: number; aggregateErrorPercent: number; correlation: number | null };
}

export interface ModelsReport {
  asOf: string | null;
  transactions: TransactionsModel | null;
  spend: { params: Record<string, number>; logLikelihood: number; customers: number; converged: boolean } | null;
  /** BG/BB on months after the first purchase. */
  discrete: {
    model: 'bgbb';
    opportunity: 'month';
    params: Record<string, number>;
    logLikelihood: number;
    converged: boolean;
    boundary: string[];
    customers: number;
    expectedRepeat: number[];
  } | null;
  churn: {
    labelAttribute: string;
    rows: number;
    positives: number;
    folds: number;
    auc: number;
    aucSd: number;
    coefficients: { feature: string; weight: number }[];
  } | null;
  reasons: string[];
}

export interface CompareFeature {
  feature: string;
  kind: 'numeric' | 'share';
  effectSize: number;
  /** Mean (numeric) or share 0–1 in group A. */
  a: number;
  b: number;
  sentence: { key: string; params: Record<string, string | number> };
}

export interface CompareReport {
  groupA: { key: string; customers: number };
  groupB: { key: string; customers: number };
  features: CompareFeature[];
  reason: string | null;
}

export interface ProductRef {
  id: string;
  name: string | null;
}

export interface AssociationRule {
  antecedent: ProductRef;
  consequent: ProductRef;
  support: number;
  confidence: number;
  lift: number;
  orders: number;
}

export interface Recommendation {
  productId: string;
  name: string | null;
  score: number;
  because: ProductRef[];
}

export interface CustomerAnalytics {
  asOf: string | null;
  scores: ScoredCustomer | null;
  recommendations: Recommendation[];
}
