-- The delivery pipeline (issue 5, points 4 and 6): settings, addresses, suppressions, the outbox.

-- One row per workspace; absent = the defaults in src/messaging/delivery/settings.ts.
create table messaging_settings (
  workspace_id uuid primary key references workspaces on delete cascade,
  settings jsonb not null,
  updated_at timestamptz not null default now()
);

-- Where to reach a customer on kinds without a profile column (chat ids, push subscriptions, a
-- WhatsApp number other than phones[0]). One address per customer and kind.
create table customer_addresses (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  kind text not null,
  address text not null,
  status text not null default 'active' check (status in ('active', 'invalid')),
  updated_at timestamptz not null default now(),
  primary key (customer_id, kind)
);
-- Inbound messages find their customer by (kind, address).
create index customer_addresses_lookup on customer_addresses (workspace_id, kind, address);

-- Addresses a provider told us never to use again. Keyed by the address, so a new phone number
-- is not blocked by the old one's blacklisting. Blocks transactional messages too.
create table suppressions (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  kind text not null,
  address text not null,
  reason text not null check (reason in ('blocked', 'blacklisted', 'unsubscribed', 'invalid-address')),
  message_id uuid,
  created_at timestamptz not null default now(),
  primary key (customer_id, kind, address)
);

-- The outbox: one row per (recipient × message). The row id is the idempotency key drivers pass
-- to providers, so a retry after a crash is deduplicated where the provider supports it.
create table messages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  idempotency_key text not null,
  broadcast_id uuid,
  category text not null check (category in ('marketing', 'transactional')),
  priority smallint not null default 5,
  -- Allowed kinds in preference order; empty = "auto" (the customer's learned preference).
  channels text[] not null default '{}',
  template_id text,
  content jsonb,
  variables jsonb not null default '{}',
  language text,
  status text not null check (status in ('queued', 'scheduled', 'sending', 'sent', 'delivered', 'read', 'failed', 'suppressed', 'skipped')),
  reason text,
  not_before timestamptz not null default now(),
  attempts integer not null default 0,
  locked_until timestamptz,
  locked_by text,
  channel text,
  -- The address it was handed over to (suppressions from later receipts apply to it).
  address text,
  config_id uuid,
  provider text,
  provider_message_id text,
  error text,
  -- When this message took a frequency-cap slot (set on 'sending'; released on failure).
  slot_at timestamptz,
  polled_at timestamptz,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp(),
  sent_at timestamptz,
  unique (workspace_id, idempotency_key)
);
-- The worker's claim: due messages, highest priority first.
create index messages_due on messages (not_before, priority desc) where status in ('queued', 'scheduled');
-- Leases that expired mid-send (a crashed worker).
create index messages_leases on messages (locked_until) where status = 'sending';
create index messages_list on messages (workspace_id, created_at desc, id desc);
create index messages_customer on messages (customer_id, created_at desc, id desc);
create index messages_receipts on messages (config_id, provider_message_id) where provider_message_id is not null;
-- Frequency caps count a customer's marketing slots in a window.
create index messages_slots on messages (customer_id, slot_at) where slot_at is not null;
create index messages_broadcast on messages (broadcast_id, status) where broadcast_id is not null;

-- Every status change of a message, receipts included.
create table message_events (
  id bigserial primary key,
  message_id uuid not null references messages on delete cascade,
  status text not null,
  reason text,
  detail jsonb not null default '{}',
  occurred_at timestamptz not null default clock_timestamp()
);
create index message_events_message on message_events (message_id, id);

-- What customers sent us (replies, STOP keywords), for the timeline.
create table inbound_messages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid references customers on delete cascade,
  config_id uuid not null,
  kind text not null,
  sender text not null,
  body text not null,
  provider_message_id text,
  stop boolean not null default false,
  received_at timestamptz not null,
  created_at timestamptz not null default clock_timestamp()
);
create unique index inbound_messages_dedup on inbound_messages (config_id, provider_message_id) where provider_message_id is not null;
create index inbound_messages_customer on inbound_messages (customer_id, received_at desc);

-- A circuit breaker per configured channel: open after consecutive retryable failures; while
-- open, that channel's messages wait and one probe is let through at probe_at.
create table channel_breakers (
  config_id uuid primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  failures integer not null default 0,
  opened_at timestamptz,
  probe_at timestamptz,
  last_error text
);
