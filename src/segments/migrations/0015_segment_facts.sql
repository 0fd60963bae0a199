-- Facts: per-customer figures the full recompute reads instead of scanning every event and order
-- once per segment (src/segments/facts.ts; docs/segments.md#facts). One row in segment_fact_sets
-- per distinct event condition (type, name, property filters) or 'orders' that the workspace's
-- dynamic segments use; its facts go with it (on delete cascade).
--
-- Unlogged: facts are a cache of the raw rows, rebuilt from them. No WAL for the millions of rows
-- a fill writes; after a crash (or on a promoted replica) the three tables are empty together, and
-- the next full recompute fills what its segments need, as for a new condition.
create unlogged table segment_fact_sets (
  id bigserial primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  signature text not null,                      -- 'orders', or the event condition as a JSON key
  spec jsonb not null,                          -- the same, as data (src/segments/rules/fact-spec.ts)
  -- Start of the transaction that last brought the facts up to date with the raw rows: the next
  -- full recompute re-reads the customers with rows received or changed since then (minus a
  -- margin for rows that committed late).
  checked_at timestamptz not null default now(),
  unique (workspace_id, signature)
);

-- Purchases per customer: orders not cancelled nor fully refunded (only customers with one).
create unlogged table segment_order_facts (
  set_id bigint not null references segment_fact_sets on delete cascade,
  customer_id uuid not null,                    -- no foreign key: see segment_members
  orders integer not null,
  spent_minor numeric not null,                 -- sum of total_minor - refunded_minor
  first_placed_at timestamptz not null,
  last_placed_at timestamptz not null,
  primary key (set_id, customer_id)
);

-- Events per customer that pass one event condition (only customers with at least one).
create unlogged table segment_event_facts (
  set_id bigint not null references segment_fact_sets on delete cascade,
  customer_id uuid not null,
  total integer not null,
  first_at timestamptz not null,
  last_at timestamptz not null,
  primary key (set_id, customer_id)
);
