/**
 * The 20 segments of bench/segments, each as rules (what Vafa compiles) and as a hand-written SQL
 * count of the same customers (the baseline). SQL parameters: $1 workspace, $2 today
 * (YYYY-MM-DD in the workspace's time zone), $3 the time zone, $4 the current Jalali month.
 */
type Rules = Record<string, unknown>;
const and = (...conditions: Rules[]): Rules => ({ type: 'group', op: 'and', conditions });
const or = (...conditions: Rules[]): Rules => ({ type: 'group', op: 'or', conditions });
const since = (days: number) => `(($2::date - ${days})::timestamp at time zone $3)`;
const live = `c.workspace_id = $1 and c.merged_into is null and c.erased_at is null`;
const buyers = (having: string, window = '') =>
  `select o.customer_id from orders o where o.workspace_id = $1 and o.status not in ('cancelled', 'refunded') ${window} group by o.customer_id having ${having}`;

export interface BenchSegment {
  name: string;
  rules: Rules;
  /** A count of the same customers, written by hand. */
  sql: string;
}

export const SEGMENTS: BenchSegment[] = [
  {
    name: 'Women in Tehran',
    rules: and({ type: 'profile', field: 'city', operator: 'equals', value: 'Tehran' }, { type: 'profile', field: 'gender', operator: 'equals', value: 'female' }),
    sql: `select count(*) from customers c where ${live} and c.city = 'Tehran' and c.gender = 'female'`,
  },
  { name: 'VIP', rules: and({ type: 'tag', operator: 'has', value: 'vip' }), sql: `select count(*) from customers c where ${live} and 'vip' = any(c.tags)` },
  {
    name: 'SMS reachable',
    rules: and({ type: 'consent', channel: 'sms', status: 'granted' }),
    sql: `select count(*) from customers c join customer_consents k on k.customer_id = c.id and k.channel = 'sms' and k.status = 'granted' where ${live}`,
  },
  {
    name: 'Email consent never asked',
    rules: and({ type: 'consent', channel: 'email', status: 'never_given' }),
    sql: `select count(*) from customers c left join customer_consents k on k.customer_id = c.id and k.channel = 'email' where ${live} and k.customer_id is null`,
  },
  { name: 'Gold plan', rules: and({ type: 'attribute', key: 'plan', operator: 'equals', value: 'gold' }), sql: `select count(*) from customers c where ${live} and c.attributes->>'plan' = 'gold'` },
  {
    name: 'Score 90+',
    rules: and({ type: 'attribute', key: 'score', operator: 'gte', value: 90 }),
    sql: `select count(*) from customers c where ${live} and (c.attributes->>'score')::numeric >= 90`,
  },
  {
    name: 'Viewed a product in 30 days',
    rules: and({ type: 'event', name: 'Product Viewed', operator: 'did', days: 30 }),
    sql: `select count(distinct e.customer_id) from events e join customers c on c.id = e.customer_id and ${live}
          where e.workspace_id = $1 and e.type = 'track' and e.name = 'Product Viewed' and e.occurred_at >= ${since(30)}`,
  },
  {
    name: 'Viewed 5+ products',
    rules: and({ type: 'event', name: 'Product Viewed', operator: 'did', count: { operator: 'at_least', value: 5 } }),
    sql: `select count(*) from (select e.customer_id from events e join customers c on c.id = e.customer_id and ${live}
          where e.workspace_id = $1 and e.type = 'track' and e.name = 'Product Viewed' group by e.customer_id having count(*) >= 5) x`,
  },
  {
    name: 'Cart, no order, 30 days',
    rules: and(
      { type: 'event', name: 'Added to Cart', operator: 'did', days: 30 },
      { type: 'event', name: 'Order Completed', operator: 'did_not', days: 30 },
    ),
    sql: `select count(*) from customers c where ${live}
          and exists (select 1 from events e where e.customer_id = c.id and e.workspace_id = $1 and e.type = 'track' and e.name = 'Added to Cart' and e.occurred_at >= ${since(30)})
          and not exists (select 1 from events e where e.customer_id = c.id and e.workspace_id = $1 and e.type = 'track' and e.name = 'Order Completed' and e.occurred_at >= ${since(30)})`,
  },
  {
    name: 'Shoe lovers',
    rules: and({
      type: 'event',
      name: 'Product Viewed',
      operator: 'did',
      count: { operator: 'at_least', value: 2 },
      properties: [{ path: 'category', operator: 'equals', value: 'shoes' }],
    }),
    sql: `select count(*) from (select e.customer_id from events e join customers c on c.id = e.customer_id and ${live}
          where e.workspace_id = $1 and e.type = 'track' and e.name = 'Product Viewed' and e.properties->>'category' = 'shoes' group by e.customer_id having count(*) >= 2) x`,
  },
  {
    name: 'Spent 300,000+',
    rules: and({ type: 'order', metric: 'total_spent', operator: 'gte', value: 300000 }),
    sql: `select count(*) from customers c where ${live} and c.id in (${buyers('sum(o.total_minor - o.refunded_minor) >= 300000')})`,
  },
  {
    name: 'One-time buyers',
    rules: and({ type: 'order', metric: 'order_count', operator: 'equals', value: 1 }),
    sql: `select count(*) from customers c where ${live} and c.id in (${buyers('count(*) = 1')})`,
  },
  {
    name: 'Never bought',
    rules: and({ type: 'order', metric: 'order_count', operator: 'equals', value: 0 }),
    sql: `select count(*) from customers c where ${live} and not exists (select 1 from orders o where o.customer_id = c.id and o.status not in ('cancelled', 'refunded'))`,
  },
  {
    name: 'Lapsed: last order 180+ days ago',
    rules: and({ type: 'order', metric: 'last_order_date', operator: 'more_than_days_ago', days: 180 }),
    sql: `select count(*) from customers c where ${live} and c.id in (${buyers(`max((o.placed_at at time zone $3)::date) < $2::date - 180`)})`,
  },
  {
    name: 'Champions and loyal',
    rules: and({ type: 'analytics', metric: 'rfm_segment', operator: 'in', values: ['champions', 'loyal'] }),
    sql: `select count(*) from customers c join analytics_customers a on a.customer_id = c.id and a.workspace_id = $1 where ${live} and a.segment in ('champions', 'loyal')`,
  },
  {
    name: 'High risk, high value',
    rules: and({ type: 'analytics', metric: 'churn_risk', operator: 'equals', value: 'high' }, { type: 'analytics', metric: 'predicted_clv', operator: 'gte', value: 200000 }),
    sql: `select count(*) from customers c join analytics_customers a on a.customer_id = c.id and a.workspace_id = $1 where ${live} and a.risk = 'high' and a.clv >= 200000`,
  },
  {
    name: 'Birthday this Jalali month',
    rules: and({ type: 'anniversary', field: 'birthday', operator: 'this_month', calendar: 'jalali' }),
    // $2 and $3 typed only because every count takes the parameters up to the highest it uses.
    sql: `select count(*) from customers c where ${live} and vafa_jalali_md(c.birthday) / 100 = $4::int and $2::date is not null and $3::text is not null`,
  },
  {
    name: 'Birthday in the next 7 days',
    rules: and({ type: 'anniversary', field: 'birthday', operator: 'within_next_days', days: 7, calendar: 'gregorian' }),
    sql: `select count(*) from customers c where ${live}
          and to_char(c.birthday, 'MMDD') in (select to_char(d, 'MMDD') from generate_series($2::date, $2::date + 7, interval '1 day') d)`,
  },
  {
    name: 'Signed up in 30 days',
    rules: and({ type: 'profile', field: 'created_at', operator: 'within_last_days', days: 30 }),
    sql: `select count(*) from customers c where ${live} and (c.created_at at time zone $3)::date between $2::date - 30 and $2::date`,
  },
  {
    name: 'Nested: reachable VIPs or outside the big cities with a low score',
    rules: or(
      and({ type: 'tag', operator: 'has', value: 'vip' }, { type: 'consent', channel: 'sms', status: 'granted' }),
      {
        type: 'group',
        op: 'or',
        not: true,
        conditions: [{ type: 'profile', field: 'city', operator: 'in', values: ['Tehran', 'Mashhad'] }, { type: 'attribute', key: 'score', operator: 'gte', value: 10 }],
      },
    ),
    sql: `select count(*) from customers c where ${live} and (
            ('vip' = any(c.tags) and exists (select 1 from customer_consents k where k.customer_id = c.id and k.channel = 'sms' and k.status = 'granted'))
            or (coalesce(c.city, '') not in ('Tehran', 'Mashhad') and coalesce((c.attributes->>'score')::numeric < 10, true)))`,
  },
];

/** The segment the latency probe watches: did "Bench Probe" today. */
export const PROBE: BenchSegment = {
  name: 'Probe',
  rules: and({ type: 'event', name: 'Bench Probe', operator: 'did', days: 1 }),
  sql: '',
};
