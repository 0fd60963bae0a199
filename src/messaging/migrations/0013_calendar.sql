-- The communication calendar (issue 5, point 7): the "not contacted for N days" alert.
-- Contacts themselves are not stored again: they are read from messages (sent and later),
-- notes and done tasks (see src/messaging/calendar/contacts.ts).

-- One alert per workspace: customers silent for `days` (on `channel`, or any channel; within
-- `segment_id`, or everyone) get a task assigned to `assignee_id`.
create table contact_alerts (
  workspace_id uuid primary key references workspaces on delete cascade,
  enabled boolean not null default true,
  days integer not null check (days between 1 and 3650),
  channel text,
  -- No foreign key: a deleted segment must not silently widen the alert to every customer; the
  -- alert then matches nobody (segment_members is gone) until it is changed.
  segment_id uuid,
  assignee_id uuid references users on delete set null,
  last_run_at timestamptz,
  updated_at timestamptz not null default now()
);
-- The scheduler's claim: enabled alerts not run lately.
create index contact_alerts_due on contact_alerts (last_run_at nulls first) where enabled;

-- One row per crossing: a customer whose silence began at `silent_since` (their last contact, or
-- their creation when never contacted) crossed the threshold. The key makes a second run, or a
-- concurrent one, create no second task for the same silence; a new contact starts a new one.
create table contact_alert_crossings (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  silent_since timestamptz not null,
  task_id uuid references tasks on delete set null,
  created_at timestamptz not null default clock_timestamp(),
  primary key (customer_id, silent_since)
);
create index contact_alert_crossings_workspace on contact_alert_crossings (workspace_id, created_at desc);
