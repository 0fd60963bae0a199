-- Rollups: per-customer facts that the full recompute reads instead of scanning every event and
-- order once per segment (src/segments/rollups.ts; docs/segments.md#rollups). One row in
-- segment_rollups per distinct condition the workspace's dynamic segments use; its facts go when
-- no segment uses the condition any more (on delete cascade).
create table segment_rollups (
  id bigserial primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  -- What is rolled up, as a stable key: 'orders', or an event condition's type, name and
  -- normalised property filters (plus the time zone of its days when it keeps per-day counts).
  signature text not null,
  spec jsonb not null,                          -- the same, as data (src/segments/rules/rollup-spec.ts)
  -- Start of the last transaction that re-read the raw rows received since the one before it
  -- (the late-row safety net of the full recompute).
  checked_at timestamptz not null default now(),
  unique (workspace_id, signature)
);

-- Purchases per customer: orders not cancelled nor fully refunded, as the order conditions count them.
create table segment_order_facts (
  rollup_id bigint not null references segment_rollups on delete cascade,
  customer_id uuid not null,                    -- no foreign key: see segment_members
  orders integer not null,
  spent_minor numeric not null,                 -- sum of total_minor - refunded_minor
  first_placed_at timestamptz not null,
  last_placed_at timestamptz not null,
  primary key (rollup_id, customer_id)
);

-- Events per customer that pass one event condition (only customers with at least one).
create table segment_event_facts (
  rollup_id bigint not null references segment_rollups on delete cascade,
  customer_id uuid not null,
  total integer not null,
  first_at timestamptz not null,
  last_at timestamptz not null,
  primary key (rollup_id, customer_id)
);

-- Per-day counts, only for conditions that count within a window ("at least 3 times in the last
-- 30 days"); days in the workspace's time zone named by the rollup's signature.
create table segment_event_days (
  rollup_id bigint not null references segment_rollups on delete cascade,
  customer_id uuid not null,
  day date not null,
  n integer not null,
  primary key (rollup_id, customer_id, day)
);
