-- Intake: Segment-compatible events, identities, orders, products.

-- A profile made from an anonymousId alone (a visitor) until identify tells who it is.
alter table customers add column anonymous boolean not null default false;

-- Device/browser ids that point at a customer (userId is customers.external_id).
create table customer_identities (
  workspace_id uuid not null references workspaces on delete cascade,
  anonymous_id text not null,
  customer_id uuid not null references customers on delete cascade,
  created_at timestamptz not null default now(),
  primary key (workspace_id, anonymous_id)
);
create index customer_identities_customer on customer_identities (customer_id);

-- Idempotency per (workspace, messageId): an event is stored once however often it is sent.
create table event_ids (
  workspace_id uuid not null,
  message_id text not null,
  primary key (workspace_id, message_id)
);

-- Append-only, partitioned by month of occurred_at (partitions are created on demand).
create table events (
  workspace_id uuid not null,
  id uuid not null,
  message_id text not null,
  customer_id uuid not null,
  type text not null check (type in ('identify', 'track', 'page', 'screen', 'group', 'alias')),
  name text,
  properties jsonb not null default '{}',
  context jsonb not null default '{}',
  anonymous_id text,
  user_id text,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now()
) partition by range (occurred_at);
create index events_customer on events (customer_id, occurred_at desc, id desc);
create index events_name on events (workspace_id, name, occurred_at);
create index events_received on events (workspace_id, received_at desc);

-- The properties seen per event name and their JSON types: what the console shows as a schema.
create table event_properties (
  workspace_id uuid not null references workspaces on delete cascade,
  event_type text not null,
  event_name text not null,
  property text not null,
  json_type text not null,
  seen bigint not null default 0,
  first_seen timestamptz not null default now(),
  last_seen timestamptz not null default now(),
  primary key (workspace_id, event_type, event_name, property, json_type)
);

create table products (
  workspace_id uuid not null references workspaces on delete cascade,
  id text not null,
  sku text,
  name text,
  category text,
  price_minor bigint,
  currency text,
  in_stock boolean,
  stock_quantity integer,
  url text,
  image_url text,
  properties jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);

-- Every change of availability or price: back-in-stock and price-drop triggers read this.
create table product_stock_changes (
  id bigserial primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  product_id text not null,
  in_stock boolean,
  stock_quantity integer,
  price_minor bigint,
  previous_in_stock boolean,
  previous_price_minor bigint,
  source text not null,
  changed_at timestamptz not null default now()
);
create index product_stock_changes_product on product_stock_changes (workspace_id, product_id, changed_at desc);

-- Money is integer minor units of `currency` (IRR in rials: 1 toman = 10 rials).
create table orders (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  external_id text not null,
  status text not null default 'completed' check (status in ('completed', 'partially_refunded', 'refunded', 'cancelled')),
  currency text not null,
  total_minor bigint not null,
  refunded_minor bigint not null default 0,
  discount_minor bigint,
  shipping_minor bigint,
  tax_minor bigint,
  coupon text,
  placed_at timestamptz not null,
  source text not null,
  properties jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, external_id)
);
create index orders_customer on orders (customer_id, placed_at desc);
create index orders_workspace_placed on orders (workspace_id, placed_at);

create table order_lines (
  order_id uuid not null references orders on delete cascade,
  line_no integer not null,
  workspace_id uuid not null,
  product_id text,
  sku text,
  name text,
  category text,
  quantity numeric not null default 1,
  price_minor bigint,
  primary key (order_id, line_no)
);
create index order_lines_product on order_lines (workspace_id, product_id);

-- Unmerge needs both sides as they were, and which rows moved.
alter table customer_merges add column primary_snapshot jsonb;
alter table customer_merges add column undone_at timestamptz;

-- Creates the month's partition of events if missing; serialised so concurrent callers agree.
create function vafa_ensure_events_partition(p_month date) returns void language plpgsql as $$
declare
  part text := 'events_' || to_char(p_month, 'YYYY_MM');
begin
  perform pg_advisory_xact_lock(hashtext('vafa_events_partition'));
  if to_regclass(part) is null then
    execute format('create table %I partition of events for values from (%L) to (%L)', part,
                   p_month::timestamp at time zone 'UTC', (p_month + interval '1 month')::timestamp at time zone 'UTC');
  end if;
end $$;

-- Stores a batch whose reads the intake predicted (src/tracking/fast-path.ts, steady traffic):
-- checks each prediction in this snapshot — every userId/anonymousId still points at the given
-- customer, the identified customers' and the products' rows are unchanged (md5 of the row),
-- the display currency and attribute definitions are as given — and only if all hold, creates
-- the customers of the batch's new lone ids (a first page view: an anonymousId never seen, or a
-- userId never seen and not paired with another id), claims the messageIds and appends the
-- events. A function so that its statements are planned once per connection rather than once
-- per batch. p_events is a JSON array of rows
-- [message_id, customer_id, type, name, properties, context, anonymous_id, user_id, occurred_at].
-- ok = false: a prediction was stale and nothing was written. claimed: the messageIds stored,
-- or null when every one was (the others had been stored before). A new id that a concurrent
-- batch created first raises SQLSTATE VF001 (the statement, and so everything, is undone).
create function vafa_store_predicted_batch(
  p_workspace uuid,
  p_users text[], p_user_customers uuid[],
  p_anons text[], p_anon_customers uuid[],
  p_customers uuid[], p_customer_fingerprints text[],
  p_products text[], p_product_fingerprints text[],
  p_currency text, p_definitions text,
  p_new_users text[], p_new_user_customers uuid[], p_new_user_search text[],
  p_new_anons text[], p_new_anon_customers uuid[], p_anon_search text,
  p_events jsonb,
  out ok boolean, out claimed text[]
) language plpgsql as $$
declare
  created int;
begin
  ok := (select count(*) filter (where c.merged_into is null and c.id = p_user_customers[array_position(p_users, c.external_id)])
         from customers c where c.workspace_id = p_workspace and c.external_id = any(p_users)) = cardinality(p_users)
    and (select count(*) from customer_identities i
         where i.workspace_id = p_workspace and i.anonymous_id = any(p_anons)
           and i.customer_id = p_anon_customers[array_position(p_anons, i.anonymous_id)]) = cardinality(p_anons)
    and (select count(*) from customers c
         where c.id = any(p_customers) and md5(c::text) = p_customer_fingerprints[array_position(p_customers, c.id)]) = cardinality(p_customers)
    and (select count(*) from products r
         where r.workspace_id = p_workspace and r.id = any(p_products)
           and md5(r::text) = p_product_fingerprints[array_position(p_products, r.id)]) = cardinality(p_products)
    and exists (select 1 from workspaces w where w.id = p_workspace and w.settings->>'displayCurrency' is not distinct from p_currency)
    and (p_definitions is null or p_definitions = (
      select md5(coalesce(string_agg(d.key || ':' || d.type || ':' || d.options::text, ',' order by d.key), ''))
      from attribute_definitions d where d.workspace_id = p_workspace));
  if not ok then
    return;
  end if;

  if cardinality(p_new_users) + cardinality(p_new_anons) > 0 then
    insert into customers (id, workspace_id, external_id, anonymous, search_text)
    select x.id, p_workspace, x.u, false, x.s from unnest(p_new_user_customers, p_new_users, p_new_user_search) as x(id, u, s)
    on conflict (workspace_id, external_id) do nothing;
    get diagnostics created = row_count;
    if created < cardinality(p_new_users) then
      raise exception 'a new userId of the batch was created concurrently' using errcode = 'VF001';
    end if;
    insert into customers (id, workspace_id, anonymous, search_text)
    select id, p_workspace, true, p_anon_search from unnest(p_new_anon_customers) as id;
    insert into customer_identities (workspace_id, anonymous_id, customer_id)
    select p_workspace, y.a, y.id from unnest(p_new_anons, p_new_anon_customers) as y(a, id)
    on conflict (workspace_id, anonymous_id) do nothing;
    get diagnostics created = row_count;
    if created < cardinality(p_new_anons) then
      raise exception 'a new anonymousId of the batch was linked concurrently' using errcode = 'VF001';
    end if;
    insert into customer_activity (workspace_id, customer_id, action, data, actor_label)
    select p_workspace, x.id, 'created', jsonb_build_object('source', 'tracking', 'userId', x.u), 'identity resolution'
    from unnest(p_new_user_customers, p_new_users) as x(id, u)
    union all
    select p_workspace, id, 'created', '{"source": "tracking", "anonymous": true}', 'identity resolution'
    from unnest(p_new_anon_customers) as id;
  end if;

  with fresh as (
    insert into event_ids (workspace_id, message_id)
    select p_workspace, e->>0 from jsonb_array_elements(p_events) e
    on conflict do nothing returning message_id
  ), stored as (
    insert into events (workspace_id, id, message_id, customer_id, type, name, properties, context, anonymous_id, user_id, occurred_at)
    select p_workspace, gen_random_uuid(), e->>0, (e->>1)::uuid, e->>2, e->>3, e->4, e->5, e->>6, e->>7, (e->>8)::timestamptz
    from jsonb_array_elements(p_events) e join fresh f on f.message_id = e->>0
    returning events.message_id
  )
  select case when count(*) < jsonb_array_length(p_events) then coalesce(array_agg(s.message_id), '{}') end into claimed from stored s;
end $$;
