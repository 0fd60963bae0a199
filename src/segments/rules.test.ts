import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { dayNumber, isoDay, todayIn } from '../analytics/periods.ts';
import { loadAnalyticsContext } from '../analytics/settings.ts';
import { addCustomer, addOrders } from '../analytics/testing.ts';
import { gregorianToJalali, jalaliToGregorian } from '../platform/calendar/jalali.ts';
import { jalaliDaysLiteral } from './rules/anniversary.ts';
import { createTestApp } from '../testing/harness.ts';
import { factSetsNeeded, prepareFacts } from './facts.ts';
import { compileRules, liveCustomers, loadRuleContext } from './rules/compile.ts';
import type { RuleGroup } from './rules/schema.ts';
import { SharedJoins } from './rules/shared-joins.ts';

// Every condition kind, evaluated by the real compiler against real PostgreSQL through the preview route.
const t = await createTestApp({ VAFA_SEGMENTS_TICK_MS: '0', VAFA_SEGMENTS_RECOMPUTE_MS: '0' });
const ws = await t.workspace();
const today = todayIn((await loadAnalyticsContext(t.db, ws.id)).timezone);
const daysAgo = (n: number) => isoDay(dayNumber(today) - n);

for (const def of [
  { key: 'plan', label: 'Plan', type: 'enum', options: ['gold', 'free'] },
  { key: 'score', label: 'Score', type: 'number' },
  { key: 'active', label: 'Active', type: 'boolean' },
  { key: 'renewal', label: 'Renewal', type: 'date' },
  { key: 'pets', label: 'Pets', type: 'list' },
  { key: 'nickname', label: 'Nickname', type: 'string' },
]) {
  const res = await ws.api.post('/api/v1/attribute-definitions', def);
  assert.equal(res.statusCode, 201, res.body);
}

const sara = await addCustomer(ws.api, {
  externalId: 'a',
  firstName: 'Sara',
  city: 'Tehran',
  emails: ['sara@example.com'],
  phones: ['09121234567'],
  birthday: '1990-03-20',
  gender: 'female',
  tags: ['vip'],
  attributes: { plan: 'gold', score: 42, active: true, renewal: '2030-12-01', pets: ['cat', 'dog'], nickname: "O'Brien 100%" },
});
const ali = await addCustomer(ws.api, { externalId: 'b', firstName: 'Ali', city: 'Shiraz', gender: 'male', attributes: { plan: 'free', score: 7, active: false } });
await addCustomer(ws.api, { externalId: 'c', firstName: 'Cyrus' });
for (const [id, status] of [
  [sara, 'granted'],
  [ali, 'revoked'],
] as const) {
  assert.equal((await ws.api.put(`/api/v1/customers/${id}/consents/sms`, { status })).statusCode, 200);
}

const batch = async (messages: Record<string, unknown>[]) => {
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ writeKey: ws.writeKey, batch: messages }) });
  assert.equal(res.statusCode, 200, res.body);
};
let seq = 0;
const track = (userId: string, event: string, properties: Record<string, unknown>, daysBack = 0) => ({
  type: 'track',
  userId,
  event,
  properties,
  messageId: `m-${++seq}`,
  timestamp: `${daysAgo(daysBack)}T12:00:00Z`,
});
await batch([
  track('a', 'Product Viewed', { category: 'shoes', price: 100, product: { brand: 'Acme' }, tags: ['sale'] }),
  track('a', 'Product Viewed', { category: 'shoes', price: 20 }),
  track('a', 'Product Viewed', { category: 'hats', price: 5 }),
  track('b', 'Product Viewed', { category: 'bags', price: 60 }),
  track('b', 'Signed Up', {}, 40),
]);
await addOrders(t.db, ws.id, [
  { customerId: sara, on: daysAgo(2), total: 5000 },
  { customerId: sara, on: daysAgo(100), total: 3000 },
  { customerId: ali, on: daysAgo(1), total: 900, status: 'cancelled' },
]);
await sql`insert into analytics_customers (workspace_id, customer_id, first_day, last_day, orders, purchase_days, revenue_minor, repeat_revenue_minor,
                                           r, f, m, segment, p_alive, expected_purchases, clv, risk, churn_probability)
          values (${ws.id}, ${sara}, ${daysAgo(100)}, ${daysAgo(2)}, 2, 2, 8000, 5000, 5, 4, 5, 'champions', 0.93, 1.7, 12000, 'low', 0.05)`.execute(t.db);

type Rules = Record<string, unknown>;
const group = (conditions: Rules[], op: 'and' | 'or' = 'and', not = false): Rules => ({ type: 'group', op, ...(not ? { not } : {}), conditions });

/** External ids of the customers `conditions` match (ANDed), via the preview route. */
async function match(...conditions: Rules[]): Promise<string[]> {
  const res = await ws.api.post('/api/v1/segments/preview', { rules: group(conditions) });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { count: number; sample: { customerId: string }[] };
  const ids = await t.db.selectFrom('customers').select('external_id').where('id', 'in', body.sample.length ? body.sample.map((s) => s.customerId) : ['00000000-0000-0000-0000-000000000000']).execute();
  assert.equal(body.count, body.sample.length);
  const viaPreview = ids.map((r) => r.external_id ?? '?').sort();
  // The incremental pass compiles the same rules for a few customers (correlated sub-queries): same answer.
  const everyone = (await t.db.selectFrom('customers').select('id').where('workspace_id', '=', ws.id).execute()).map((r) => r.id);
  const ctx = { ...(await loadRuleContext(t.db, ws.id, 'IR')), customerIds: everyone };
  const incremental = await sql<{ external_id: string }>`
    select c.external_id from customers c where ${liveCustomers(ws.id)} and c.id = any(${everyone}::uuid[])
      and ${compileRules(group(conditions) as unknown as RuleGroup, ctx)}`.execute(t.db);
  assert.deepEqual(incremental.rows.map((r) => r.external_id).sort(), viaPreview, 'incremental form agrees');
  // The full recompute's form: facts (filled here) and sub-tables joined once per customer.
  const rules = group(conditions) as unknown as RuleGroup;
  const base = await loadRuleContext(t.db, ws.id, 'IR');
  const joins = new SharedJoins();
  const { slots: facts } = await prepareFacts(t.db, ws.id, factSetsNeeded([rules]));
  const predicate = compileRules(rules, { ...base, facts, joins });
  const onePass = await sql<{ external_id: string }>`
    select c.external_id from customers c ${joins.clauses()} where ${liveCustomers(ws.id)} and ${predicate}`.execute(t.db);
  assert.deepEqual(onePass.rows.map((r) => r.external_id).sort(), viaPreview, 'one-pass form over facts agrees');
  return viaPreview;
}

async function rejects(rules: Rules, field: string) {
  const res = await ws.api.post('/api/v1/segments/preview', { rules });
  assert.equal(res.statusCode, 400, res.body);
  assert.equal(res.json().error.field, field, res.body);
}

const profile = (field: string, operator: string, rest: Rules = {}) => ({ type: 'profile', field, operator, ...rest });
const attribute = (key: string, operator: string, rest: Rules = {}) => ({ type: 'attribute', key, operator, ...rest });

describe('profile conditions', () => {
  test('given text fields, when compared, then equals/contains/starts/in/is set match and the negations include customers without a value', async () => {
    assert.deepEqual(await match(profile('city', 'equals', { value: 'Tehran' })), ['a']);
    assert.deepEqual(await match(profile('city', 'not_equals', { value: 'Tehran' })), ['b', 'c']);
    assert.deepEqual(await match(profile('first_name', 'contains', { value: 'AR' })), ['a']);
    assert.deepEqual(await match(profile('first_name', 'starts_with', { value: 'Cy' })), ['c']);
    assert.deepEqual(await match(profile('first_name', 'ends_with', { value: 'li' })), ['b']);
    assert.deepEqual(await match(profile('city', 'in', { values: ['Shiraz', 'Tabriz'] })), ['b']);
    assert.deepEqual(await match(profile('city', 'not_in', { values: ['Shiraz'] })), ['a', 'c']);
    assert.deepEqual(await match(profile('city', 'is_not_set')), ['c']);
    assert.deepEqual(await match(profile('gender', 'equals', { value: 'female' })), ['a']);
  });

  test('given list, date and boolean fields, then emails and phones match in any typed form, dates compare by day', async () => {
    assert.deepEqual(await match(profile('emails', 'contains', { value: 'SARA@example.com ' })), ['a']);
    assert.deepEqual(await match(profile('phones', 'contains', { value: '+98 912 123 4567' })), ['a']);
    assert.deepEqual(await match(profile('emails', 'is_set')), ['a']);
    assert.deepEqual(await match(profile('birthday', 'before', { value: '2000-01-01' })), ['a']);
    assert.deepEqual(await match(profile('birthday', 'between', { from: '1990-03-20', to: '1990-03-20' })), ['a']);
    assert.deepEqual(await match(profile('created_at', 'within_last_days', { days: 1 })), ['a', 'b', 'c']);
    assert.deepEqual(await match(profile('created_at', 'more_than_days_ago', { days: 1 })), []);
    assert.deepEqual(await match(profile('anonymous', 'is_false')), ['a', 'b', 'c']);
  });
});

describe('custom attribute conditions', () => {
  test('given typed attributes, then each type has its operators', async () => {
    assert.deepEqual(await match(attribute('plan', 'equals', { value: 'gold' })), ['a']);
    assert.deepEqual(await match(attribute('score', 'gt', { value: 10 })), ['a']);
    assert.deepEqual(await match(attribute('score', 'between', { from: 5, to: 10 })), ['b']);
    assert.deepEqual(await match(attribute('score', 'is_not_set')), ['c']);
    assert.deepEqual(await match(attribute('active', 'is_true')), ['a']);
    assert.deepEqual(await match(attribute('active', 'is_false')), ['b']);
    assert.deepEqual(await match(attribute('renewal', 'after', { value: '2030-01-01' })), ['a']);
    assert.deepEqual(await match(attribute('pets', 'contains', { value: 'cat' })), ['a']);
    assert.deepEqual(await match(attribute('pets', 'in', { values: ['fish', 'dog'] })), ['a']);
    assert.deepEqual(await match(attribute('pets', 'is_not_set')), ['b', 'c']);
    assert.deepEqual(await match(attribute('nickname', 'contains', { value: "'Brien 100%" })), ['a'], 'quote and % are literal');
    assert.deepEqual(await match(attribute('nickname', 'contains', { value: '_' })), [], '_ is not a wildcard');
  });

  test('given an unknown attribute, an operator that does not suit its type or an option it lacks, then 400 names the field', async () => {
    await rejects(group([profile('city', 'is_set'), attribute('nope', 'is_set')]), 'rules.conditions.1.key');
    await rejects(group([attribute('score', 'contains', { value: 'x' })]), 'rules.conditions.0.operator');
    await rejects(group([attribute('plan', 'equals', { value: 'platinum' })]), 'rules.conditions.0.value');
    await rejects(group([attribute('score', 'gt', { value: 'ten' })]), 'rules.conditions.0.value');
  });
});

describe('consent, tags, events', () => {
  test('given consents on sms, then granted, revoked and never given each match their customers', async () => {
    assert.deepEqual(await match({ type: 'consent', channel: 'sms', status: 'granted' }), ['a']);
    assert.deepEqual(await match({ type: 'consent', channel: 'sms', status: 'revoked' }), ['b']);
    assert.deepEqual(await match({ type: 'consent', channel: 'sms', status: 'never_given' }), ['c']);
    assert.deepEqual(await match({ type: 'consent', channel: 'email', status: 'never_given' }), ['a', 'b', 'c']);
  });

  test('given tags, then has and has not', async () => {
    assert.deepEqual(await match({ type: 'tag', operator: 'has', value: 'vip' }), ['a']);
    assert.deepEqual(await match({ type: 'tag', operator: 'has_not', value: 'vip' }), ['b', 'c']);
  });

  test('given events, then did / did not, counts, windows and property filters', async () => {
    const ev = (rest: Rules) => ({ type: 'event', name: 'Product Viewed', operator: 'did', ...rest });
    assert.deepEqual(await match(ev({})), ['a', 'b']);
    assert.deepEqual(await match(ev({ operator: 'did_not' })), ['c']);
    assert.deepEqual(await match(ev({ count: { operator: 'at_least', value: 2 } })), ['a']);
    assert.deepEqual(await match(ev({ count: { operator: 'at_most', value: 1 } })), ['b'], 'at most: 1..n times');
    assert.deepEqual(await match(ev({ count: { operator: 'exactly', value: 3 } })), ['a']);
    assert.deepEqual(await match(ev({ operator: 'did_not', count: { operator: 'at_least', value: 2 } })), ['b', 'c']);
    assert.deepEqual(await match(ev({ name: 'Signed Up', days: 30 })), [], 'the sign-up was 40 days ago');
    assert.deepEqual(await match(ev({ name: 'Signed Up' })), ['b']);
    assert.deepEqual(await match(ev({ properties: [{ path: 'category', operator: 'equals', value: 'bags' }] })), ['b']);
    assert.deepEqual(await match(ev({ properties: [{ path: 'price', operator: 'gte', value: 60 }] })), ['a', 'b']);
    assert.deepEqual(await match(ev({ properties: [{ path: 'product.brand', operator: 'equals', value: 'Acme' }] })), ['a']);
    assert.deepEqual(await match(ev({ properties: [{ path: 'tags', operator: 'contains', value: 'sale' }] })), ['a']);
    assert.deepEqual(await match(ev({ properties: [{ path: 'category', operator: 'contains', value: 'HAT' }] })), ['a']);
    assert.deepEqual(
      await match(ev({ count: { operator: 'at_least', value: 2 }, properties: [{ path: 'category', operator: 'equals', value: 'shoes' }, { path: 'price', operator: 'lt', value: 50 }] })),
      [],
      'all filters must hold on the same event',
    );
  });
});

describe('orders and analytics outputs', () => {
  test('given orders, then spent, count, average and dates; cancelled orders do not count and no orders means 0', async () => {
    const order = (metric: string, operator: string, rest: Rules = {}) => ({ type: 'order', metric, operator, ...rest });
    assert.deepEqual(await match(order('total_spent', 'gte', { value: 8000 })), ['a']);
    assert.deepEqual(await match(order('total_spent', 'lt', { value: 100 })), ['b', 'c']);
    assert.deepEqual(await match(order('order_count', 'equals', { value: 0 })), ['b', 'c']);
    assert.deepEqual(await match(order('order_count', 'equals', { value: 1, windowDays: 30 })), ['a']);
    assert.deepEqual(await match(order('average_order', 'equals', { value: 4000 })), ['a']);
    assert.deepEqual(await match(order('last_order_date', 'within_last_days', { days: 7 })), ['a']);
    assert.deepEqual(await match(order('first_order_date', 'more_than_days_ago', { days: 50 })), ['a']);
    assert.deepEqual(await match(order('last_order_date', 'is_not_set')), ['b', 'c']);
  });

  test('given analytics scores, then RFM segment, risk, P(alive) and CLV; unscored customers match only the negations', async () => {
    const a = (metric: string, operator: string, rest: Rules = {}) => ({ type: 'analytics', metric, operator, ...rest });
    assert.deepEqual(await match(a('rfm_segment', 'equals', { value: 'champions' })), ['a']);
    assert.deepEqual(await match(a('churn_risk', 'not_equals', { value: 'low' })), ['b', 'c']);
    assert.deepEqual(await match(a('p_alive', 'gte', { value: 0.9 })), ['a']);
    assert.deepEqual(await match(a('predicted_clv', 'between', { from: 10000, to: 20000 })), ['a']);
    assert.deepEqual(await match(a('expected_purchases', 'is_not_set')), ['b', 'c']);
    assert.deepEqual(await match(a('rfm_segment', 'in', { values: ['lost', 'at_risk'] })), []);
    await rejects(group([a('rfm_segment', 'equals', { value: 'royalty' })]), 'rules.conditions.0.value');
  });
});

describe('anniversaries in the Jalali and Gregorian calendars', () => {
  test('given the SQL Jalali conversion, then it agrees with the tested JavaScript one on every day of 1900–2100', async () => {
    const rows = await sql<{ d: string; md: number }>`
      select d::date::text as d, vafa_jalali_md(d::date) as md from generate_series('1900-01-01'::date, '2100-12-31'::date, '1 day') d`.execute(t.db);
    let wrong = 0;
    for (const r of rows.rows) {
      const [y, m, d] = r.d.split('-').map(Number) as [number, number, number];
      const j = gregorianToJalali(y, m, d);
      if (r.md !== j.month * 100 + j.day) wrong++;
    }
    assert.equal(rows.rows.length, 73_414);
    assert.equal(wrong, 0);
  });

  test('given Jalali month-days as day ranges, then a date lies in them exactly when vafa_jalali_md names one of them (1830–2257)', async () => {
    // Every month, a window across Nowruz with Esfand 29 and 30 (1230 exists in leap years only), and one day.
    const keySets = [...Array.from({ length: 12 }, (_, i) => Array.from({ length: 31 }, (_, d) => (i + 1) * 100 + d + 1)), [1228, 1229, 1230, 101, 102], [715]];
    for (const keys of keySets) {
      const r = await sql<{ wrong: number; hits: number }>`
        select count(*) filter (where (d <@ ${jalaliDaysLiteral(keys)}::datemultirange) is distinct from coalesce(vafa_jalali_md(d) = any(${keys}::int[]), false))::int as wrong,
               count(*) filter (where d <@ ${jalaliDaysLiteral(keys)}::datemultirange)::int as hits
          from generate_series('1830-01-01'::date, '2257-12-31'::date, '1 day') g(t), lateral (select t::date as d) x`.execute(t.db);
      assert.equal(r.rows[0]?.wrong, 0, `keys ${keys[0]}…`);
      assert.ok((r.rows[0]?.hits ?? 0) > 0);
    }
  });

  test('given birthdays, then today, within the next days and this month match in either calendar', async () => {
    const ws2 = await t.workspace();
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    const minusYears = (iso: string, years: number) => `${Number(iso.slice(0, 4)) - years}${iso.slice(4)}`.replace(/-02-29$/, '-02-28');
    const j = gregorianToJalali(y, m, d);
    const jalaliBirthday = (month: number) => {
      const g = jalaliToGregorian(j.year - 30, month, 15);
      return `${g.year}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`;
    };
    const born = [
      ['today', minusYears(today, 30)],
      ['in2days', minusYears(isoDay(dayNumber(today) + 2), 25)],
      ['jalaliThisMonth', jalaliBirthday(j.month)],
      ['jalaliNextMonth', jalaliBirthday((j.month % 12) + 1)],
    ] as const;
    for (const [externalId, birthday] of born) await addCustomer(ws2.api, { externalId, birthday });
    const names = async (condition: Rules) => {
      const res = await ws2.api.post('/api/v1/segments/preview', { rules: group([condition]) });
      assert.equal(res.statusCode, 200, res.body);
      const ids = res.json().sample.map((s: { customerId: string }) => s.customerId) as string[];
      return (await t.db.selectFrom('customers').select('external_id').where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']).execute()).map((r) => r.external_id).sort();
    };
    const ann = (operator: string, rest: Rules = {}) => ({ type: 'anniversary', field: 'birthday', operator, ...rest });
    assert.deepEqual(await names(ann('today', { calendar: 'gregorian' })), ['today']);
    assert.ok((await names(ann('within_next_days', { days: 2, calendar: 'gregorian' }))).includes('in2days'));
    assert.ok(!(await names(ann('within_next_days', { days: 1, calendar: 'gregorian' }))).includes('in2days'));
    const jalaliMonth = await names(ann('this_month', { calendar: 'jalali' }));
    assert.ok(jalaliMonth.includes('jalaliThisMonth') && !jalaliMonth.includes('jalaliNextMonth'), jalaliMonth.join());
    const nextMonth = await names(ann('month_is', { calendar: 'jalali', value: (j.month % 12) + 1 }));
    assert.ok(nextMonth.includes('jalaliNextMonth') && !nextMonth.includes('jalaliThisMonth'), nextMonth.join());
    assert.ok((await names(ann('this_month', { calendar: 'gregorian' }))).includes('today'));
    assert.ok((await names({ type: 'anniversary', field: 'created_at', operator: 'today' })).length === 4, 'everyone signed up today');
  });
});

describe('groups and safety', () => {
  test('given nested AND / OR / NOT, then they combine as written; an empty AND is everyone, an empty OR no one', async () => {
    const vip = { type: 'tag', operator: 'has', value: 'vip' };
    const shiraz = profile('city', 'equals', { value: 'Shiraz' });
    assert.deepEqual(await match(group([vip, shiraz], 'or')), ['a', 'b']);
    assert.deepEqual(await match(group([vip, shiraz], 'or', true)), ['c']);
    assert.deepEqual(await match(group([group([vip, shiraz], 'or'), group([profile('first_name', 'equals', { value: 'Ali' })], 'and', true)])), ['a']);
    assert.deepEqual(await match(group([])), ['a', 'b', 'c']);
    assert.deepEqual(await match(group([], 'or')), []);
    let deep: Rules = group([vip]);
    for (let i = 0; i < 6; i++) deep = group([deep]);
    await rejects(deep, 'rules.conditions.0.conditions.0.conditions.0.conditions.0.conditions.0.conditions.0');
  });

  test('given SQL injection in every string a rule carries, then it is data: 200 or 400, never an error, and nothing changes', async () => {
    const evil = ["'; drop table customers; --", "x') or true --", "a' or '1'='1", '$1', '\\\'; select pg_sleep(5); --'];
    for (const s of evil) {
      const cases: Rules[] = [
        profile('city', 'equals', { value: s }),
        profile('city', 'contains', { value: s }),
        profile('city', 'in', { values: [s, 'Teh'] }),
        profile('emails', 'contains', { value: s }),
        profile('phones', 'contains', { value: s }),
        profile('birthday', 'on', { value: s }),
        attribute('nickname', 'starts_with', { value: s }),
        attribute('pets', 'contains', { value: s }),
        attribute(s, 'is_set'),
        { type: 'tag', operator: 'has', value: s },
        { type: 'event', name: s, operator: 'did' },
        { type: 'event', name: 'Product Viewed', operator: 'did', properties: [{ path: 'category', operator: 'equals', value: s }] },
        { type: 'event', name: 'Product Viewed', operator: 'did', properties: [{ path: 'category', operator: 'contains', value: s }] },
        { type: 'event', name: 'Product Viewed', operator: 'did', properties: [{ path: s, operator: 'exists' }] },
        { type: 'consent', channel: s, status: 'granted' },
        { type: 'analytics', metric: 'rfm_segment', operator: 'equals', value: s },
        { type: 'anniversary', field: 'attribute', key: s, operator: 'today' },
      ];
      for (const c of cases) {
        const res = await ws.api.post('/api/v1/segments/preview', { rules: group([c]) });
        assert.ok(res.statusCode === 200 || res.statusCode === 400, `${res.statusCode} ${res.body}`);
        if (res.statusCode === 200) assert.equal(res.json().count, 0, JSON.stringify(c));
      }
    }
    assert.deepEqual(await match(), ['a', 'b', 'c'], 'every customer is still there');
  });
});
