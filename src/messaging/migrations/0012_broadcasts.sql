-- Broadcasts and RSS newsletters (issue 5, point 5): one message (or A/B variants) to a segment's
-- members through the outbox, and feeds that turn new items into broadcasts on a schedule.

create table broadcasts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  name text not null,
  -- No foreign key: deleting a segment must not fail or erase the history of what was sent to it.
  segment_id uuid not null,
  -- [{ key: 'A', templateId, weight }, …] in key order, 1–4 entries.
  variants jsonb not null,
  holdout_percent numeric(5, 2) not null default 0,
  channels text[] not null default '{}',
  category text not null check (category in ('marketing', 'transactional')),
  priority smallint not null default 5,
  topic text,
  max_per_minute integer,
  goal_event text not null default 'Order Completed',
  goal_days integer not null default 7,
  variables jsonb not null default '{}',
  language text,
  status text not null default 'draft' check (status in ('draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
  send_at timestamptz,
  started_at timestamptz,
  -- The audience snapshot (broadcast_recipients) was taken.
  snapshot_at timestamptz,
  audience_count integer,
  holdout_count integer not null default 0,
  -- Enqueue progress: the last recipient (customer id) whose message exists, and how many exist;
  -- each batch advances both in the transaction that enqueues it.
  enqueue_cursor uuid,
  enqueued_count integer not null default 0,
  -- Which process enqueues, until when (renewed per batch; an expired lease is taken over).
  enqueue_owner text,
  enqueue_lease timestamptz,
  enqueued_at timestamptz,
  finished_at timestamptz,
  paused_at timestamptz,
  cancelled_at timestamptz,
  newsletter_id uuid,
  created_by text not null,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
create index broadcasts_list on broadcasts (workspace_id, created_at desc, id desc);
-- The scheduler's work: due scheduled broadcasts, sends still enqueueing or waiting to finish.
create index broadcasts_active on broadcasts (send_at) where status in ('scheduled', 'sending');

-- The audience, snapshotted when the send starts: one row per member, its variant (or holdout)
-- and its message once enqueued. `outcome` says why a recipient has no message by design.
create table broadcast_recipients (
  broadcast_id uuid not null references broadcasts on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  workspace_id uuid not null,
  variant text not null check (variant in ('A', 'B', 'C', 'D', 'holdout')),
  message_id uuid,
  outcome text check (outcome in ('holdout', 'topic-opt-out', 'broadcast-cancelled')),
  primary key (broadcast_id, customer_id)
);
create index broadcast_recipients_variant on broadcast_recipients (broadcast_id, variant);

create table newsletters (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  name text not null,
  feed_url text not null,
  -- { frequency: 'daily' | 'weekly', dayOfWeek?: 0–6, time: 'HH:MM' } in the workspace timezone.
  schedule jsonb not null,
  segment_id uuid not null,
  template_id uuid not null,
  channels text[] not null default '{}',
  priority smallint not null default 5,
  topic text,
  max_items integer not null default 10,
  active boolean not null default true,
  next_run_at timestamptz,
  last_run_at timestamptz,
  -- The newest item already sent, and the ids sent at or after it (items without dates, and
  -- items sharing that instant, are told apart by id).
  last_item_at timestamptz,
  seen_ids text[] not null default '{}',
  last_broadcast_id uuid,
  last_error text,
  created_by text not null,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
create index newsletters_list on newsletters (workspace_id, created_at desc, id desc);
create index newsletters_due on newsletters (next_run_at) where active;
