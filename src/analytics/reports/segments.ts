import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.ts';
import { dayNumber, periodIndex, periodLabel } from '../periods.ts';
import type { Calendar, CohortGrain, RfmSegment, RiskBand } from '../routes/schemas.ts';
import { rfmRules } from '../snapshot/facts.ts';
import type { AnalyticsContext } from '../settings.ts';

/** The newest `count` acquisition cohorts, each with its cells by periods since acquisition. */
export async function cohortReport(db: Db, ctx: AnalyticsContext, q: { grain: CohortGrain; calendar: Calendar; cohorts: number }) {
  const cells = await db
    .selectFrom('analytics_cohorts')
    .select(['cohort', 'period_offset', 'customers', 'revenue_minor'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('calendar', '=', q.calendar)
    .where('grain', '=', q.grain)
    .where('cohort', 'in', (eb) =>
      eb
        .selectFrom('analytics_cohorts')
        .select('cohort')
        .distinct()
        .where('workspace_id', '=', ctx.workspaceId)
        .where('calendar', '=', q.calendar)
        .where('grain', '=', q.grain)
        .orderBy('cohort', 'desc')
        .limit(q.cohorts),
    )
    .orderBy('cohort')
    .orderBy('period_offset')
    .execute();
  const cohorts = new Map<string, { start: string; label: string; size: number; cells: { offset: number; customers: number; percent: number; revenue: number }[] }>();
  for (const c of cells) {
    let cohort = cohorts.get(c.cohort);
    if (!cohort) {
      const label = periodLabel(periodIndex(dayNumber(c.cohort), q.grain, q.calendar), q.grain, q.calendar);
      cohort = { start: c.cohort, label, size: 0, cells: [] };
      cohorts.set(c.cohort, cohort);
    }
    if (c.period_offset === 0) cohort.size = c.customers;
    cohort.cells.push({ offset: c.period_offset, customers: c.customers, percent: 0, revenue: c.revenue_minor });
  }
  for (const cohort of cohorts.values())
    for (const cell of cohort.cells) cell.percent = cohort.size > 0 ? Math.round((cell.customers / cohort.size) * 10000) / 100 : 0;
  return [...cohorts.values()];
}

/** Segments and the recency × frequency grid, from the summary the refresh stored. */
export async function rfmReport(db: Db, ctx: AnalyticsContext) {
  const stored = await db.selectFrom('analytics_models').select('result').where('workspace_id', '=', ctx.workspaceId).where('kind', '=', 'rfm').executeTakeFirst();
  const cells = ((stored?.result as { cells?: { r: number; f: number; segment: string; customers: number; revenue: number }[] } | undefined)?.cells ?? []);
  const total = cells.reduce((n, c) => n + c.customers, 0);
  const bySegment = new Map<string, { customers: number; revenue: number }>();
  const byCell = new Map<string, { r: number; f: number; customers: number; revenue: number }>();
  for (const c of cells) {
    const s = bySegment.get(c.segment) ?? { customers: 0, revenue: 0 };
    s.customers += c.customers;
    s.revenue += c.revenue;
    bySegment.set(c.segment, s);
    const key = `${c.r}:${c.f}`;
    const g = byCell.get(key) ?? { r: c.r, f: c.f, customers: 0, revenue: 0 };
    g.customers += c.customers;
    g.revenue += c.revenue;
    byCell.set(key, g);
  }
  return {
    customers: total,
    segments: rfmRules.map((rule) => {
      const s = bySegment.get(rule.segment) ?? { customers: 0, revenue: 0 };
      return { segment: rule.segment, customers: s.customers, revenue: s.revenue, share: total ? Math.round((s.customers / total) * 10000) / 100 : 0, rule: rule.rule };
    }),
    grid: [...byCell.values()].sort((a, b) => b.r - a.r || b.f - a.f),
  };
}

const sorts = {
  clv_at_risk: { column: 'clv_at_risk', direction: 'desc' },
  clv: { column: 'clv', direction: 'desc' },
  revenue: { column: 'revenue_minor', direction: 'desc' },
  p_alive: { column: 'p_alive', direction: 'asc' },
  last_order: { column: 'last_day', direction: 'desc' },
} as const;

export type ScoredSort = keyof typeof sorts;

/**
 * Scored customers, for RFM drill-down and the at-risk list. Keyset pagination on (sort value,
 * customer id); customers without a model figure sort last.
 */
export async function scoredCustomers(
  db: Db,
  ctx: AnalyticsContext,
  q: { segment?: RfmSegment; risk?: RiskBand; sort: ScoredSort; limit: number; cursor?: string; customerId?: string },
) {
  const { column, direction } = sorts[q.sort];
  const value = sql.ref(`a.${column}`);
  const decoded = decodeCursor(q.cursor, 2) as [number | string | null, string] | undefined;
  const after = decoded ? { v: decoded[0], id: decoded[1] } : undefined;
  const cmp = direction === 'desc' ? sql`<` : sql`>`;
  const rows = await sql<ScoredRow>`
    select a.*, nullif(concat_ws(' ', c.first_name, c.last_name), '') as name, c.emails[1] as email, c.phones[1] as phone
      from analytics_customers a join customers c on c.id = a.customer_id and c.merged_into is null and c.erased_at is null
     where a.workspace_id = ${ctx.workspaceId}
       ${q.segment ? sql`and a.segment = ${q.segment}` : sql``}
       ${q.risk ? sql`and a.risk = ${q.risk}` : sql``}
       ${q.customerId ? sql`and a.customer_id = ${q.customerId}` : sql``}
       ${
         after
           ? after.v === null
             ? sql`and ${value} is null and a.customer_id > ${after.id}`
             : sql`and (${value} ${cmp} ${after.v} or (${value} = ${after.v} and a.customer_id > ${after.id}) or ${value} is null)`
           : sql``
       }
     order by ${value} ${sql.raw(direction)} nulls last, a.customer_id
     limit ${q.limit + 1}`.execute(db);
  const page = rows.rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const lastValue = last ? (last as unknown as Record<string, number | string | null>)[column] : null;
  return {
    data: page.map(toScored),
    nextCursor: rows.rows.length > q.limit && last ? encodeCursor([lastValue ?? null, last.customer_id]) : null,
  };
}

interface ScoredRow {
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  orders: number;
  revenue_minor: number;
  first_day: string;
  last_day: string;
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
}

const round = (n: number | null, digits = 4) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export const toScored = (r: ScoredRow) => ({
  customerId: r.customer_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  orders: r.orders,
  revenue: Number(r.revenue_minor),
  firstOrderAt: r.first_day,
  lastOrderAt: r.last_day,
  r: r.r,
  f: r.f,
  m: r.m,
  segment: r.segment,
  pAlive: round(r.p_alive),
  expectedPurchases: round(r.expected_purchases),
  expectedSpend: round(r.expected_spend, 0),
  clv: round(r.clv, 0),
  clvAtRisk: round(r.clv_at_risk, 0),
  risk: r.risk,
});
