-- Subscription topics of a workspace (newsletter, promotions …): what a customer can opt out of
-- on the preference page without losing a whole channel. Templates name a topic by its key.
create table messaging_topics (
  workspace_id uuid not null references workspaces on delete cascade,
  key text not null check (key ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  -- { "fa": "خبرنامه", "en": "Newsletter" }: shown on the preference page in the customer's language.
  labels jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, key)
);

-- A customer's opt-out of a topic, on one channel or ('*') on every channel. A row means "do not
-- send"; no row means subscribed. Rows outlive their topic on purpose: deleting a topic and
-- creating it again must not resubscribe anyone who said stop.
create table topic_opt_outs (
  workspace_id uuid not null references workspaces on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  topic text not null,
  channel text not null,
  -- 'preference-page', 'one-click', 'api' …, and the message whose link was used, when known.
  source text not null,
  message_id uuid,
  created_at timestamptz not null default now(),
  primary key (customer_id, topic, channel)
);
create index topic_opt_outs_topic on topic_opt_outs (workspace_id, topic);
