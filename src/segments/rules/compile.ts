import { sql, type RawBuilder } from 'kysely';
import { todayIn } from '../../analytics/periods.ts';
import { loadAnalyticsContext } from '../../analytics/settings.ts';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { toE164 } from '../../platform/text/phone.ts';
import { anniversaryPredicate, type CalendarKind } from './anniversary.ts';
import { compare, holdsForNoRows, matchesMissing, type Predicate } from './compare.ts';
import { eventFactSpec, eventReadsFacts, ORDERS_SIGNATURE, orderReadsFacts, signatureOf } from './fact-spec.ts';
import { eventFromFacts, orderFromFacts } from './from-facts.ts';
import {
  analyticsEnumValues,
  analyticsMetrics,
  MAX_DEPTH,
  orderMetrics,
  profileFields,
  type AnalyticsCondition,
  type AnniversaryCondition,
  type AttributeCondition,
  type Condition,
  type EventCondition,
  type OrderCondition,
  type ProfileCondition,
  type PropertyFilter,
  type Rule,
  type RuleGroup,
  type ValueType,
} from './schema.ts';
import type { SharedJoins } from './shared-joins.ts';

/**
 * Rules → one SQL predicate over `customers c`. Values are always bind parameters; column names
 * come from the fixed maps below, custom attributes are read as `c.attributes -> $key`. Sub-table
 * conditions (events, orders, consents, scores) are `c.id [not] in (select customer_id …)`, which
 * PostgreSQL runs as one hashed pass over the table for a full recompute. The incremental pass
 * sets `customerIds` (it evaluates a few customers): they become sub-queries correlated on
 * `c.id`, each a lookup in the table's per-customer index.
 */
export interface RuleContext {
  workspaceId: string;
  timezone: string;
  calendar: CalendarKind;
  /** Today in the workspace's time zone (YYYY-MM-DD). */
  today: string;
  attributes: ReadonlyMap<string, { type: ValueType; options: readonly string[] }>;
  defaultCountry: string;
  /** Set when only these customers are evaluated (the caller restricts `c` to them). */
  customerIds?: readonly string[] | undefined;
  /**
   * Set by the one-pass recompute of a workspace (../recompute-all.ts): sub-tables (facts,
   * consents, scores) are left-joined once to `c` and shared by every condition reading them.
   */
  joins?: SharedJoins | undefined;
  /**
   * With `joins`: fact sets to read instead of the raw events and orders, signature
   * (./fact-spec.ts) → slot (../facts.ts). A condition whose fact set is not here reads the raw rows.
   */
  facts?: ReadonlyMap<string, number> | undefined;
}

export async function loadRuleContext(db: Db, workspaceId: string, defaultCountry: string, now = new Date()): Promise<RuleContext> {
  const settings = await loadAnalyticsContext(db, workspaceId);
  const defs = await db.selectFrom('attribute_definitions').select(['key', 'type', 'options']).where('workspace_id', '=', workspaceId).execute();
  return {
    workspaceId,
    timezone: settings.timezone,
    calendar: settings.calendar,
    today: todayIn(settings.timezone, now),
    attributes: new Map(defs.map((d) => [d.key, { type: d.type, options: d.options }])),
    defaultCountry,
  };
}

const genders = ['female', 'male', 'other', 'unknown'] as const;

/** Built-in profile columns: the only identifiers a rule can name. */
function profileColumn(field: ProfileCondition['field'], ctx: RuleContext): RawBuilder<unknown> {
  switch (field) {
    case 'created_at':
      return sql`(c.created_at at time zone ${ctx.timezone}::text)::date`;
    case 'updated_at':
      return sql`(c.updated_at at time zone ${ctx.timezone}::text)::date`;
    default:
      return sql.ref(`c.${field}`);
  }
}

/** Days before today at the workspace's midnight: "within the last N days" includes today. */
const sinceDays = (days: number, ctx: RuleContext) => sql`((${ctx.today}::date - ${days}::int)::timestamp at time zone ${ctx.timezone}::text)`;

export function compileRules(rules: RuleGroup, ctx: RuleContext, path = 'rules'): Predicate {
  return compileRule(rules, ctx, path, 1);
}

function compileRule(rule: Rule, ctx: RuleContext, path: string, depth: number): Predicate {
  if (rule.type !== 'group') return compileCondition(rule, ctx, path);
  if (depth > MAX_DEPTH) throw invalid(path, `groups nest at most ${MAX_DEPTH} deep`);
  const parts = rule.conditions.map((r, i) => compileRule(r, ctx, `${path}.conditions.${i}`, depth + 1));
  const joined =
    parts.length === 0 ? (rule.op === 'and' ? sql<boolean>`true` : sql<boolean>`false`) : sql<boolean>`(${sql.join(parts, rule.op === 'and' ? sql` and ` : sql` or `)})`;
  return rule.not ? sql<boolean>`(not ${joined})` : joined;
}

function compileCondition(c: Condition, ctx: RuleContext, path: string): Predicate {
  switch (c.type) {
    case 'profile':
      return compileProfile(c, ctx, path);
    case 'attribute':
      return compileAttribute(c, ctx, path);
    case 'consent': {
      if (ctx.joins && !ctx.customerIds) {
        // (customer, channel) is the table's key: at most one row joins.
        const k = ctx.joins.alias(`consent:${c.channel}`, (a) => sql`left join customer_consents ${a}
          on ${a}.customer_id = c.id and ${a}.channel = ${c.channel}::text and ${a}.workspace_id = ${ctx.workspaceId}::uuid`);
        return c.status === 'never_given' ? sql<boolean>`(${k}.customer_id is null)` : sql<boolean>`coalesce(${k}.status = ${c.status}::text, false)`;
      }
      if (ctx.customerIds) {
        const status = c.status === 'never_given' ? sql`` : sql` and cc.status = ${c.status}::text`;
        const found = sql<boolean>`exists (select 1 from customer_consents cc where cc.customer_id = c.id and cc.channel = ${c.channel}::text${status})`;
        return c.status === 'never_given' ? sql<boolean>`(not ${found})` : found;
      }
      const ofChannel = sql`select cc.customer_id from customer_consents cc
        where cc.workspace_id = ${ctx.workspaceId}::uuid and cc.channel = ${c.channel}::text`;
      return c.status === 'never_given'
        ? sql<boolean>`(c.id not in (${ofChannel}))`
        : sql<boolean>`(c.id in (${ofChannel} and cc.status = ${c.status}::text))`;
    }
    case 'tag': {
      const has = sql<boolean>`(c.tags @> array[${c.value}::text])`;
      return c.operator === 'has' ? has : sql<boolean>`(not ${has})`;
    }
    case 'event':
      return compileEvent(c, ctx, path);
    case 'order':
      return compileOrder(c, ctx, path);
    case 'analytics':
      return compileAnalytics(c, ctx, path);
    case 'anniversary':
      return compileAnniversary(c, ctx, path);
  }
}

function compileProfile(c: ProfileCondition, ctx: RuleContext, path: string): Predicate {
  const type = profileFields[c.field];
  const normalise =
    c.field === 'emails'
      ? (v: string) => v.trim().toLowerCase()
      : c.field === 'phones'
        ? (v: string) => {
            const e164 = toE164(v, ctx.defaultCountry);
            return e164.ok ? e164.value : v;
          }
        : undefined;
  return compare(profileColumn(c.field, ctx), type, c, path, ctx, { options: c.field === 'gender' ? genders : undefined, normalise });
}

function compileAttribute(c: AttributeCondition, ctx: RuleContext, path: string): Predicate {
  const def = ctx.attributes.get(c.key);
  if (!def) throw invalid(`${path}.key`, `no custom attribute ${JSON.stringify(c.key)} is defined in this workspace`);
  const raw = sql`(c.attributes -> ${c.key}::text)`;
  const text = sql`(c.attributes ->> ${c.key}::text)`;
  const expr =
    def.type === 'number'
      ? sql`(case when jsonb_typeof(${raw}) = 'number' then (${text})::numeric end)`
      : def.type === 'boolean'
        ? sql`(case when jsonb_typeof(${raw}) = 'boolean' then (${text})::boolean end)`
        : def.type === 'date'
          ? sql`vafa_segment_date(${text})`
          : def.type === 'list'
            ? raw
            : text;
  return compare(expr, def.type, c, path, ctx, { options: def.type === 'enum' ? def.options : undefined, jsonList: def.type === 'list' });
}

/** One property filter over the events row `e`. */
export function propertyFilter(f: PropertyFilter): Predicate {
  const keys = f.path.split('.');
  const json = sql`(e.properties #> ${keys}::text[])`;
  const text = sql`(e.properties #>> ${keys}::text[])`;
  const asJson = JSON.stringify(f.value ?? null);
  switch (f.operator) {
    case 'exists':
      return sql<boolean>`(${json} is not null)`;
    case 'not_exists':
      return sql<boolean>`(${json} is null)`;
    case 'equals':
      return sql<boolean>`coalesce(${json} = ${asJson}::jsonb, false)`;
    case 'not_equals':
      return sql<boolean>`(${json} is distinct from ${asJson}::jsonb)`;
    case 'contains': {
      const pattern = `%${String(f.value).replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      return sql<boolean>`coalesce(case jsonb_typeof(${json}) when 'array' then ${json} @> jsonb_build_array(${asJson}::jsonb)
        when 'string' then ${text} ilike ${pattern}::text else false end, false)`;
    }
    default: {
      const op = { gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[f.operator];
      return sql<boolean>`coalesce(case when jsonb_typeof(${json}) = 'number' then (${text})::numeric ${op} ${Number(f.value)}::numeric else false end, false)`;
    }
  }
}

function compileEvent(c: EventCondition, ctx: RuleContext, _path: string): Predicate {
  const slot = ctx.joins && !ctx.customerIds && eventReadsFacts(c) ? ctx.facts?.get(signatureOf(eventFactSpec(c))) : undefined;
  if (slot !== undefined && ctx.joins) return eventFromFacts(c, slot, { ...ctx, joins: ctx.joins }, (days) => sinceDays(days, ctx));
  const filters = (c.properties ?? []).map((f) => sql` and ${propertyFilter(f)}`);
  const where = sql`e.workspace_id = ${ctx.workspaceId}::uuid and e.type = ${c.eventType ?? 'track'}::text and e.name = ${c.name}::text
    ${c.days !== undefined ? sql`and e.occurred_at >= ${sinceDays(c.days, ctx)}` : sql``}${sql.join(filters, sql``)}`;
  const op = c.count ? { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.count.operator] : undefined;
  let did: Predicate;
  if (ctx.customerIds) {
    // A few customers: their own events, through events_customer.
    const times = sql`(select count(*) from events e where e.customer_id = c.id and ${where})`;
    did = !c.count
      ? sql<boolean>`exists (select 1 from events e where e.customer_id = c.id and ${where})`
      : c.count.operator === 'at_most'
        ? sql<boolean>`(${times} between 1 and ${c.count.value}::int)`
        : sql<boolean>`(${times} ${op} ${c.count.value}::int)`;
  } else {
    // Everyone: one pass over the event name's rows, hashed.
    did = c.count
      ? sql<boolean>`(c.id in (select e.customer_id from events e where ${where} group by e.customer_id having count(*) ${op} ${c.count.value}::int))`
      : sql<boolean>`(c.id in (select e.customer_id from events e where ${where}))`;
  }
  return c.operator === 'did' ? did : sql<boolean>`(not ${did})`;
}

function compileOrder(c: OrderCondition, ctx: RuleContext, path: string): Predicate {
  const type = orderMetrics[c.metric];
  const net = sql`(o.total_minor - o.refunded_minor)`;
  const day = sql`(o.placed_at at time zone ${ctx.timezone}::text)::date`;
  const figure = {
    total_spent: sql`sum(${net})`,
    order_count: sql`count(*)`,
    average_order: sql`avg(${net})`,
    last_order_date: sql`max(${day})`,
    first_order_date: sql`min(${day})`,
  }[c.metric];
  const holds = compare(figure, type, c, path, ctx);
  // Cancelled and fully refunded orders are not purchases.
  const where = sql`o.workspace_id = ${ctx.workspaceId}::uuid and o.status not in ('cancelled', 'refunded')
    ${c.windowDays !== undefined ? sql`and o.placed_at >= ${sinceDays(c.windowDays, ctx)}` : sql``}`;
  // A customer without orders has 0 orders and 0 spent: "spent < 100" includes them.
  const empty = holdsForNoRows(c.metric === 'order_count' || c.metric === 'total_spent' ? 0 : null, c);
  const readsFacts = ctx.joins && !ctx.customerIds && orderReadsFacts(c) && ctx.facts?.has(ORDERS_SIGNATURE);
  if (readsFacts && ctx.joins) return orderFromFacts(c, empty, { ...ctx, joins: ctx.joins }, path);
  if (ctx.customerIds) {
    return sql<boolean>`coalesce((select ${holds} from orders o where o.customer_id = c.id and ${where} having count(*) > 0), ${empty}::boolean)`;
  }
  const grouped = sql`select o.customer_id from orders o where ${where} group by o.customer_id`;
  return empty ? sql<boolean>`(c.id not in (${grouped} having not ${holds}))` : sql<boolean>`(c.id in (${grouped} having ${holds}))`;
}

const analyticsColumns = {
  rfm_segment: sql`a.segment`,
  churn_risk: sql`a.risk`,
  churn_probability: sql`a.churn_probability`,
  p_alive: sql`a.p_alive`,
  predicted_clv: sql`a.clv`,
  expected_purchases: sql`a.expected_purchases`,
  rfm_recency: sql`a.r`,
  rfm_frequency: sql`a.f`,
  rfm_monetary: sql`a.m`,
} as const satisfies Record<keyof typeof analyticsMetrics, RawBuilder<unknown>>;

function compileAnalytics(c: AnalyticsCondition, ctx: RuleContext, path: string): Predicate {
  const options = c.metric === 'rfm_segment' || c.metric === 'churn_risk' ? analyticsEnumValues[c.metric] : undefined;
  const holds = compare(analyticsColumns[c.metric], analyticsMetrics[c.metric], c, path, ctx, { options });
  const missing = matchesMissing(c.operator);
  if (ctx.joins && !ctx.customerIds) {
    // One row per (workspace, customer): joined once, aliased `a` as the raw form reads it.
    ctx.joins.alias('analytics', () => sql`left join analytics_customers a on a.workspace_id = ${ctx.workspaceId}::uuid and a.customer_id = c.id`);
    return sql<boolean>`(case when a.customer_id is null then ${missing}::boolean else ${holds} end)`;
  }
  if (ctx.customerIds) {
    return sql<boolean>`coalesce((select ${holds} from analytics_customers a where a.workspace_id = ${ctx.workspaceId}::uuid and a.customer_id = c.id), ${missing}::boolean)`;
  }
  const scored = sql`select a.customer_id from analytics_customers a where a.workspace_id = ${ctx.workspaceId}::uuid`;
  // Customers never scored (no orders) have no value: "risk is not high" includes them.
  return missing ? sql<boolean>`(c.id not in (${scored} and not ${holds}))` : sql<boolean>`(c.id in (${scored} and ${holds}))`;
}

function compileAnniversary(c: AnniversaryCondition, ctx: RuleContext, path: string): Predicate {
  let date: RawBuilder<unknown>;
  if (c.field === 'birthday') date = sql`c.birthday`;
  else if (c.field === 'created_at') date = sql`(c.created_at at time zone ${ctx.timezone}::text)::date`;
  else {
    const key = c.key ?? '';
    const def = ctx.attributes.get(key);
    if (!def) throw invalid(`${path}.key`, `no custom attribute ${JSON.stringify(key)} is defined in this workspace`);
    if (def.type !== 'date') throw invalid(`${path}.key`, `${key} is a ${def.type} attribute, not a date`);
    date = sql`vafa_segment_date(c.attributes ->> ${key}::text)`;
  }
  return anniversaryPredicate(date, c.operator, { calendar: c.calendar ?? ctx.calendar, today: ctx.today, days: c.days, month: c.value });
}

/** Customers of the workspace that count: not merged into another profile, not erased. */
export const liveCustomers = (workspaceId: string) => sql<boolean>`(c.workspace_id = ${workspaceId}::uuid and c.merged_into is null and c.erased_at is null)`;

/** What a rule reads besides the profile: the incremental pass re-evaluates a segment only for changes of these. */
export interface RuleInputs {
  /** Event names its event conditions count. */
  events: Set<string>;
  orders: boolean;
  consents: boolean;
}

export function inputsOf(rule: Rule, into: RuleInputs = { events: new Set(), orders: false, consents: false }): RuleInputs {
  if (rule.type === 'group') for (const r of rule.conditions) inputsOf(r, into);
  else if (rule.type === 'event') into.events.add(rule.name);
  else if (rule.type === 'order') into.orders = true;
  else if (rule.type === 'consent') into.consents = true;
  return into;
}
