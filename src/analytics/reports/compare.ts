import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { ColumnSpec } from '../churn/features.ts';
import { compareGroups, type FeatureComparison } from '../compare/index.ts';
import { rfmSegments } from '../routes/schemas.ts';
import type { AnalyticsContext } from '../settings.ts';

/** Each group is compared on a deterministic sample this large: enough for stable effect sizes. */
export const GROUP_SAMPLE = 5000;
/** Event names and page sections compared: the most common ones in the two groups. */
const TOP_EVENTS = 15;
const TOP_SECTIONS = 10;
const TOP_TAGS = 15;

type Group = { key: string; where: ReturnType<typeof sql> } | { key: string; error: string };

function groupOf(key: string, ctx: AnalyticsContext, vipThreshold: number | null): Group {
  if (key === 'vip') {
    if (vipThreshold === null) return { key, error: 'no customers with a predicted CLV or revenue yet' };
    return { key, where: sql`coalesce(a.clv, a.revenue_minor) >= ${vipThreshold}` };
  }
  if (key === 'churned')
    return { key, where: sql`(a.risk = 'high' or (a.risk is null and a.last_day < current_date - ${ctx.activeDays}::int))` };
  if (key.startsWith('segment:')) {
    const segment = key.slice('segment:'.length);
    if (!(rfmSegments as readonly string[]).includes(segment)) return { key, error: `unknown RFM segment "${segment}"` };
    return { key, where: sql`a.segment = ${segment}` };
  }
  if (key.startsWith('tag:')) return { key, where: sql`${key.slice(4)} = any(c.tags)` };
  return { key, error: `unknown group "${key}": use vip, churned, segment:<name> or tag:<tag>` };
}

/** One row of features per sampled customer of a group. */
async function groupRows(db: Db, ctx: AnalyticsContext, where: ReturnType<typeof sql>) {
  const rows = await sql<Record<string, unknown> & { customer_id: string; tags: string[] }>`
    select a.customer_id, a.orders, a.revenue_minor as revenue, a.purchase_days as "purchaseDays",
           (a.revenue_minor::float8 / greatest(a.orders, 1)) as "averageOrderValue",
           (current_date - a.last_day) as "daysSinceLastOrder", (current_date - a.first_day) as "tenureDays",
           c.city, c.gender, c.language, c.tags
      from analytics_customers a join customers c on c.id = a.customer_id and c.merged_into is null and c.erased_at is null
     where a.workspace_id = ${ctx.workspaceId} and ${where}
     order by hashtext(a.customer_id::text), a.customer_id
     limit ${GROUP_SAMPLE}`.execute(db);
  return rows.rows;
}

/**
 * "VIP vs churned" (or any two groups): which attributes and behaviours differ most — order
 * figures, city/gender/language, tags, how often each common event was done and which sections
 * of the site were viewed — ranked by effect size (Hedges' g for numbers, Cohen's h for shares).
 */
export async function compareReport(db: Db, ctx: AnalyticsContext, keys: { groupA: string; groupB: string }) {
  const top = await sql<{ v: number | null }>`
    select percentile_disc(0.9) within group (order by coalesce(clv, revenue_minor)) as v
      from analytics_customers where workspace_id = ${ctx.workspaceId}`.execute(db);
  const threshold = top.rows[0]?.v ?? null;
  const a = groupOf(keys.groupA, ctx, threshold);
  const b = groupOf(keys.groupB, ctx, threshold);
  const empty = (reason: string, sizeA = 0, sizeB = 0) => ({
    groupA: { key: keys.groupA, customers: sizeA },
    groupB: { key: keys.groupB, customers: sizeB },
    features: [],
    reason,
  });
  if ('error' in a) return empty(a.error);
  if ('error' in b) return empty(b.error);
  const [rowsA, rowsB] = await Promise.all([groupRows(db, ctx, a.where), groupRows(db, ctx, b.where)]);
  const columns: ColumnSpec[] = [
    ...['orders', 'revenue', 'purchaseDays', 'averageOrderValue', 'daysSinceLastOrder', 'tenureDays'].map((name) => ({ name, kind: 'numeric' as const })),
    ...['city', 'gender', 'language'].map((name) => ({ name, kind: 'categorical' as const })),
  ];
  await addBehaviour(db, ctx, [...rowsA, ...rowsB], columns);
  const result = compareGroups(rowsA, rowsB, columns);
  if (!result.ok) return empty(result.reason, rowsA.length, rowsB.length);
  return {
    groupA: { key: keys.groupA, customers: rowsA.length },
    groupB: { key: keys.groupB, customers: rowsB.length },
    features: result.features.slice(0, 40).map(toFeature),
    reason: null,
  };
}

/** Tags, event counts and viewed sections as columns of the rows (in place). */
async function addBehaviour(db: Db, ctx: AnalyticsContext, rows: (Record<string, unknown> & { customer_id: string; tags: string[] })[], columns: ColumnSpec[]) {
  if (!rows.length) return;
  const ids = rows.map((r) => r.customer_id);
  const tagCounts = new Map<string, number>();
  for (const r of rows) for (const t of r.tags ?? []) tagCounts.set(t, (tagCounts.get(t) ?? 0) + 1);
  const tags = [...tagCounts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, TOP_TAGS).map(([t]) => t);
  for (const t of tags) {
    const name = `tag:${t}`;
    for (const r of rows) r[name] = (r.tags ?? []).includes(t);
    columns.push({ name, kind: 'boolean' });
  }
  const events = await sql<{ customer_id: string; feature: string; n: number }>`
    select customer_id, case when type = 'page' then 'section:/' || coalesce(nullif(split_part(properties->>'path', '/', 2), ''), '')
                             else 'event:' || coalesce(name, type) end as feature, count(*)::int as n
      from events
     where workspace_id = ${ctx.workspaceId} and customer_id = any(${ids}::uuid[]) and type in ('track', 'page', 'screen')
     group by 1, 2`.execute(db);
  const popularity = new Map<string, number>();
  for (const e of events.rows) popularity.set(e.feature, (popularity.get(e.feature) ?? 0) + 1);
  const pick = (prefix: string, n: number) =>
    [...popularity].filter(([f]) => f.startsWith(prefix)).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, n).map(([f]) => f);
  const eventFeatures = pick('event:', TOP_EVENTS);
  const sections = pick('section:', TOP_SECTIONS);
  const byCustomer = new Map(rows.map((r) => [r.customer_id, r]));
  for (const f of eventFeatures) for (const r of rows) r[f] = 0;
  for (const f of sections) for (const r of rows) r[f] = false;
  const wanted = new Set([...eventFeatures, ...sections]);
  for (const e of events.rows) {
    const row = byCustomer.get(e.customer_id);
    if (!row || !wanted.has(e.feature)) continue;
    row[e.feature] = e.feature.startsWith('section:') ? true : e.n;
  }
  columns.push(...eventFeatures.map((name) => ({ name, kind: 'numeric' as const })), ...sections.map((name) => ({ name, kind: 'boolean' as const })));
}

const r4 = (n: number) => Math.round(n * 10000) / 10000;

interface ComparedFeature {
  feature: string;
  kind: 'numeric' | 'share';
  effectSize: number;
  a: number;
  b: number;
  sentence: { key: string; params: Record<string, string | number> };
}

function toFeature(f: FeatureComparison): ComparedFeature {
  if (f.kind === 'numeric') {
    return {
      feature: f.feature,
      kind: 'numeric',
      effectSize: r4(f.effect),
      a: r4(f.a.mean),
      b: r4(f.b.mean),
      sentence: { key: 'numeric', params: { feature: f.feature, a: r4(f.a.mean), b: r4(f.b.mean), medianA: r4(f.a.median), medianB: r4(f.b.median) } },
    };
  }
  const feature = f.kind === 'categorical' ? `${f.feature} = ${f.level}` : f.feature;
  return {
    feature,
    kind: 'share',
    effectSize: r4(f.effect),
    a: r4(f.shareA),
    b: r4(f.shareB),
    sentence: { key: 'share', params: { feature, a: r4(f.shareA), b: r4(f.shareB) } },
  };
}
