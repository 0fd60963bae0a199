-- Derived journey triggers (src/journeys/engine/derived/): each active journey of a derived kind
-- (date, inactivity, cart and browse abandonment, product back in stock / price drop, VIP order)
-- is scanned periodically. One row per journey says when it was last scanned (on the engine's
-- clock) and how far it read; an engine claims the row FOR UPDATE SKIP LOCKED, so two engines
-- never scan the same journey at once.
create table journey_scans (
  journey_id uuid primary key references journeys on delete cascade,
  workspace_id uuid not null references workspaces on delete cascade,
  -- The engine's clock at the last scan: the next one is due scanEveryMs later.
  scanned_at timestamptz,
  -- How far the last scan read: moments up to this time (inactivity, abandonment, on the engine's
  -- clock), or rows changed up to this time (stock changes, orders, on the database's clock).
  -- The next scan re-reads a little before it (rows commit late); entry keys make that free.
  cursor_at timestamptz
);

-- Birthdays: the date scan asks for the ~130 birth dates whose anniversary is today (one per year).
create index customers_birthday on customers (workspace_id, birthday) where birthday is not null and merged_into is null;

-- Back in stock / price drop: the changes since the scan's cursor (the existing index is per product).
create index product_stock_changes_changed on product_stock_changes (workspace_id, changed_at);
