-- The 360° profile.
create table customers (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  external_id text,
  first_name text,
  last_name text,
  emails text[] not null default '{}',
  phones text[] not null default '{}',           -- E.164
  birthday date,
  gender text check (gender in ('female', 'male', 'other', 'unknown')),
  city text,
  language text,
  timezone text,
  job text,
  income_band text,
  interests text[] not null default '{}',
  challenges text[] not null default '{}',
  attributes jsonb not null default '{}',
  tags text[] not null default '{}',
  -- Normalised (ی/ک, digits, ZWNJ, case) names, emails, ids and phone forms: what ?q= searches.
  search_text text not null default '',
  merged_into uuid references customers,
  erased_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, external_id)
);
create index customers_list on customers (workspace_id, created_at desc, id desc) where merged_into is null;
create index customers_updated on customers (workspace_id, updated_at desc, id desc) where merged_into is null;
create index customers_search on customers using gin (search_text gin_trgm_ops);
create index customers_phones on customers using gin (phones);
create index customers_emails on customers using gin (emails);
create index customers_tags on customers using gin (tags);

create table customer_consents (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  channel text not null,
  status text not null check (status in ('granted', 'revoked')),
  source text not null,
  changed_at timestamptz not null default now(),
  primary key (customer_id, channel)
);
create index customer_consents_channel on customer_consents (workspace_id, channel, status);

-- Typed custom attributes, per workspace.
create table attribute_definitions (
  workspace_id uuid not null references workspaces on delete cascade,
  key text not null,
  label text not null,
  type text not null check (type in ('string', 'number', 'boolean', 'date', 'enum', 'list')),
  options text[] not null default '{}',
  created_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- Profile history (created, updated, consent, tags, merge, erase): one timeline source.
create table customer_activity (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  action text not null,
  data jsonb not null default '{}',
  actor_label text,
  occurred_at timestamptz not null default clock_timestamp()
);
create index customer_activity_timeline on customer_activity (customer_id, occurred_at desc, id desc);

create table notes (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  body text not null,
  author_id uuid references users on delete set null,
  author_label text,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
create index notes_timeline on notes (customer_id, created_at desc, id desc);

create table tasks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid references customers on delete cascade,
  title text not null,
  description text,
  assignee_id uuid references users on delete set null,
  due_at timestamptz,
  status text not null default 'open' check (status in ('open', 'in_progress', 'done', 'cancelled')),
  priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  source text not null default 'manual',
  created_by_label text,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp(),
  completed_at timestamptz
);
create index tasks_timeline on tasks (customer_id, created_at desc, id desc);
create index tasks_workspace on tasks (workspace_id, status, due_at);

-- Every merge, with what moved, so that it can be explained (and later undone).
create table customer_merges (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  primary_id uuid not null references customers,
  secondary_id uuid not null references customers,
  secondary_snapshot jsonb not null,
  moved jsonb not null default '{}',
  merged_by text,
  merged_at timestamptz not null default now()
);
create index customer_merges_primary on customer_merges (primary_id);
