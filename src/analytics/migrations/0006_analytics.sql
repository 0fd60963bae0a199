-- Analytics: per-workspace settings and the snapshot a background refresh rebuilds from orders.
-- Readers only ever see a whole snapshot: a refresh replaces a workspace's rows in one transaction.

create table analytics_settings (
  workspace_id uuid primary key references workspaces on delete cascade,
  active_days integer not null default 90 check (active_days between 1 and 3650),
  calendar text not null default 'gregorian' check (calendar in ('gregorian', 'jalali')),
  horizon_days integer not null default 365 check (horizon_days between 7 and 3650),
  discount_rate double precision not null default 0.1 check (discount_rate between 0 and 1),
  preferred_model text not null default 'bgnbd' check (preferred_model in ('bgnbd', 'paretonbd')),
  churn_label_attribute text,
  focus jsonb,
  refresh_minutes integer not null default 15 check (refresh_minutes between 1 and 1440),
  updated_at timestamptz not null default now()
);

-- One row per workspace: the refresh queue and the last run's outcome.
create table analytics_runs (
  workspace_id uuid primary key references workspaces on delete cascade,
  requested_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  as_of timestamptz,
  orders_watermark text,
  error text,
  stats jsonb not null default '{}'
);

-- Per customer with at least one counted order (not cancelled, not wholly refunded).
-- Days are the workspace's local days; x/t_x/T of the models are in days.
-- No foreign keys on the per-customer snapshot tables: a refresh rewrites up to millions of rows,
-- and per-row integrity checks made that insert twice as slow. Readers join `customers`, and the
-- next refresh drops rows of customers that left (whoever adds workspace deletion deletes these too).
create table analytics_customers (
  workspace_id uuid not null,
  customer_id uuid not null,
  first_day date not null,
  last_day date not null,
  orders integer not null,
  purchase_days integer not null,
  revenue_minor bigint not null,
  repeat_revenue_minor bigint not null,
  r smallint not null,
  f smallint not null,
  m smallint not null,
  segment text not null,
  p_alive double precision,
  expected_purchases double precision,
  expected_spend double precision,
  clv double precision,
  clv_at_risk double precision,
  risk text check (risk in ('low', 'medium', 'high')),
  churn_probability double precision,
  primary key (workspace_id, customer_id)
);
create index analytics_customers_segment on analytics_customers (workspace_id, segment, revenue_minor desc, customer_id);
-- One index per sort of the scored list (top-N without sorting a million rows).
create index analytics_customers_at_risk on analytics_customers (workspace_id, clv_at_risk desc nulls last, customer_id);
create index analytics_customers_clv on analytics_customers (workspace_id, clv desc nulls last, customer_id);
create index analytics_customers_revenue on analytics_customers (workspace_id, revenue_minor desc nulls last, customer_id);
create index analytics_customers_recent on analytics_customers (workspace_id, last_day desc nulls last, customer_id);

-- Additive figures per local day, and how many customers were active at the end of that day.
create table analytics_daily (
  workspace_id uuid not null references workspaces on delete cascade,
  day date not null,
  orders integer not null,
  revenue_minor bigint not null,
  purchasers integer not null,
  new_customers integer not null,
  active_customers integer not null,
  primary key (workspace_id, day)
);

-- Acquisition cohorts × periods since acquisition, for both calendars and week/month/quarter/year.
-- repeat_customers: of `customers`, those who bought on two or more days within that period.
create table analytics_cohorts (
  workspace_id uuid not null references workspaces on delete cascade,
  calendar text not null,
  grain text not null,
  cohort date not null,
  period_offset integer not null,
  customers integer not null,
  revenue_minor bigint not null,
  repeat_customers integer not null,
  primary key (workspace_id, calendar, grain, cohort, period_offset)
);

-- Fitted models and their diagnostics (kind: transactions, spend, churn).
create table analytics_models (
  workspace_id uuid not null references workspaces on delete cascade,
  kind text not null,
  result jsonb not null,
  fitted_at timestamptz not null default now(),
  primary key (workspace_id, kind)
);

-- "Bought together": pair rules over order baskets, and the item neighbours recommendations use.
create table analytics_product_pairs (
  workspace_id uuid not null references workspaces on delete cascade,
  product_a text not null,
  product_b text not null,
  orders integer not null,
  support double precision not null,
  confidence double precision not null,
  lift double precision not null,
  primary key (workspace_id, product_a, product_b)
);
create index analytics_product_pairs_lift on analytics_product_pairs (workspace_id, lift desc, confidence desc);

-- The refresh worker's "did orders change?" check: the newest update, found in the index.
create index orders_updated on orders (workspace_id, updated_at);

-- The period scans of live KPIs (segment, tag or channel scope) read only this index.
create index orders_analytics on orders (workspace_id, placed_at) include (customer_id, total_minor, refunded_minor, status, currency);

-- Subscription churn model scores (contractual businesses): P(churn) of every labelled-or-not
-- customer, customers without orders included.
create table analytics_churn_scores (
  workspace_id uuid not null,
  customer_id uuid not null,
  probability double precision not null,
  primary key (workspace_id, customer_id)
);
create index analytics_churn_scores_top on analytics_churn_scores (workspace_id, probability desc);
