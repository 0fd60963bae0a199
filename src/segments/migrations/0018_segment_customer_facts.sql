-- One row per customer holding all its facts (src/segments/facts.ts; docs/segments.md#facts): the
-- full recompute's one scan of the customers left-joins this once instead of once per fact set
-- (five event sets and the orders were six hash joins at a million customers: most of the scan).
--
-- Event sets are numbered per workspace (`slot`, from 1; the orders set has 0): a set's figures sit
-- at that index of the arrays below. Arrays rather than a column per set: sets come and go with the
-- segments, and reading an element of a short array costs about what reading a column does
-- (measured: docs/benchmarks.md, segments).
--
-- The fact sets filled before this migration have no slot: dropped (a cache, with their rows), the
-- next full recompute fills them again.
delete from segment_fact_sets;
alter table segment_fact_sets add column slot integer not null;
alter table segment_fact_sets add constraint segment_fact_sets_slot unique (workspace_id, slot);

-- Unlogged like the per-set tables of 0015, which it is rebuilt from: after a crash all of them are
-- empty together, so every set is filled again and this table rebuilt with them.
create unlogged table segment_customer_facts (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null,                    -- no foreign key: see segment_members
  -- By event set slot: events passing the set's condition, and the last one's time; null where the
  -- customer has none (or no set has that slot). The first time is kept in segment_event_facts
  -- only: no condition reads it.
  totals integer[] not null,
  lasts timestamptz[] not null,
  -- The orders set (segment_order_facts); null: no purchases.
  orders integer,
  spent_minor numeric,
  first_placed_at timestamptz,
  last_placed_at timestamptz,
  primary key (workspace_id, customer_id)
);
