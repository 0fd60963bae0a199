-- Journeys (issue 6): definitions and their versions, each customer's durable run, the step log
-- that makes every step's side effects happen once, and the engine's own outboxes.

create table journeys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  name text not null,
  description text,
  status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'archived')),
  -- The graph being edited (a draft) or the latest version's (src/journeys/model/schema.ts).
  definition jsonb not null,
  -- Latest activated version; 0 while a draft. Runs name the version they follow.
  version integer not null default 0,
  trigger_kind text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- First activation: the triggers only consider what happened from then on.
  activated_at timestamptz,
  paused_at timestamptz,
  archived_at timestamptz
);
create index journeys_workspace on journeys (workspace_id, created_at desc, id desc);
create index journeys_live on journeys (workspace_id) where status in ('active', 'paused');

-- Every activated definition, immutable: runs on an older version keep following it.
create table journey_versions (
  journey_id uuid not null references journeys on delete cascade,
  version integer not null,
  workspace_id uuid not null,
  definition jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (journey_id, version)
);

-- One customer's way through one journey. `wake_at` is when the engine next looks at it: the
-- entry time for a run ready to go, the end of a wait (or a wait-for-event's timeout). Only
-- active runs are in the due index, ordered by wake_at: a million runs waiting for next week are
-- never read until then.
create table journey_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  journey_id uuid not null references journeys on delete cascade,
  version integer not null,
  customer_id uuid not null references customers on delete cascade,
  status text not null check (status in ('active', 'paused', 'completed', 'exited')),
  current_step text,
  -- ready: current_step runs at wake_at; waiting: current_step is a wait that ends at wake_at
  -- (or earlier, when resolved_port is set by the event it waited for).
  phase text not null default 'ready' check (phase in ('ready', 'waiting')),
  wake_at timestamptz,
  wait_event text,
  wait_since timestamptz,
  resolved_port text,
  -- How often the run arrived at each step (the "visit" of the step log and idempotency keys).
  visits jsonb not null default '{}',
  -- What started it (the event's properties, the product id, the API caller's context).
  context jsonb not null default '{}',
  -- Unique per journey: the event, segment history row or API key that started it.
  entry_key text not null,
  holdout boolean not null default false,
  entered_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  exit_reason text,
  errors integer not null default 0,
  last_error text,
  goal_at timestamptz,
  goal_revenue bigint,
  goal_currency text,
  unique (journey_id, entry_key)
);
create index journey_runs_due on journey_runs (wake_at) where status = 'active';
create index journey_runs_waiting on journey_runs (workspace_id, wait_event, customer_id) where wait_event is not null;
create index journey_runs_customer on journey_runs (customer_id, entered_at desc);
create index journey_runs_reentry on journey_runs (journey_id, customer_id, entered_at desc);
create index journey_runs_list on journey_runs (journey_id, entered_at desc, id desc);
create index journey_runs_goal on journey_runs (workspace_id, customer_id) where goal_at is null;

-- One row per run × step × visit, written in the transaction that ran the step and moved the
-- run past it: the key can only be written once, so no step runs twice, whatever crashes.
create table journey_step_log (
  run_id uuid not null references journey_runs on delete cascade,
  step_id text not null,
  visit integer not null,
  workspace_id uuid not null,
  journey_id uuid not null,
  customer_id uuid not null,
  version integer not null,
  kind text not null,
  port text,
  detail jsonb not null default '{}',
  occurred_at timestamptz not null default clock_timestamp(),
  primary key (run_id, step_id, visit)
);
create index journey_step_log_customer on journey_step_log (customer_id, occurred_at desc);
create index journey_step_log_journey on journey_step_log (journey_id, step_id);

-- Which outbox messages a journey sent: pause and archive hold or skip them (the delivery worker
-- knows nothing of journeys, as it knows nothing of broadcasts).
create table journey_messages (
  message_id uuid primary key references messages on delete cascade,
  journey_id uuid not null references journeys on delete cascade,
  run_id uuid not null,
  step_id text not null,
  created_at timestamptz not null default now()
);
create index journey_messages_journey on journey_messages (journey_id);

-- Outgoing webhook calls of webhook steps: written with the step, delivered by the engine with
-- the idempotency key as a header, retried with backoff (at-least-once with the same key).
create table journey_webhooks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  journey_id uuid not null references journeys on delete cascade,
  run_id uuid not null,
  step_id text not null,
  idempotency_key text not null unique,
  url text not null,
  method text not null,
  headers jsonb not null default '{}',
  body jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_at timestamptz not null,
  locked_until timestamptz,
  response_status integer,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index journey_webhooks_due on journey_webhooks (next_at) where status = 'pending';

-- How far each workspace's event and segment-history tails have read.
create table journey_watermarks (
  workspace_id uuid primary key references workspaces on delete cascade,
  events_at timestamptz not null,
  segments_at timestamptz not null
);

-- Per workspace: how many journeys one customer may be in at once.
create table journey_settings (
  workspace_id uuid primary key references workspaces on delete cascade,
  max_active_per_customer integer not null
);
