-- Message templates: per-language variants, each with per-channel content (Liquid sources), and the
-- compiled form (MJML → HTML once at save; Liquid is rendered per recipient at send time).
create table message_templates (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  name text not null check (length(name) between 1 and 200),
  category text not null check (category in ('marketing', 'transactional')),
  -- Optional topic for per-topic unsubscribe (e.g. 'newsletter', 'offers').
  topic text,
  -- Whether the renderer wraps channel content in the workspace's brand-voice greeting and signature.
  use_voice boolean not null default false,
  -- { "fa": { "email": {…}, "sms": {…}, … }, "en": {…} }: what the author wrote, in the author's order.
  variants jsonb not null,
  -- { "fa": { "emailHtml": "…" } }: email HTML after MJML and voice, still holding Liquid tags.
  compiled jsonb not null default '{}',
  -- Bumped on every change; renderers cache parsed templates by (id, version).
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, name)
);
create index message_templates_list on message_templates (workspace_id, updated_at desc, id desc);

-- The workspace's brand voice: tone plus greeting and signature per language (Liquid, rendered per
-- recipient). No row means the built-in defaults for the tone 'formal'.
create table messaging_voice (
  workspace_id uuid primary key references workspaces on delete cascade,
  tone text not null default 'formal' check (tone in ('formal', 'friendly')),
  greetings jsonb not null default '{}',
  signatures jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
