-- Channels: a workspace's configured providers (an SMTP server, a Kavenegar account, a bot…).
-- One row per configured channel. Secrets (passwords, API keys) live only in `secrets`, sealed
-- with AES-256-GCM by platform/secrets.ts; `settings` holds what may be shown back to an admin.

create table channel_configs (
  id uuid primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  kind text not null,
  provider text not null,
  name text not null check (length(name) between 1 and 120),
  settings jsonb not null default '{}',
  -- the driver's secret fields as one sealed JSON object; null when the driver has none
  secrets text,
  enabled boolean not null default true,
  is_default boolean not null default false,
  status text not null default 'unverified' check (status in ('unverified', 'ok', 'failing')),
  status_message text,
  status_at timestamptz,
  -- the secret part of the public receipt URL {publicUrl}/hooks/channels/{id}/{webhook_token}
  webhook_token text not null,
  -- bumped by every change of settings or secrets: opened channels compare it before reuse
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name),
  -- the default is what the delivery pipeline opens; a disabled channel cannot be it
  check (enabled or not is_default)
);

-- At most one default per (workspace, kind); the store keeps exactly one among enabled ones.
create unique index channel_configs_one_default on channel_configs (workspace_id, kind) where is_default;
create index channel_configs_workspace on channel_configs (workspace_id, kind, created_at);
