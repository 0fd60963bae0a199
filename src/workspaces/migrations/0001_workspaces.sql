-- Tenants, people, access. Every later table carries workspace_id.
create extension if not exists pg_trgm;

create table workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  name text,
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table memberships (
  workspace_id uuid not null references workspaces on delete cascade,
  user_id uuid not null references users on delete cascade,
  role text not null check (role in ('owner', 'admin', 'marketer', 'support', 'analyst')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index memberships_user on memberships (user_id);

-- A browser session: the cookie holds a random token, we keep only its hash.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  user_id uuid not null references users on delete cascade,
  workspace_id uuid not null references workspaces on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

-- Secret keys (server-to-server, carry a role) and public write keys (tracking only).
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  kind text not null check (kind in ('secret', 'write')),
  name text not null,
  role text check (role in ('owner', 'admin', 'marketer', 'support', 'analyst')),
  key_hash text not null unique,
  key_prefix text not null,
  created_by uuid references users on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  check ((kind = 'secret') = (role is not null))
);
create index api_keys_workspace on api_keys (workspace_id, created_at desc);

create table audit_log (
  id bigserial primary key,
  workspace_id uuid not null references workspaces on delete cascade,
  actor_type text not null check (actor_type in ('user', 'api_key', 'system')),
  actor_id text,
  actor_label text,
  action text not null,
  target_type text not null,
  target_id text,
  changes jsonb not null default '{}',
  request_id text,
  at timestamptz not null default now()
);
create index audit_log_workspace on audit_log (workspace_id, id desc);

-- Failed logins per email and per address, for throttling across all API processes.
create table login_attempts (
  id bigserial primary key,
  email text not null,
  ip text not null,
  succeeded boolean not null,
  at timestamptz not null default now()
);
create index login_attempts_email on login_attempts (email, at desc);
create index login_attempts_ip on login_attempts (ip, at desc);
