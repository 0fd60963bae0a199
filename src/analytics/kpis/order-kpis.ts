import { figure, type KpiDefinition, type KpiProvider, type KpiQuery, type KpiValue, missing, ratio } from './registry.ts';
import { type PeriodFacts, liveFacts, snapshotFacts } from './order-facts.ts';

export const orderKpiDefinitions = [
  { id: 'customers_start', unit: 'count', higherIsBetter: true, formula: 'S', definition: 'Active customers when the period began (S): customers whose last purchase was at most the active window (default 90 days) old.' },
  { id: 'customers_end', unit: 'count', higherIsBetter: true, formula: 'E', definition: 'Active customers when the period ended, or today for the running period (E).' },
  { id: 'new_customers', unit: 'count', higherIsBetter: true, formula: 'N', definition: 'Customers whose first purchase fell in the period (N).' },
  { id: 'retention_rate', unit: 'percent', higherIsBetter: true, formula: '(E − N) / S × 100', definition: 'Customer retention rate: of the customers active at the start, the share still (or again) active at the end, not counting the new ones.' },
  { id: 'churn_rate', unit: 'percent', higherIsBetter: false, formula: '100 − (E − N) / S × 100', definition: 'Churn rate: the share of the customers active at the start who were not kept — the complement of the retention rate.' },
  { id: 'repeat_purchase_rate', unit: 'percent', higherIsBetter: true, formula: 'repeat purchasers / purchasers × 100', definition: 'Of the customers who bought in the period, the share who have bought on at least two different days by its end.' },
  { id: 'purchase_frequency', unit: 'ratio', higherIsBetter: true, formula: 'orders / purchasers', definition: 'Orders per customer who bought in the period.' },
  { id: 'average_order_value', unit: 'money', higherIsBetter: true, formula: 'revenue / orders', definition: 'Average order value: revenue divided by the number of orders.' },
  { id: 'revenue', unit: 'money', higherIsBetter: true, formula: 'Σ (order total − refunded)', definition: 'Money from the orders of the period, net of refunds; cancelled orders are left out.' },
  { id: 'orders', unit: 'count', higherIsBetter: true, formula: 'count of orders', definition: 'Orders placed in the period that were not cancelled or wholly refunded.' },
  { id: 'purchasers', unit: 'count', higherIsBetter: true, formula: 'distinct customers with an order', definition: 'Customers who bought at least once in the period.' },
  { id: 'returning_customers', unit: 'count', higherIsBetter: true, formula: 'purchasers − new purchasers', definition: 'Customers who bought in the period and had already bought before it.' },
  { id: 'historical_clv', unit: 'money', higherIsBetter: true, formula: 'revenue to date / customers to date', definition: 'Historical customer lifetime value: all revenue up to the end of the period divided by all customers acquired by then.' },
] as const satisfies readonly KpiDefinition[];

export type OrderKpiId = (typeof orderKpiDefinitions)[number]['id'];

const NO_START = 'no customers were active at the start of the period';
const NO_PURCHASERS = 'nobody bought in the period';
const NO_ORDERS = 'no orders in the period';

function kpisOfPeriod(f: PeriodFacts): Record<OrderKpiId, KpiValue> {
  const retention = ratio(f.end - f.newCustomers, f.start, NO_START, 100);
  return {
    customers_start: figure(f.start),
    customers_end: figure(f.end),
    new_customers: figure(f.newCustomers),
    retention_rate: retention,
    churn_rate: retention.value === null ? retention : figure(100 - retention.value),
    repeat_purchase_rate: ratio(f.repeaters, f.purchasers, NO_PURCHASERS, 100),
    purchase_frequency: ratio(f.orders, f.purchasers, NO_PURCHASERS),
    average_order_value: ratio(f.revenue, f.orders, NO_ORDERS),
    revenue: figure(f.revenue),
    orders: figure(f.orders),
    purchasers: figure(f.purchasers),
    returning_customers: figure(f.returning),
    historical_clv: ratio(f.revenueToDate, f.customersToDate, 'no customers yet'),
  };
}

/** Retention and revenue KPIs from orders: the snapshot when unscoped, live SQL for a scope. */
export const orderKpis: KpiProvider = {
  definitions: orderKpiDefinitions,
  async compute(query: KpiQuery) {
    const out = Object.fromEntries(orderKpiDefinitions.map((d) => [d.id, [] as KpiValue[]])) as Record<OrderKpiId, KpiValue[]>;
    if (!query.asOfDay) {
      for (const d of orderKpiDefinitions) out[d.id] = query.periods.map(() => missing('figures have not been computed yet'));
      return out;
    }
    const live = Boolean(query.scope.segment || query.scope.tag || query.scope.channel);
    const facts = live ? await liveFacts(query, query.asOfDay) : await snapshotFacts(query, query.asOfDay);
    facts.forEach((f) => {
      const values = f ? kpisOfPeriod(f) : undefined;
      for (const d of orderKpiDefinitions) out[d.id].push(values ? values[d.id] : missing('the period has not started yet'));
    });
    return out;
  },
};
