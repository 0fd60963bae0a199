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
