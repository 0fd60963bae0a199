import type { TFunction } from 'i18next';
import type { Kpi } from './types';

/** KPI ids the console has its own words for; others show the server's English. */
const KNOWN = new Set([
  'customers_start',
  'customers_end',
  'new_customers',
  'retention_rate',
  'churn_rate',
  'repeat_purchase_rate',
  'purchase_frequency',
  'average_order_value',
  'revenue',
  'orders',
  'purchasers',
  'returning_customers',
  'historical_clv',
]);

/** `some_new_kpi` → `Some new kpi`. */
const humanize = (id: string) => id.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export function kpiName(t: TFunction, id: string): string {
  return KNOWN.has(id) ? t(`analytics.kpis.names.${id}` as 'analytics.kpis.names.revenue') : humanize(id);
}

export function kpiDefinition(t: TFunction, kpi: Pick<Kpi, 'id' | 'definition'>): string {
  return KNOWN.has(kpi.id) ? t(`analytics.kpis.definitions.${kpi.id}` as 'analytics.kpis.definitions.revenue') : kpi.definition;
}

/** The KPI's last value (the current period) and the reason when it has none. */
export function lastValue(kpi: Kpi): { value: number | null; reason: string | null } {
  return kpi.values.at(-1) ?? { value: null, reason: null };
}

/** Whether a change is good news: up for most figures, down for churn. */
export function tone(kpi: Pick<Kpi, 'change' | 'higherIsBetter'>): 'better' | 'worse' | 'same' | null {
  if (kpi.change === null) return null;
  if (Math.abs(kpi.change) < 0.05) return 'same';
  return kpi.change > 0 === kpi.higherIsBetter ? 'better' : 'worse';
}
