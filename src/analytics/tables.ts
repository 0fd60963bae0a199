import type { ColumnType, JSONColumnType } from 'kysely';
import type { Calendar, RiskBand, RfmSegment } from './routes/schemas.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DayString = ColumnType<string, string, string>;

export interface StoredFocus {
  kpi: string;
  target: number;
  start: string;
  end: string;
}

export interface AnalyticsTables {
  analytics_settings: {
    workspace_id: string;
    active_days: ColumnType<number, number | undefined, number>;
    calendar: ColumnType<Calendar, Calendar | undefined, Calendar>;
    horizon_days: ColumnType<number, number | undefined, number>;
    discount_rate: ColumnType<number, number | undefined, number>;
    preferred_model: ColumnType<'bgnbd' | 'paretonbd', 'bgnbd' | 'paretonbd' | undefined, 'bgnbd' | 'paretonbd'>;
    churn_label_attribute: string | null;
    focus: JSONColumnType<StoredFocus | null, string | null | undefined, string | null>;
    refresh_minutes: ColumnType<number, number | undefined, number>;
    updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  analytics_runs: {
    workspace_id: string;
    requested_at: Timestamp | null;
    started_at: Timestamp | null;
    finished_at: Timestamp | null;
    as_of: Timestamp | null;
    orders_watermark: string | null;
    error: string | null;
    stats: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  };
  analytics_customers: {
    workspace_id: string;
    customer_id: string;
    first_day: DayString;
    last_day: DayString;
    orders: number;
    purchase_days: number;
    revenue_minor: number;
    repeat_revenue_minor: number;
    r: number;
    f: number;
    m: number;
    segment: RfmSegment;
    p_alive: number | null;
    expected_purchases: number | null;
    expected_spend: number | null;
    clv: number | null;
    clv_at_risk: number | null;
    risk: RiskBand | null;
    churn_probability: number | null;
  };
  analytics_daily: {
    workspace_id: string;
    day: DayString;
    orders: number;
    revenue_minor: number;
    purchasers: number;
    new_customers: number;
    active_customers: number;
  };
  analytics_cohorts: {
    workspace_id: string;
    calendar: Calendar;
    grain: 'week' | 'month' | 'quarter' | 'year';
    cohort: DayString;
    period_offset: number;
    customers: number;
    revenue_minor: number;
    repeat_customers: number;
  };
  analytics_models: {
    workspace_id: string;
    kind: 'transactions' | 'spend' | 'churn' | 'rfm' | 'ranges' | 'discrete';
    result: JSONColumnType<Record<string, unknown>, string, string>;
    fitted_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  analytics_churn_scores: {
    workspace_id: string;
    customer_id: string;
    probability: number;
  };
  analytics_product_pairs: {
    workspace_id: string;
    product_a: string;
    product_b: string;
    orders: number;
    support: number;
    confidence: number;
    lift: number;
  };
}
