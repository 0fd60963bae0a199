import { z } from 'zod';

/**
 * The analytics API's shapes: validation, TypeScript types and OpenAPI at once.
 * Figures are numbers or null; a null always comes with a reason the console can show
 * (empty period, no repeat buyers, …) — never NaN or Infinity.
 */

export const calendars = ['gregorian', 'jalali'] as const;
export const grains = ['day', 'week', 'month', 'quarter', 'year'] as const;
export const cohortGrains = ['week', 'month'] as const;
export const transactionModels = ['bgnbd', 'paretonbd'] as const;
export const rfmSegments = [
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
export const riskBands = ['low', 'medium', 'high'] as const;
export type Calendar = (typeof calendars)[number];
export type Grain = (typeof grains)[number];
export type CohortGrain = (typeof cohortGrains)[number];
export type RfmSegment = (typeof rfmSegments)[number];
export type RiskBand = (typeof riskBands)[number];

const day = z.iso.date();

export const focusSchema = z
  .object({
    kpi: z.string().min(1).max(64),
    target: z.number().finite(),
    start: day.describe('First day of the focus period'),
    end: day.describe('Last day of the focus period (inclusive)'),
  })
  .meta({ id: 'AnalyticsFocus' });

export const settingsSchema = z
  .object({
    activeDays: z.number().int().describe('A customer is active while their last purchase is at most this many days old'),
    calendar: z.enum(calendars),
    timezone: z.string().describe("The workspace's time zone: days and periods start at its midnight"),
    horizonDays: z.number().int().describe('Horizon of predicted purchases and CLV'),
    discountRate: z.number().describe('Yearly discount rate of predicted CLV, e.g. 0.1'),
    preferredModel: z.enum(transactionModels),
    churnLabelAttribute: z.string().nullable().describe('Boolean custom attribute that marks churned subscribers (contractual businesses)'),
    focus: focusSchema.nullable(),
    refreshMinutes: z.number().int(),
  })
  .meta({ id: 'AnalyticsSettings' });
export type AnalyticsSettings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.strictObject({
  activeDays: z.number().int().min(1).max(3650).optional(),
  calendar: z.enum(calendars).optional(),
  horizonDays: z.number().int().min(7).max(3650).optional(),
  discountRate: z.number().min(0).max(1).optional(),
  preferredModel: z.enum(transactionModels).optional(),
  churnLabelAttribute: z.string().min(1).max(64).nullable().optional(),
  focus: z
    .strictObject({ kpi: z.string().min(1).max(64), target: z.number().finite(), start: day.optional(), end: day.optional() })
    .nullable()
    .optional()
    .describe('start defaults to the first day of the current month, end to 3 months later'),
  refreshMinutes: z.number().int().min(1).max(1440).optional(),
});

export const statusSchema = z
  .object({
    asOf: z.string().nullable().describe('When the figures were computed; null before the first computation'),
    state: z.enum(['idle', 'queued', 'running', 'failed']),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    customers: z.number().describe('Customers with at least one counted order'),
    orders: z.number(),
    excludedOrders: z.number().describe('Orders in another currency than the display currency: counted, but not in revenue'),
    currency: z.string(),
  })
  .meta({ id: 'AnalyticsStatus' });

export const periodSchema = z.object({ start: day, end: day.describe('inclusive'), label: z.string() });

export const kpiValueSchema = z.object({ value: z.number().nullable(), reason: z.string().nullable() });

export const kpiSchema = z
  .object({
    id: z.string(),
    unit: z.enum(['count', 'percent', 'money', 'ratio']),
    formula: z.string(),
    definition: z.string(),
    higherIsBetter: z.boolean(),
    values: z.array(kpiValueSchema).describe('One per period, oldest first'),
    change: z.number().nullable().describe('Last period vs the one before, in percent (percentage points for percent KPIs)'),
  })
  .meta({ id: 'Kpi' });

export const kpiQuerySchema = z.strictObject({
  grain: z.enum(grains).default('month'),
  calendar: z.enum(calendars).optional().describe("Defaults to the workspace's calendar"),
  date: day.optional().describe('A day inside the last period shown; defaults to today'),
  periods: z.coerce.number().int().min(1).max(60).default(12),
  segment: z.enum(rfmSegments).optional().describe('Only customers in this RFM segment'),
  tag: z.string().min(1).max(100).optional().describe('Only customers with this tag'),
  channel: z.string().min(1).max(100).optional().describe("Only orders from this sales channel (the order's `channel` property, else its source: event, api, import)"),
});

export const kpiReportSchema = z
  .object({
    asOf: z.string().nullable(),
    currency: z.string(),
    calendar: z.enum(calendars),
    grain: z.enum(grains),
    periods: z.array(periodSchema),
    comparedTo: z
      .object({ start: day, end: day })
      .nullable()
      .describe('When the last period is still running, changes compare it with this many days of the period before; null: whole periods'),
    kpis: z.array(kpiSchema),
    focus: z
      .object({
        kpi: z.string(),
        target: z.number(),
        start: day,
        end: day,
        current: z.number().nullable(),
        progress: z.number().nullable().describe('current / target × 100'),
        elapsed: z.number().describe('Share of the focus period already past, in percent'),
      })
      .nullable(),
  })
  .meta({ id: 'KpiReport' });

export const cohortQuerySchema = z.strictObject({
  grain: z.enum(cohortGrains).default('month'),
  calendar: z.enum(calendars).optional(),
  cohorts: z.coerce.number().int().min(1).max(104).default(12),
});

export const cohortReportSchema = z
  .object({
    asOf: z.string().nullable(),
    currency: z.string(),
    calendar: z.enum(calendars),
    grain: z.enum(cohortGrains),
    cohorts: z.array(
      z.object({
        start: day,
        label: z.string(),
        size: z.number(),
        cells: z.array(z.object({ offset: z.number(), customers: z.number(), percent: z.number(), revenue: z.number() })),
      }),
    ),
  })
  .meta({ id: 'CohortReport' });

export const rfmReportSchema = z
  .object({
    asOf: z.string().nullable(),
    currency: z.string(),
    customers: z.number(),
    segments: z.array(z.object({ segment: z.enum(rfmSegments), customers: z.number(), revenue: z.number(), share: z.number(), rule: z.string() })),
    grid: z.array(z.object({ r: z.number(), f: z.number(), customers: z.number(), revenue: z.number() })).describe('Recency × frequency scores 1–5'),
  })
  .meta({ id: 'RfmReport' });

export const scoredCustomerSchema = z
  .object({
    customerId: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    orders: z.number(),
    revenue: z.number(),
    firstOrderAt: day,
    lastOrderAt: day,
    r: z.number(),
    f: z.number(),
    m: z.number(),
    segment: z.enum(rfmSegments),
    pAlive: z.number().nullable(),
    expectedPurchases: z.number().nullable().describe('Expected purchases over the horizon'),
    expectedSpend: z.number().nullable().describe('Expected average order value (minor units)'),
    clv: z.number().nullable().describe('Predicted, discounted CLV over the horizon (minor units)'),
    clvAtRisk: z.number().nullable(),
    risk: z.enum(riskBands).nullable(),
  })
  .meta({ id: 'ScoredCustomer' });

export const scoredListQuerySchema = z.strictObject({
  segment: z.enum(rfmSegments).optional(),
  risk: z.enum(riskBands).optional(),
  sort: z.enum(['clv_at_risk', 'clv', 'revenue', 'p_alive', 'last_order']).default('clv_at_risk'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const modelsReportSchema = z
  .object({
    asOf: z.string().nullable(),
    transactions: z
      .object({
        model: z.enum(transactionModels),
        preferred: z.enum(transactionModels),
        fallbackReason: z.string().nullable(),
        params: z.record(z.string(), z.number()),
        logLikelihood: z.number(),
        converged: z.boolean(),
        boundary: z.array(z.string()),
        customers: z.number(),
        unit: z.literal('day'),
        calibrationEnd: day.nullable().describe('null when the history is too short for a holdout check'),
        holdoutDays: z.number(),
        tracking: z.array(z.object({ week: z.number(), start: day, actual: z.number(), expected: z.number() })),
        holdoutByFrequency: z.array(z.object({ frequency: z.string(), customers: z.number(), actual: z.number(), expected: z.number() })),
        accuracy: z.object({ mae: z.number(), rmse: z.number(), aggregateErrorPercent: z.number(), correlation: z.number().nullable() }).nullable(),
      })
      .nullable(),
    spend: z
      .object({ params: z.record(z.string(), z.number()), logLikelihood: z.number(), customers: z.number(), converged: z.boolean() })
      .nullable(),
    churn: z
      .object({
        labelAttribute: z.string(),
        rows: z.number(),
        positives: z.number(),
        folds: z.number(),
        auc: z.number(),
        aucSd: z.number(),
        coefficients: z.array(z.object({ feature: z.string(), weight: z.number() })),
      })
      .nullable(),
    discrete: z
      .object({
        model: z.literal('bgbb'),
        opportunity: z.literal('month'),
        params: z.object({ alpha: z.number(), beta: z.number(), gamma: z.number(), delta: z.number() }),
        logLikelihood: z.number(),
        converged: z.boolean(),
        boundary: z.array(z.string()),
        customers: z.number(),
        expectedRepeat: z.array(z.number()).describe("A new customer's expected repeat months over the next 1…12 months"),
      })
      .nullable()
      .describe('BG/BB on discrete opportunities: each whole month after the first purchase is one chance to buy again'),
    reasons: z.array(z.string()).describe('Why a model is missing, e.g. "no repeat purchases yet"'),
  })
  .meta({ id: 'ModelsReport' });

export const compareQuerySchema = z.strictObject({
  groupA: z.string().max(100).default('vip').describe('"vip" (top 10 % by CLV), "churned" (P(alive) < 0.3 or high risk), "segment:<rfm>", or "tag:<tag>"'),
  groupB: z.string().max(100).default('churned'),
});

export const compareReportSchema = z
  .object({
    groupA: z.object({ key: z.string(), customers: z.number() }),
    groupB: z.object({ key: z.string(), customers: z.number() }),
    features: z.array(
      z.object({
        feature: z.string(),
        kind: z.enum(['numeric', 'share']),
        effectSize: z.number(),
        a: z.number().describe('Mean (numeric) or share 0–1 in group A'),
        b: z.number(),
        sentence: z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
      }),
    ),
    reason: z.string().nullable(),
  })
  .meta({ id: 'CompareReport' });

export const ruleSchema = z
  .object({
    antecedent: z.object({ id: z.string(), name: z.string().nullable() }),
    consequent: z.object({ id: z.string(), name: z.string().nullable() }),
    support: z.number(),
    confidence: z.number(),
    lift: z.number(),
    orders: z.number(),
  })
  .meta({ id: 'AssociationRule' });

export const recommendationSchema = z
  .object({ productId: z.string(), name: z.string().nullable(), score: z.number(), because: z.array(z.object({ id: z.string(), name: z.string().nullable() })) })
  .meta({ id: 'Recommendation' });

export const customerAnalyticsSchema = z
  .object({
    asOf: z.string().nullable(),
    scores: scoredCustomerSchema.nullable().describe('null while the customer has no counted order'),
    churnProbability: z.number().nullable().describe('P(churn) from the subscription churn model, when the workspace has one'),
    recommendations: z.array(recommendationSchema),
  })
  .meta({ id: 'CustomerAnalytics' });
