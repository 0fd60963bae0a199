import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { buildChurnModel, scoreChurn } from '../churn/index.ts';
import type { ColumnSpec, Row } from '../churn/features.ts';
import type { AnalyticsContext } from '../settings.ts';

/** Fewer labelled customers than this cannot be split into 10 honest folds. */
const MIN_LABELLED = 50;
const FOLDS = 10;

const YES = new Set(['true', 'yes', '1', 'y', 'churned', 'بله', 'نعم']);
const NO = new Set(['false', 'no', '0', 'n', 'active', 'خیر', 'لا']);

/** A label from whatever the attribute holds: booleans, 0/1, yes/no in en/fa/ar; else unknown. */
export function churnLabel(value: unknown): 0 | 1 | null {
  if (value === true || value === 1) return 1;
  if (value === false || value === 0) return 0;
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  return YES.has(v) ? 1 : NO.has(v) ? 0 : null;
}

const kindOf: Record<string, ColumnSpec['kind'] | undefined> = { number: 'numeric', boolean: 'boolean', enum: 'categorical', string: 'categorical' };

/**
 * The subscription churn model of a contractual business: logistic regression on the customers'
 * custom attributes and order behaviour, labelled by a boolean-like attribute the workspace
 * names (e.g. `churned`). 10-fold cross-validated ROC-AUC is stored with the coefficients, and
 * every customer still on the books gets P(churn).
 */
export async function fitChurnModel(tx: Db, ctx: AnalyticsContext): Promise<string | null> {
  await sql`delete from analytics_models where workspace_id = ${ctx.workspaceId} and kind = 'churn'`.execute(tx);
  await sql`delete from analytics_churn_scores where workspace_id = ${ctx.workspaceId}`.execute(tx);
  const label = ctx.churnLabelAttribute;
  if (!label) return null;
  const store = (result: Record<string, unknown>) =>
    tx.insertInto('analytics_models').values({ workspace_id: ctx.workspaceId, kind: 'churn', result: JSON.stringify(result) }).execute();

  const definitions = await tx.selectFrom('attribute_definitions').select(['key', 'type']).where('workspace_id', '=', ctx.workspaceId).execute();
  const spec: ColumnSpec[] = [
    ...definitions.flatMap((d) => {
      const kind = kindOf[d.type];
      return d.key !== label && kind ? [{ name: `attr:${d.key}`, kind }] : [];
    }),
    { name: 'city', kind: 'categorical' },
    { name: 'gender', kind: 'categorical' },
    { name: 'orders', kind: 'numeric' },
    { name: 'revenue', kind: 'numeric' },
    { name: 'daysSinceLastOrder', kind: 'numeric' },
    { name: 'tenureDays', kind: 'numeric' },
  ];
  const customers = await sql<{ id: string; attributes: Record<string, unknown>; city: string | null; gender: string | null; orders: number | null; revenue: number | null; since: number | null; tenure: number }>`
    select c.id, c.attributes, c.city, c.gender, a.orders, a.revenue_minor as revenue,
           current_date - a.last_day as since, current_date - c.created_at::date as tenure
      from customers c left join analytics_customers a on a.workspace_id = c.workspace_id and a.customer_id = c.id
     where c.workspace_id = ${ctx.workspaceId} and c.merged_into is null and c.erased_at is null and not c.anonymous`.execute(tx);
  const rows: Row[] = [];
  const labels: number[] = [];
  const allRows: Row[] = [];
  for (const c of customers.rows) {
    const row: Record<string, unknown> = {
      city: c.city,
      gender: c.gender,
      orders: c.orders ?? 0,
      revenue: c.revenue ?? 0,
      daysSinceLastOrder: c.since,
      tenureDays: c.tenure,
    };
    for (const d of definitions) if (d.key !== label) row[`attr:${d.key}`] = c.attributes?.[d.key];
    allRows.push(row);
    const y = churnLabel(c.attributes?.[label]);
    if (y === null) continue;
    rows.push(row);
    labels.push(y);
  }
  if (rows.length < MIN_LABELLED) {
    await store({ reason: `only ${rows.length} customers carry the "${label}" attribute; the churn model needs at least ${MIN_LABELLED}` });
    return null;
  }
  const built = buildChurnModel(rows, labels, spec, { folds: FOLDS, seed: 1 });
  if (!built.ok) {
    await store({ reason: `the churn model could not be fitted: ${built.reason}` });
    return null;
  }
  const { model, validation } = built;
  const coefficients = [...model.coefficients].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight) || (x.feature < y.feature ? -1 : 1)).slice(0, 20);
  await store({
    labelAttribute: label,
    rows: rows.length,
    positives: model.positives,
    folds: FOLDS,
    auc: round(validation.meanAuc),
    aucSd: round(validation.sdAuc),
    coefficients: coefficients.map((c) => ({ feature: c.feature, weight: round(c.weight) })),
  });
  const scores = scoreChurn(model, allRows);
  const ids = customers.rows.map((c) => c.id);
  for (let i = 0; i < ids.length; i += 10_000) {
    await sql`
      insert into analytics_churn_scores (workspace_id, customer_id, probability)
      select ${ctx.workspaceId}::uuid, id, p from unnest(${ids.slice(i, i + 10_000)}::uuid[], ${scores.slice(i, i + 10_000)}::float8[]) as t(id, p)`.execute(tx);
  }
  return 'logistic regression';
}

const round = (n: number) => Math.round(n * 10000) / 10000;
